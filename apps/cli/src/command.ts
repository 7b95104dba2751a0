import type { ParseArgsConfig } from "node:util";
import type { ApiClient } from "./api-client.js";
import type { Credentials } from "./credentials.js";
import type { Io } from "./read-secret.js";

export type OptionsConfig = NonNullable<ParseArgsConfig["options"]>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command runs with: its parsed arguments, the output mode and the API. */
export interface CommandContext {
  values: OptionValues;
  positionals: string[];
  /** --json: print the API's JSON unchanged instead of tables. */
  json: boolean;
  io: Io;
  env: NodeJS.ProcessEnv;
  /** The manager's base URL (--url, CONCLAVE_URL, the stored login, or the default). */
  baseUrl: string;
  credentialsFile: string;
  stored: Credentials | undefined;
  /** A client that signs requests; fails with exit 3 when nobody is signed in. */
  api(): ApiClient;
  /** A client without credentials (login, health). */
  anonymous(): ApiClient;
  /** Prints `body` as JSON with --json, else what `human` renders. */
  print(body: unknown, human: () => string): void;
}

/** One command line: `conclave <path…> [positionals] [flags]`. */
export interface Command {
  path: string[];
  /** Positional arguments as shown in help, e.g. "<realm> <alias>". */
  args?: string;
  summary: string;
  options?: OptionsConfig;
  /** Help text for each flag, by option name. */
  flags?: Record<string, string>;
  /** How many positionals it takes; `args` decides when absent (count of <…>, […] optional). */
  positionals?: { min: number; max: number };
  // biome-ignore lint/suspicious/noConfusingVoidType: most commands return nothing (exit 0)
  run(ctx: CommandContext): Promise<number | void>;
}

/** Counts the required <a> and optional [b] / <c…> positionals of an `args` string. */
export function positionalRange(command: Command): { min: number; max: number } {
  if (command.positionals) return command.positionals;
  const args = command.args ?? "";
  const required = args.match(/<[^>]+>/g) ?? [];
  const optional = args.match(/\[[^\]]+\]/g) ?? [];
  const variadic = /…>|\.\.\.>|…\]|\.\.\.\]/.test(args);
  return {
    min: required.length,
    max: variadic ? Number.POSITIVE_INFINITY : required.length + optional.length,
  };
}
