import { type Algorithm, hash, verify } from "@node-rs/argon2";
import type { PasswordHashingParams } from "../config.js";

/** `Algorithm.Argon2id`; a const enum cannot be read at run time under isolatedModules. */
const ARGON2ID = 2 as Algorithm;

/** Hashes and checks passwords with argon2id. */
export class PasswordHasher {
  /** Verified against when the username is unknown, so both cases take the same time. */
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly params: PasswordHashingParams) {}

  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID, ...this.params });
  }

  /** True when `password` matches `encoded`; false (not an error) for a malformed hash. */
  async verify(encoded: string, password: string): Promise<boolean> {
    try {
      return await verify(encoded, password);
    } catch {
      return false;
    }
  }

  /** Spends the time of one verification, for a username that does not exist. */
  async verifyDummy(password: string): Promise<void> {
    this.dummyHash ??= this.hash("conclave-timing-equaliser");
    await this.verify(await this.dummyHash, password);
  }

  /** True when `encoded` was made with other parameters (rehash it at the next login). */
  needsRehash(encoded: string): boolean {
    const { memoryCost: m, timeCost: t, parallelism: p } = this.params;
    return !encoded.startsWith(`$argon2id$v=19$m=${m},t=${t},p=${p}$`);
  }
}
