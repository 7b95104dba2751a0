import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClusterConfigInput, RealmConfigInput } from "@conclave/protocol";
import { RealmAdminClient, RealmClient } from "@conclave/realm-client";
import { freePort } from "./nats-server.js";

const realmMain = fileURLToPath(new URL("../../apps/realm/dist/main.js", import.meta.url));

/** One realm process of a benchmark cluster, restartable on its data directory and port. */
export class BenchMember {
  child: ChildProcess | undefined;
  readonly admin: RealmAdminClient;
  readonly dataDir: string;

  constructor(
    readonly name: string,
    dir: string,
    readonly port: number,
    private readonly args: string[],
  ) {
    this.dataDir = join(dir, name);
    this.admin = new RealmAdminClient(join(this.dataDir, "admin.sock"));
  }

  get url(): string {
    return `nsp://127.0.0.1:${this.port}`;
  }

  get publicKey(): string {
    return readFileSync(join(this.dataDir, "identity.pub"), "utf8");
  }

  /** Starts the realm (a new data directory the first time) and waits until it serves. */
  async start(): Promise<void> {
    mkdirSync(this.dataDir, { recursive: true });
    const config: RealmConfigInput = {
      name: this.name,
      interfaces: [{ name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: this.port }],
    };
    const seed = join(this.dataDir, "..", `${this.name}.seed.json`);
    writeFileSync(seed, JSON.stringify(config));
    this.child = spawn(
      process.execPath,
      [realmMain, "--data", this.dataDir, "--config", seed, ...this.args],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await this.admin.status();
        return;
      } catch (error) {
        if (Date.now() > deadline || this.child.exitCode !== null) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  /** Sends `signal` (SIGKILL by default) and waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill(signal);
    await exited;
  }
}

/** Starts `names` as realm processes on 127.0.0.1 and, with more than one, clusters them. */
export async function startBenchCluster(
  dir: string,
  names: string[],
  args: string[] = [],
): Promise<BenchMember[]> {
  const members = await Promise.all(
    names.map(async (name) => new BenchMember(name, dir, await freePort(), args)),
  );
  await Promise.all(members.map((m) => m.start()));
  if (members.length > 1) {
    const config: ClusterConfigInput = {
      name: "bench",
      members: members.map((m) => ({ name: m.name, addresses: [m.url], publicKey: m.publicKey })),
    };
    await Promise.all(members.map((m) => m.admin.setCluster(config)));
    await waitForMaster(members);
  }
  return members;
}

/** Polls until every member in `members` follows the same master; returns it. */
export async function waitForMaster(
  members: BenchMember[],
  options: { not?: string; timeoutMs?: number; intervalMs?: number } = {},
): Promise<BenchMember> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const statuses = await Promise.all(members.map((m) => m.admin.cluster().catch(() => null)));
    const masters = new Set(statuses.map((s) => s?.master ?? null));
    const [master] = masters;
    if (
      masters.size === 1 &&
      master &&
      master !== options.not &&
      statuses.every((s) => s && !s.recovering)
    ) {
      const found = members.find((m) => m.name === master);
      if (found) return found;
    }
    if (Date.now() > deadline) throw new Error("no master agreed in time");
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 50));
  }
}

/** Waits until a realm answers on its nsp interface. */
export async function waitForClient(url: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const probe = await RealmClient.connect(url, { timeoutMs: 1000 });
      await probe.close();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
