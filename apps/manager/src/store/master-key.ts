import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

/** Where the master key came from. */
export type MasterKeySource = "env" | "file" | "created";

/** The master key file's name inside the data directory. */
export const MASTER_KEY_FILE = "master.key";

/**
 * Parses CONCLAVE_MASTER_KEY: 32 bytes as 64 hex digits or as base64/base64url (44/43 chars).
 * Throws a message that names the variable but never echoes its value.
 */
export function parseMasterKey(text: string): Buffer {
  const value = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (key.length === 32) return key;
  }
  throw new Error(
    "CONCLAVE_MASTER_KEY must be 32 random bytes, as 64 hex digits or base64 " +
      "(e.g. the output of `openssl rand -hex 32`)",
  );
}

/**
 * The key that seals secrets at rest: CONCLAVE_MASTER_KEY when given, else `master.key` in the
 * data directory, created on first run with mode 0600. Replicas sharing a PostgreSQL store
 * must all be given the same CONCLAVE_MASTER_KEY.
 */
export async function loadMasterKey(options: {
  envKey: string | undefined;
  dataDir: string;
}): Promise<{ key: Buffer; source: MasterKeySource; path?: string }> {
  if (options.envKey !== undefined && options.envKey !== "") {
    return { key: parseMasterKey(options.envKey), source: "env" };
  }
  const path = join(options.dataDir, MASTER_KEY_FILE);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  try {
    // "wx": create only if absent, so two processes racing here never both write a key.
    const handle = await open(path, "wx", 0o600);
    try {
      await handle.writeFile(`${randomBytes(32).toString("hex")}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // The umask may have narrowed the mode further but never widened it; make it exact.
    await chmod(path, 0o600);
    return { key: parseMasterKeyFile(await readFile(path, "utf8"), path), source: "created", path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const info = await stat(path);
  if ((info.mode & 0o077) !== 0) {
    throw new Error(
      `${path} is readable by other users (mode ${(info.mode & 0o777).toString(8)}); run chmod 600 ${path}`,
    );
  }
  return { key: parseMasterKeyFile(await readFile(path, "utf8"), path), source: "file", path };
}

function parseMasterKeyFile(text: string, path: string): Buffer {
  try {
    return parseMasterKey(text);
  } catch {
    throw new Error(`${path} does not hold a master key (64 hex digits); restore it from backup`);
  }
}
