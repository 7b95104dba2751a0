import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/**
 * A temporary directory where tests run keytool and openssl as independent peers: they make
 * the keystores the manager must read and check the files it writes. Test-only.
 */
export class PeerTools {
  readonly dir = mkdtempSync(join(tmpdir(), "conclave-keystores-"));

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

  /** Runs a command in the directory; rejects with its output on a non-zero exit. */
  async run(command: string, args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await execFileAsync(command, args, {
        cwd: this.dir,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout + stderr;
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
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
