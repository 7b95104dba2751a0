import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * Helpers for tests that use keytool and openssl as independent peers. Every test file
 * works in its own temporary directory, created in beforeAll and removed in afterAll.
 * Other workspaces' tests import it as `@conclave/pki/test-support`.
 */
export class PeerDir {
  readonly dir = mkdtempSync(join(tmpdir(), "conclave-pki-"));

  path(name: string): string {
    return join(this.dir, name);
  }
  read(name: string): Buffer {
    return readFileSync(this.path(name));
  }
  write(name: string, data: Uint8Array | string): string {
    writeFileSync(this.path(name), data);
    return this.path(name);
  }
  /** Runs a command in the directory; rejects with its stderr on a non-zero exit. */
  async run(command: string, args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await execFileAsync(command, args, {
        cwd: this.dir,
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr ?? ""}${e.stdout ?? ""}`);
    }
  }
  keytool(...args: string[]): Promise<string> {
    return this.run("keytool", args);
  }
  openssl(...args: string[]): Promise<string> {
    return this.run("openssl", args);
  }
  /** `keytool -list` rows as "alias,kind" ("PrivateKeyEntry" / "trustedCertEntry"), sorted. */
  async keytoolRows(file: string, password: string, type?: string): Promise<string[]> {
    const out = await this.keytool(
      "-list",
      "-keystore",
      this.path(file),
      "-storepass",
      password,
      ...(type ? ["-storetype", type] : []),
    );
    return (
      out
        .split("\n")
        // "server, Nov 22, 2026, PrivateKeyEntry, " — the date has a comma of its own.
        .map((line) =>
          /^(.+), [A-Z][a-z]+ \d{1,2}, \d{4}, (PrivateKeyEntry|trustedCertEntry),\s*$/.exec(line),
        )
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => `${m[1]!.toLowerCase()},${m[2]}`)
        .sort()
    );
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A seeded PRNG (mulberry32), so fuzz failures reproduce. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Parses `openssl x509 -noout -fingerprint -sha256` output into "AB:CD:…". */
export function opensslFingerprint(output: string): string {
  return /Fingerprint=([0-9A-F:]+)/.exec(output)?.[1] ?? "";
}
export * from "./openssl-pki.js";
