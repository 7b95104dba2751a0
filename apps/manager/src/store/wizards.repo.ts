import type {
  WizardFinding,
  WizardKind,
  WizardReport,
  WizardState,
  WizardStep,
} from "@conclave/protocol";
import type { Db } from "./db.js";

/** How a rollback that is under way ends: `cancel` → cancelled, `rollback` → rolledBack. */
export type WizardEnding = "cancel" | "rollback";

/** A stored wizard. `snapshot` is the kind's own data (what to restore, what was decided). */
export interface WizardRecord {
  id: string;
  kind: WizardKind;
  cluster: string;
  state: WizardState;
  options: Record<string, unknown>;
  steps: WizardStep[];
  findings: WizardFinding[];
  report: WizardReport | null;
  snapshot: Record<string, unknown>;
  ending: WizardEnding | null;
  runner: string | null;
  leaseUntil: Date | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** States in which a wizard holds its cluster: no second wizard may start meanwhile. */
export const ACTIVE_WIZARD_STATES: readonly WizardState[] = [
  "awaitingAcknowledgement",
  "running",
  "paused",
  "failed",
  "rollingBack",
];

const COLUMNS = `id, kind, cluster, state, options, steps, findings, report, snapshot, ending,
  runner, lease_until AS "leaseUntil", created_by AS "createdBy", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

const json = (value: unknown) => JSON.stringify(value);

/** Wizards (migration 0005). Pass a transaction's `tx` to work inside it. */
export class WizardsRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<WizardRecord[]> {
    return this.db.query<WizardRecord>(`SELECT ${COLUMNS} FROM wizards ORDER BY created_at DESC`);
  }

  async find(id: string): Promise<WizardRecord | null> {
    const rows = await this.db.query<WizardRecord>(`SELECT ${COLUMNS} FROM wizards WHERE id = $1`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  /** Locks the row until the transaction ends, so actions on one wizard take turns. */
  async findForUpdate(id: string): Promise<WizardRecord | null> {
    const rows = await this.db.query<WizardRecord>(
      `SELECT ${COLUMNS} FROM wizards WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The cluster's wizard in an active state, if one. */
  async activeFor(cluster: string): Promise<WizardRecord | null> {
    const rows = await this.db.query<WizardRecord>(
      `SELECT ${COLUMNS} FROM wizards WHERE cluster = $1 AND state = ANY($2::text[])`,
      [cluster, ACTIVE_WIZARD_STATES],
    );
    return rows[0] ?? null;
  }

  /** Wizards the engine must drive: running or rolling back. */
  listDriven(): Promise<WizardRecord[]> {
    return this.db.query<WizardRecord>(
      `SELECT ${COLUMNS} FROM wizards WHERE state IN ('running', 'rollingBack') ORDER BY created_at`,
    );
  }

  /** Null when the cluster already has an active wizard (or the id is taken). */
  async create(input: {
    id: string;
    kind: WizardKind;
    cluster: string;
    state: WizardState;
    options: Record<string, unknown>;
    steps: WizardStep[];
    snapshot: Record<string, unknown>;
    createdBy: string;
  }): Promise<WizardRecord | null> {
    const rows = await this.db.query<WizardRecord>(
      `INSERT INTO wizards (id, kind, cluster, state, options, steps, snapshot, created_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8)
       ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
      [
        input.id,
        input.kind,
        input.cluster,
        input.state,
        json(input.options),
        json(input.steps),
        json(input.snapshot),
        input.createdBy,
      ],
    );
    return rows[0] ?? null;
  }

  /** Writes the fields given; answers the row as stored. */
  async update(
    id: string,
    patch: Partial<
      Pick<WizardRecord, "state" | "steps" | "findings" | "report" | "snapshot" | "ending">
    >,
  ): Promise<WizardRecord | null> {
    const sets: string[] = [];
    const params: unknown[] = [id];
    const set = (column: string, value: unknown, cast = "") => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (patch.state !== undefined) set("state", patch.state);
    if (patch.steps !== undefined) set("steps", json(patch.steps), "::jsonb");
    if (patch.findings !== undefined) set("findings", json(patch.findings), "::jsonb");
    if (patch.report !== undefined) set("report", json(patch.report), "::jsonb");
    if (patch.snapshot !== undefined) set("snapshot", json(patch.snapshot), "::jsonb");
    if (patch.ending !== undefined) set("ending", patch.ending);
    sets.push("updated_at = now()");
    const rows = await this.db.query<WizardRecord>(
      `UPDATE wizards SET ${sets.join(", ")} WHERE id = $1 RETURNING ${COLUMNS}`,
      params,
    );
    return rows[0] ?? null;
  }

  /**
   * Claims the wizard for `runner` for `leaseMs`: succeeds when nobody holds it, the claim is
   * ours, or the holder's lease ran out (a replica that died). `force` takes it regardless
   * (the embedded store has one process, so a claim left by a killed predecessor is stale).
   */
  async claim(id: string, runner: string, leaseMs: number, force = false): Promise<boolean> {
    const rows = await this.db.query(
      `UPDATE wizards SET runner = $2, lease_until = now() + ($3 || ' milliseconds')::interval
       WHERE id = $1 AND ($4 OR runner IS NULL OR runner = $2 OR lease_until < now())
       RETURNING id`,
      [id, runner, String(leaseMs), force],
    );
    return rows.length > 0;
  }

  async release(id: string, runner: string): Promise<void> {
    await this.db.query(
      "UPDATE wizards SET runner = NULL, lease_until = NULL WHERE id = $1 AND runner = $2",
      [id, runner],
    );
  }
}
