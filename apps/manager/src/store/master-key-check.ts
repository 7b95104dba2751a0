import { AdvisoryLock, advisoryXactLockSql } from "./advisory-locks.js";
import type { Db } from "./db.js";
import type { SecretBox } from "./secrets.js";

const META_KEY = "master_key_check";
const CONTEXT = "manager_meta:master_key_check";
const PLAINTEXT = "conclave";

/**
 * Proves at start-up that the master key is the one that sealed the stored secrets: the first
 * start seals a known value; later starts must open it. A replica given the wrong
 * CONCLAVE_MASTER_KEY stops with a clear message instead of failing on the first keystore.
 */
export async function checkMasterKey(db: Db, box: SecretBox): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query(advisoryXactLockSql(AdvisoryLock.masterKeyCheck));
    const rows = await tx.query<{ value: string }>(
      "SELECT value FROM manager_meta WHERE key = $1",
      [META_KEY],
    );
    const stored = rows[0]?.value;
    if (stored === undefined) {
      await tx.query("INSERT INTO manager_meta (key, value) VALUES ($1, $2)", [
        META_KEY,
        box.seal(PLAINTEXT, CONTEXT),
      ]);
      return;
    }
    let opened: string | undefined;
    try {
      opened = box.openString(stored, CONTEXT);
    } catch {
      opened = undefined;
    }
    if (opened !== PLAINTEXT) {
      throw new Error(
        "The master key does not match the one that sealed this store's secrets. Give the " +
          "original CONCLAVE_MASTER_KEY (or restore master.key in the data directory).",
      );
    }
  });
}
