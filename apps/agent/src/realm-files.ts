import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { RealmConfig } from "@conclave/protocol";

/**
 * Writes a file so that readers see the old content or the new, never a mix: a temporary
 * file beside it, flushed, then renamed over it. Mode 0600: these files hold passwords and keys.
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
  await rename(temp, path);
}

/** Writes `<dataDir>/realm.json`, which the realm reads on start. */
export function writeRealmConfig(dataDir: string, config: RealmConfig): Promise<void> {
  return writeFileAtomic(join(dataDir, "realm.json"), `${JSON.stringify(config, null, 2)}\n`);
}
