import type { ClusterHealth, ClusterSite } from "@conclave/protocol";
import type { Db } from "./db.js";

/** One member as distributed to every realm of the cluster. */
export interface ClusterMemberRecord {
  realm: string;
  addresses: string[];
  /** SPKI PEM of the realm's identity key (public). */
  publicKey: string;
  identityFingerprintSha256: string;
}

/** A cluster's desired membership and its last derived status. */
export interface ClusterRecord {
  name: string;
  members: ClusterMemberRecord[];
  sites: ClusterSite[];
  primeSite: string | null;
  /** The truststore peers' certificates on TLS links are checked against; null: unchecked. */
  trustTruststoreId: string | null;
  status: ClusterHealth;
  converged: boolean;
  membershipChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

const COLUMNS = `name, members, sites, prime_site AS "primeSite",
  trust_truststore_id AS "trustTruststoreId", status, converged,
  membership_changed_at AS "membershipChangedAt", created_at AS "createdAt",
  updated_at AS "updatedAt"`;

/** Clusters formed through the manager. Pass a transaction's `tx` to work inside it. */
export class ClustersRepo {
  constructor(private readonly db: Db) {}

  list(): Promise<ClusterRecord[]> {
    return this.db.query<ClusterRecord>(`SELECT ${COLUMNS} FROM clusters ORDER BY name`);
  }

  async find(name: string): Promise<ClusterRecord | null> {
    const rows = await this.db.query<ClusterRecord>(
      `SELECT ${COLUMNS} FROM clusters WHERE name = $1`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** Null when the name is taken. */
  async create(input: {
    name: string;
    members: ClusterMemberRecord[];
    sites: ClusterSite[];
    primeSite: string | null;
  }): Promise<ClusterRecord | null> {
    const rows = await this.db.query<ClusterRecord>(
      `INSERT INTO clusters (name, members, sites, prime_site)
       VALUES ($1, $2::jsonb, $3::jsonb, $4)
       ON CONFLICT (name) DO NOTHING RETURNING ${COLUMNS}`,
      [input.name, JSON.stringify(input.members), JSON.stringify(input.sites), input.primeSite],
    );
    return rows[0] ?? null;
  }

  /** New member list (and sites): the cluster shows Forming until the members converge again. */
  async setMembers(
    name: string,
    members: ClusterMemberRecord[],
    sites: ClusterSite[],
  ): Promise<ClusterRecord | null> {
    const rows = await this.db.query<ClusterRecord>(
      `UPDATE clusters SET members = $2::jsonb, sites = $3::jsonb, status = 'Forming',
         converged = false, membership_changed_at = now(), updated_at = now()
       WHERE name = $1 RETURNING ${COLUMNS}`,
      [name, JSON.stringify(members), JSON.stringify(sites)],
    );
    return rows[0] ?? null;
  }

  /** Records the derived status; `converged` only ever goes from false to true here. */
  async setStatus(name: string, status: ClusterHealth, converged: boolean): Promise<void> {
    await this.db.query(
      `UPDATE clusters SET status = $2, converged = converged OR $3, updated_at = now()
       WHERE name = $1`,
      [name, status, converged],
    );
  }

  /** Records the cluster trust store (after every member has received it). */
  async setTrust(name: string, truststoreId: string | null): Promise<void> {
    await this.db.query(
      "UPDATE clusters SET trust_truststore_id = $2, updated_at = now() WHERE name = $1",
      [name, truststoreId],
    );
  }

  /** Names of the clusters whose trust store is `truststoreId`. */
  async trusting(truststoreId: string): Promise<string[]> {
    const rows = await this.db.query<{ name: string }>(
      "SELECT name FROM clusters WHERE trust_truststore_id = $1 ORDER BY name",
      [truststoreId],
    );
    return rows.map((r) => r.name);
  }

  async delete(name: string): Promise<boolean> {
    const rows = await this.db.query("DELETE FROM clusters WHERE name = $1 RETURNING name", [name]);
    return rows.length > 0;
  }
}
