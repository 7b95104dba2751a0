import type { Db } from "./db.js";

/** A certificate with its sealed private key, as stored in `internal_pki`. */
export interface StoredCredential {
  certificatePem: string;
  privateKeySealed: string;
}

/** The manager's internal CA and its own client certificate (keys sealed by SecretBox). */
export class InternalPkiRepo {
  constructor(private readonly db: Db) {}

  async get(name: string): Promise<StoredCredential | null> {
    const rows = await this.db.query<StoredCredential>(
      `SELECT certificate_pem AS "certificatePem", private_key_sealed AS "privateKeySealed"
         FROM internal_pki WHERE name = $1`,
      [name],
    );
    return rows[0] ?? null;
  }

  /** Stores `credential` unless `name` exists (another replica won the race); returns the stored one. */
  async putIfAbsent(name: string, credential: StoredCredential): Promise<StoredCredential> {
    await this.db.query(
      `INSERT INTO internal_pki (name, certificate_pem, private_key_sealed) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING`,
      [name, credential.certificatePem, credential.privateKeySealed],
    );
    const stored = await this.get(name);
    if (!stored) throw new Error(`internal_pki ${name} vanished`);
    return stored;
  }
}
