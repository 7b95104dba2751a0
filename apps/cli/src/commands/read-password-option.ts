import { readFile } from "node:fs/promises";
import { UsageError } from "../cli-error.js";
import type { CommandContext } from "../command.js";
import { promptSecret, readStdin } from "../read-secret.js";

/**
 * A secret from `--<name>-stdin`, `--<name>-file PATH`, or a prompt without echo. Never from
 * a flag value: those show in `ps` and shell history.
 */
export async function readPasswordOption(
  ctx: CommandContext,
  name: string,
  prompt: string,
  required = true,
): Promise<string | undefined> {
  const fromStdin = ctx.values[`${name}-stdin`] === true;
  const file = ctx.values[`${name}-file`] as string | undefined;
  if (fromStdin && file) throw new UsageError(`Use --${name}-stdin or --${name}-file, not both`);
  let secret: string | undefined;
  if (fromStdin) secret = await readStdin(ctx.io);
  else if (file) secret = (await readFile(file, "utf8")).replace(/\r?\n$/, "");
  else if (required) secret = await promptSecret(ctx.io, prompt);
  if (required && !secret) throw new UsageError(`The ${name.replace(/-/g, " ")} is empty`);
  return secret;
}

/** The flags {@link readPasswordOption} reads, for a command's options. */
export function passwordOptions(name: string) {
  return {
    [`${name}-stdin`]: { type: "boolean" },
    [`${name}-file`]: { type: "string" },
  } as const;
}

/** Help lines for {@link passwordOptions}. */
export function passwordFlags(name: string, what: string): Record<string, string> {
  return {
    [`${name}-stdin`]: `Read the ${what} from stdin`,
    [`${name}-file`]: `Read the ${what} from a file`,
  };
}
