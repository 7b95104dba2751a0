import { parseArgs } from "node:util";
import { ApiClient } from "./api-client.js";
import { CliError, UsageError } from "./cli-error.js";
import {
  type Command,
  type CommandContext,
  type OptionsConfig,
  positionalRange,
} from "./command.js";
import { commands as allCommands } from "./commands/index.js";
import { credentialsPath, loadCredentials } from "./credentials.js";
import { ExitCode } from "./exit-codes.js";
import type { Io } from "./read-secret.js";

/** The manager `npm start` runs; used when nothing else names one. */
export const DEFAULT_URL = "http://127.0.0.1:8080";

/** Flags every command takes. */
export const GLOBAL_OPTIONS: OptionsConfig = {
  json: { type: "boolean" },
  url: { type: "string" },
  help: { type: "boolean", short: "h" },
};

/** A command and the arguments left once its words are taken out. */
export interface ResolvedCommand {
  command: Command;
  rest: string[];
}

/**
 * Finds the command named by the leading words of `argv` (global flags may come first), the
 * longest match winning: `pki ca create` before `pki`. Undefined when none matches.
 */
export function resolveCommand(
  argv: readonly string[],
  commands: readonly Command[],
): ResolvedCommand | undefined {
  const words: number[] = [];
  for (let i = 0; i < argv.length && words.length < 3; i++) {
    const token = argv[i]!;
    if (token === "--") break;
    if (token === "--url") i++;
    else if (!token.startsWith("-")) words.push(i);
  }
  let best: Command | undefined;
  for (const command of commands) {
    const matches = command.path.every((word, k) => argv[words[k] ?? -1] === word);
    if (matches && command.path.length > (best?.path.length ?? 0)) best = command;
  }
  if (!best) return undefined;
  const taken = new Set(words.slice(0, best.path.length));
  return { command: best, rest: argv.filter((_, i) => !taken.has(i)) };
}

/** Parses a command's flags and positionals; wrong ones are usage errors (exit 2). */
export function parseCommandArgs(command: Command, rest: string[]) {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: { ...GLOBAL_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { min, max } = positionalRange(command);
  const count = parsed.positionals.length;
  if (!parsed.values.help && (count < min || count > max)) {
    throw new UsageError(
      `${count < min ? "Missing arguments" : "Too many arguments"}: conclave ${command.path.join(" ")} ${command.args ?? ""}`.trimEnd(),
    );
  }
  return parsed;
}

/** The list of commands, for `conclave --help`. */
export function generalHelp(commands: readonly Command[]): string {
  const names = commands.map((c) => `${c.path.join(" ")} ${c.args ?? ""}`.trimEnd());
  const width = Math.max(...names.map((n) => n.length));
  return [
    "Usage: conclave <command> [arguments] [--json] [--url URL]",
    "",
    "Commands:",
    ...commands.map((c, i) => `  ${names[i]!.padEnd(width)}  ${c.summary}`),
    "",
    "Global flags: --json (the API's JSON, unchanged), --url URL (default: CONCLAVE_URL, the",
    `stored login, or ${DEFAULT_URL}), --help.`,
    "Exit codes: 0 ok, 1 API error, 2 usage error, 3 auth required/failed, 4 not found,",
    "5 manager unreachable. See docs/cli.md.",
  ].join("\n");
}

/** Help for one command: its usage line and flags. */
export function commandHelp(command: Command): string {
  const lines = [
    `Usage: conclave ${command.path.join(" ")} ${command.args ?? ""}`.trimEnd(),
    "",
    command.summary,
  ];
  const flags = Object.entries(command.options ?? {});
  if (flags.length) {
    lines.push("", "Flags:");
    const shown = flags.map(
      ([name, o]) =>
        `--${name}${o.type === "string" ? " VALUE" : ""}${o.multiple ? " (repeatable)" : ""}`,
    );
    const width = Math.max(...shown.map((s) => s.length));
    flags.forEach(([name], i) => {
      lines.push(`  ${shown[i]!.padEnd(width)}  ${command.flags?.[name] ?? ""}`.trimEnd());
    });
  }
  return lines.join("\n");
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    throw new UsageError(`Not a URL: ${url}`);
  }
}

/**
 * Runs one command line and returns the exit code (never throws, never calls process.exit):
 * main.ts passes the process streams, tests pass fakes.
 */
export async function runCli(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv,
  commands: readonly Command[] = allCommands,
): Promise<number> {
  try {
    const resolved = resolveCommand(argv, commands);
    if (!resolved) {
      const wantsHelp =
        argv.length === 0 || argv.includes("--help") || argv.includes("-h") || argv[0] === "help";
      if (wantsHelp) {
        io.stdout(`${generalHelp(commands)}\n`);
        return argv.length === 0 ? ExitCode.Usage : ExitCode.Ok;
      }
      const first = argv.find((a) => !a.startsWith("-"));
      const near = commands
        .filter((c) => c.path[0] === first)
        .map((c) => `conclave ${c.path.join(" ")}`);
      throw new UsageError(
        near.length
          ? `Unknown command. Did you mean one of:\n  ${near.join("\n  ")}`
          : `Unknown command "${argv.join(" ")}". Run conclave --help for the list.`,
      );
    }
    const { command, rest } = resolved;
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help) {
      io.stdout(`${commandHelp(command)}\n`);
      return ExitCode.Ok;
    }
    const credentialsFile = credentialsPath(env);
    const stored = await loadCredentials(credentialsFile);
    const baseUrl = origin(
      (values.url as string | undefined) ?? env.CONCLAVE_URL ?? stored?.url ?? DEFAULT_URL,
    );
    const json = values.json === true;
    const ctx: CommandContext = {
      values,
      positionals,
      json,
      io,
      env,
      baseUrl,
      credentialsFile,
      stored,
      api() {
        if (env.CONCLAVE_TOKEN)
          return new ApiClient(baseUrl, { kind: "token", token: env.CONCLAVE_TOKEN });
        // A stored login is only ever sent to the manager it was made with.
        if (stored && origin(stored.url) === baseUrl) return new ApiClient(baseUrl, stored.auth);
        throw new CliError(
          `Not signed in to ${baseUrl}: run \`conclave login\` or set CONCLAVE_TOKEN.`,
          ExitCode.Auth,
        );
      },
      anonymous: () => new ApiClient(baseUrl, undefined),
      print(body, human) {
        io.stdout(`${json ? JSON.stringify(body, null, 2) : human()}\n`);
      },
    };
    return (await command.run(ctx)) ?? ExitCode.Ok;
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`conclave: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`conclave: unexpected error: ${(error as Error).message}\n`);
    return ExitCode.ApiError;
  }
}
