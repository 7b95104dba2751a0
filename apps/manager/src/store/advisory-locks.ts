/**
 * Keys for `pg_advisory_xact_lock(classId, objectId)`. One class id for Conclave keeps its
 * locks apart from other applications sharing the database; each use gets its own object id.
 * Add new ones here so two features never pick the same number.
 */
export const ADVISORY_LOCK_CLASS = 0x436e_636c; // "Cncl"

export const AdvisoryLock = {
  /** Held while migrations run, so replicas starting together migrate one at a time. */
  migrations: 1,
  /** Held while the first admin is created, so two replicas never both create one. */
  bootstrapAdmin: 2,
  /** Held while the master-key check value is written. */
  masterKeyCheck: 3,
} as const;

/** SQL that takes the transaction-scoped advisory lock `objectId` (released at commit/rollback). */
export function advisoryXactLockSql(objectId: number): string {
  return `SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_CLASS}, ${objectId})`;
}
