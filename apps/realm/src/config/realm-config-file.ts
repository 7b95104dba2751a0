import { open, readFile, rename } from "node:fs/promises";
import path from "node:path";
import { type RealmConfig, RealmConfigSchema } from "@conclave/protocol";
import { ConfigError } from "../errors.js";
import { formatZodError } from "./format-zod-error.js";

/** Reads and validates a realm.json, or throws a {@link ConfigError} naming the bad field. */
export async function readRealmConfigFile(file: string): Promise<RealmConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      code === "ENOENT" ? `${file} does not exist` : `${file} cannot be read (${code})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = RealmConfigSchema.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`${file} is invalid: ${formatZodError(parsed.error)}`);
  }
  return parsed.data;
}

/**
 * Replaces realm.json atomically: a crash leaves either the old or the new file, never a mix.
 * Mode 0600, because the file holds key store passwords.
 */
export async function writeRealmConfigFile(file: string, config: RealmConfig): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(config, null, 2)}\n`, "utf8");
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  // The rename itself is durable only once the directory entry is flushed.
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
