import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RealmConfigInput } from "@conclave/protocol";
import { RealmAdminClient } from "@conclave/realm-client";

/** The compiled realm entry point (vitest's globalSetup runs tsc -b first). */
export const REALM_MAIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  "../../dist/main.js",
);

const running = new Set<RealmProcess>();
const tempDirs = new Set<string>();

/** A realm started as a real process by a test. */
export class RealmProcess {
  readonly admin: RealmAdminClient;
  /** Every stdout line (JSON log lines) so far. */
  readonly lines: string[] = [];
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(
    readonly dataDir: string,
    readonly child: ChildProcess,
  ) {
    this.admin = new RealmAdminClient(path.join(dataDir, "admin.sock"));
    let partial = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      const parts = (partial + chunk).split("\n");
      partial = parts.pop()!;
      this.lines.push(...parts);
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    void this.exited.then(() => running.delete(this));
  }

  /** Log lines parsed as JSON, optionally only those with `event`. */
  events(event?: string): Record<string, unknown>[] {
    return this.lines
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => !event || entry.event === event);
  }

  /** Waits for a log line with `event` (and matching `where`). */
  async waitForEvent(
    event: string,
    where: (entry: Record<string, unknown>) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events(event).find(where);
      if (found) return found;
      if (this.child.exitCode !== null) {
        throw new Error(`realm exited (${this.child.exitCode}) before ${event}: ${this.stderr}`);
      }
      if (Date.now() > deadline) throw new Error(`no ${event} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The bound port of an interface. */
  async port(name: string): Promise<number> {
    const status = await this.admin.status();
    const iface = status.interfaces.find((i) => i.name === name);
    if (!iface?.boundPort) throw new Error(`interface ${name} is not listening: ${iface?.error}`);
    return iface.boundPort;
  }

  /** `<protocol>://127.0.0.1:<bound port>` of an interface. */
  async url(name: string): Promise<string> {
    const status = await this.admin.status();
    const iface = status.interfaces.find((i) => i.name === name);
    if (!iface?.boundPort) throw new Error(`interface ${name} is not listening: ${iface?.error}`);
    return `${iface.protocol}://127.0.0.1:${iface.boundPort}`;
  }

  /** SIGTERM (graceful) or SIGKILL (crash); resolves with the exit code. */
  async stop(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Options of {@link startRealm}. */
export interface StartRealmOptions {
  /** Reuse a data directory (a restart); a new temp directory otherwise. */
  dataDir?: string;
  /** realm.json to seed a new data directory with. */
  config?: RealmConfigInput;
  args?: string[];
}

/** Spawns `node apps/realm/dist/main.js` and waits until it logs realm.ready. */
export async function startRealm(options: StartRealmOptions = {}): Promise<RealmProcess> {
  const dataDir = options.dataDir ?? (await tempDir("realm-"));
  const args = [REALM_MAIN, "--data", dataDir, ...(options.args ?? [])];
  if (options.config) {
    const seed = path.join(await tempDir("realm-seed-"), "realm.json");
    await writeFile(seed, JSON.stringify(options.config));
    args.push("--config", seed);
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  const realm = new RealmProcess(dataDir, child);
  running.add(realm);
  await realm.waitForEvent("realm.ready", () => true, 20_000);
  return realm;
}

/** Runs the realm command line to completion (for exit-code tests). */
export async function runRealmCommand(
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [REALM_MAIN, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** A fresh directory under the OS temp dir, removed by {@link cleanUp}. */
export async function tempDir(prefix = "conclave-"): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills every realm this test file started and removes its temp dirs (call in afterAll). */
export async function cleanUp(): Promise<void> {
  await Promise.all([...running].map((realm) => realm.stop("SIGKILL")));
  await Promise.all([...tempDirs].map((dir) => rm(dir, { recursive: true, force: true })));
  tempDirs.clear();
}

process.once("exit", () => {
  for (const realm of running) realm.child.kill("SIGKILL");
});
