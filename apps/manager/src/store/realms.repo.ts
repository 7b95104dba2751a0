import type { InterfaceDefinition } from "@conclave/protocol";
import type { Db } from "./db.js";

/** A realm's desired state: where it runs and its interfaces (REST form). */
export interface RealmRecord {
  name: string;
  agentId: string;
  interfaces: InterfaceDefinition[];
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `name, agent_id AS "agentId", interfaces, created_at AS "createdAt",
  updated_at AS "updatedAt"`;

/** Desired state of realms. Pass a transaction's `tx` to work inside it. */
export class RealmsRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<RealmRecord[]> {
    return this.db.query<RealmRecord>(`SELECT ${COLUMNS} FROM realms ORDER BY name`);
  }

  listForAgent(agentId: string): Promise<RealmRecord[]> {
    return this.db.query<RealmRecord>(
      `SELECT ${COLUMNS} FROM realms WHERE agent_id = $1 ORDER BY name`,
      [agentId],
    );
  }

  async find(name: string): Promise<RealmRecord | null> {
    const rows = await this.db.query<RealmRecord>(`SELECT ${COLUMNS} FROM realms WHERE name = $1`, [
      name,
    ]);
    return rows[0] ?? null;
  }

  /** Locks the realm's row until the transaction ends, so changes to one realm queue. */
  async findForUpdate(name: string): Promise<RealmRecord | null> {
    const rows = await this.db.query<RealmRecord>(
      `SELECT ${COLUMNS} FROM realms WHERE name = $1 FOR UPDATE`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** Null when the name is taken. */
  async create(input: {
    name: string;
    agentId: string;
    interfaces: InterfaceDefinition[];
  }): Promise<RealmRecord | null> {
    const rows = await this.db.query<RealmRecord>(
      `INSERT INTO realms (name, agent_id, interfaces) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [input.name, input.agentId, JSON.stringify(input.interfaces)],
    );
    return rows[0] ?? null;
  }

  async setInterfaces(
    name: string,
    interfaces: InterfaceDefinition[],
  ): Promise<RealmRecord | null> {
    const rows = await this.db.query<RealmRecord>(
      `UPDATE realms SET interfaces = $2::jsonb, updated_at = now() WHERE name = $1
       RETURNING ${COLUMNS}`,
      [name, JSON.stringify(interfaces)],
    );
    return rows[0] ?? null;
  }

  async delete(name: string): Promise<boolean> {
    const rows = await this.db.query("DELETE FROM realms WHERE name = $1 RETURNING name", [name]);
    return rows.length > 0;
  }
}
