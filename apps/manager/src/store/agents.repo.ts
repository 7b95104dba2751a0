import type { AgentReport, SyncChange } from "@conclave/protocol";
import type { Db } from "./db.js";

/** An enrolled agent as stored. */
export interface AgentRecord {
  id: string;
  hostname: string;
  addresses: string[];
  url: string | null;
  version: string | null;
  certificatePem: string;
  certificateSerial: string;
  certificateFingerprint: string;
  certificateNotAfter: Date;
  enrolledAt: Date;
  lastSeenAt: Date | null;
  connected: boolean;
  clockSkewMs: number | null;
  lastReport: AgentReport | null;
  drift: SyncChange[];
}

const COLUMNS = `id, hostname, addresses, url, version, certificate_pem AS "certificatePem",
  certificate_serial AS "certificateSerial", certificate_fingerprint AS "certificateFingerprint",
  certificate_not_after AS "certificateNotAfter", enrolled_at AS "enrolledAt",
  last_seen_at AS "lastSeenAt", connected, clock_skew_ms AS "clockSkewMs",
  last_report AS "lastReport", drift`;

/** Enrolled node agents and what they last reported. */
export class AgentsRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<AgentRecord[]> {
    return this.db.query<AgentRecord>(`SELECT ${COLUMNS} FROM agents ORDER BY hostname, id`);
  }

  async findById(id: string): Promise<AgentRecord | null> {
    const rows = await this.db.query<AgentRecord>(`SELECT ${COLUMNS} FROM agents WHERE id = $1`, [
      id,
    ]);
    return rows[0] ?? null;
  }

  /** The agent holding the certificate with this SHA-256 fingerprint (upper-case hex, colons). */
  async findByFingerprint(fingerprint: string): Promise<AgentRecord | null> {
    const rows = await this.db.query<AgentRecord>(
      `SELECT ${COLUMNS} FROM agents WHERE certificate_fingerprint = $1`,
      [fingerprint],
    );
    return rows[0] ?? null;
  }

  async create(input: {
    id: string;
    hostname: string;
    addresses: string[];
    version: string;
    certificatePem: string;
    certificateSerial: string;
    certificateFingerprint: string;
    certificateNotAfter: Date;
  }): Promise<AgentRecord> {
    const rows = await this.db.query<AgentRecord>(
      `INSERT INTO agents (id, hostname, addresses, version, certificate_pem, certificate_serial,
         certificate_fingerprint, certificate_not_after)
       VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::timestamptz) RETURNING ${COLUMNS}`,
      [
        input.id,
        input.hostname,
        JSON.stringify(input.addresses),
        input.version,
        input.certificatePem,
        input.certificateSerial,
        input.certificateFingerprint,
        input.certificateNotAfter.toISOString(),
      ],
    );
    return rows[0]!;
  }

  /** Stores a report with the clock skew and drift derived from it; marks the agent connected. */
  async saveReport(
    id: string,
    report: AgentReport,
    clockSkewMs: number,
    drift: SyncChange[],
  ): Promise<void> {
    await this.db.query(
      `UPDATE agents SET hostname = $2, addresses = $3::jsonb, url = $4, version = $5,
         last_seen_at = now(), connected = true, clock_skew_ms = $6, last_report = $7::jsonb,
         drift = $8::jsonb
       WHERE id = $1`,
      [
        id,
        report.hostname,
        JSON.stringify(report.addresses),
        report.url,
        report.version,
        clockSkewMs,
        JSON.stringify(report),
        JSON.stringify(drift),
      ],
    );
  }

  async saveDrift(id: string, drift: SyncChange[]): Promise<void> {
    await this.db.query("UPDATE agents SET drift = $2::jsonb WHERE id = $1", [
      id,
      JSON.stringify(drift),
    ]);
  }

  /**
   * Marks agents silent for longer than `silentSeconds` as disconnected and returns their ids.
   * One UPDATE, so with several replicas exactly one of them sees each transition.
   */
  async markSilentDisconnected(silentSeconds: number): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `UPDATE agents SET connected = false
        WHERE connected AND last_seen_at < now() - make_interval(secs => $1)
        RETURNING id`,
      [silentSeconds],
    );
    return rows.map((r) => r.id);
  }

  async delete(id: string): Promise<boolean> {
    const rows = await this.db.query("DELETE FROM agents WHERE id = $1 RETURNING id", [id]);
    return rows.length > 0;
  }
}
