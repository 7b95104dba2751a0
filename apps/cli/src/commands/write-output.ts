import { writeFile } from "node:fs/promises";
import type { CommandContext } from "../command.js";

/**
 * Writes a downloaded file to --out (0600 when it may hold keys), or text to stdout. Binary
 * files are never written to a terminal.
 */
export async function writeOutput(
  ctx: CommandContext,
  data: string | Uint8Array,
  options: { secret?: boolean; what: string },
): Promise<void> {
  const out = ctx.values.out as string | undefined;
  if (out && out !== "-") {
    await writeFile(out, data, { mode: options.secret ? 0o600 : 0o644 });
    ctx.io.stderr(`Wrote ${options.what} to ${out}\n`);
    return;
  }
  ctx.io.stdout(typeof data === "string" ? data : Buffer.from(data).toString("latin1"));
}
