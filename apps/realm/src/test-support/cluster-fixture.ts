import { readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import type { ClusterConfigInput, ClusterStatus, InterfaceInput } from "@conclave/protocol";
import { type RealmProcess, startRealm } from "./realm-process.js";

/** A port that was free a moment ago (fixed ports let a killed realm restart at its address). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** Polls `probe` until it returns a value (not undefined/false) or the time is up. */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value as T;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${typeof what === "string" ? what : what()} did not happen within ${timeoutMs} ms${lastError ? `: ${lastError}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One member of a test cluster. */
export interface TestMember {
  name: string;
  realm: RealmProcess;
  dataDir: string;
  nspPort: number;
  /** The nsps interface's port, when the cluster was started with TLS material. */
  nspsPort?: number;
  publicKey: string;
}

export interface TestClusterOptions {
  clusterName?: string;
  /** Key store (PEM key + chain) for an nsps interface on each realm. */
  keyStorePath?: string;
  trustStorePath?: string;
  sites?: { name: string; members: string[] }[];
  primeSite?: string;
  args?: string[];
}

/**
 * Real realm processes on 127.0.0.1 with fixed free ports, then clustered through their admin
 * endpoints (PUT /cluster on each, with every member's identity.pub), as an agent would.
 */
export class TestCluster {
  readonly members = new Map<string, TestMember>();

  private constructor(
    readonly name: string,
    private readonly options: TestClusterOptions,
  ) {}

  static async start(names: string[], options: TestClusterOptions = {}): Promise<TestCluster> {
    const cluster = new TestCluster(options.clusterName ?? "test-cluster", options);
    await Promise.all(names.map((name) => cluster.startMember(name)));
    await cluster.configureAll();
    return cluster;
  }

  member(name: string): TestMember {
    const member = this.members.get(name);
    if (!member) throw new Error(`no member ${name}`);
    return member;
  }

  get realms(): RealmProcess[] {
    return [...this.members.values()].map((m) => m.realm);
  }

  /** The cluster configuration every member gets (addresses: nsp unless given). */
  config(addresses: (member: TestMember) => string[] = (m) => [`nsp://127.0.0.1:${m.nspPort}`]) {
    const config: ClusterConfigInput = {
      name: this.name,
      members: [...this.members.values()].map((m) => ({
        name: m.name,
        addresses: addresses(m),
        publicKey: m.publicKey,
      })),
      sites: this.options.sites ?? [],
      ...(this.options.primeSite ? { primeSite: this.options.primeSite } : {}),
      ...(this.options.trustStorePath ? { trustStorePath: this.options.trustStorePath } : {}),
    };
    return config;
  }

  async configureAll(): Promise<void> {
    const config = this.config();
    await Promise.all([...this.members.values()].map((m) => m.realm.admin.setCluster(config)));
  }

  /** Starts a member (again, on its data directory, after a kill). */
  async startMember(name: string): Promise<TestMember> {
    const existing = this.members.get(name);
    if (existing) {
      const realm = await startRealm({ dataDir: existing.dataDir, args: this.options.args });
      existing.realm = realm;
      return existing;
    }
    const nspPort = await freePort();
    const interfaces: InterfaceInput[] = [
      { name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: nspPort, authTime: 5000 },
    ];
    let nspsPort: number | undefined;
    if (this.options.keyStorePath) {
      nspsPort = await freePort();
      interfaces.push({
        name: "nsps0",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: nspsPort,
        authTime: 5000,
        tls: { keyStorePath: this.options.keyStorePath },
      });
    }
    const realm = await startRealm({ config: { name, interfaces }, args: this.options.args });
    const publicKey = await readFile(path.join(realm.dataDir, "identity.pub"), "utf8");
    const member: TestMember = {
      name,
      realm,
      dataDir: realm.dataDir,
      nspPort,
      nspsPort,
      publicKey,
    };
    this.members.set(name, member);
    return member;
  }

  async kill(name: string): Promise<void> {
    await this.member(name).realm.stop("SIGKILL");
  }

  /** Cluster status of every running member. */
  async statuses(names = [...this.members.keys()]): Promise<ClusterStatus[]> {
    return Promise.all(names.map((name) => this.member(name).realm.admin.cluster()));
  }

  /**
   * Waits until the running members `names` agree on one master (with every member of `names`
   * connected and not recovering); returns the master's name.
   */
  async waitForMaster(names = [...this.members.keys()], timeoutMs = 20_000): Promise<string> {
    // The last statuses seen go into the timeout message: an election that never settles is
    // otherwise impossible to diagnose after the fact.
    let last = "no status read yet";
    return waitFor(
      () => `a master agreed by ${names.join(", ")} (last seen: ${last})`,
      async () => {
        const statuses = await this.statuses(names);
        last = statuses
          .map(
            (s, i) =>
              `${names[i]} ${s.role} term ${s.term} master ${s.master ?? "none"}${s.recovering ? " recovering" : ""} [${s.members.map((m) => `${m.name}:${m.state}`).join(" ")}] links [${s.links.map((l) => `${l.peer}/${l.direction}/${l.state}`).join(" ")}]`,
          )
          .join("; ");
        const masters = new Set(statuses.map((s) => s.master));
        if (masters.size !== 1) return undefined;
        const [master] = masters;
        if (!master || !names.includes(master)) return undefined;
        const ready = statuses.every(
          (s) =>
            !s.recovering &&
            s.term === statuses[0]!.term &&
            s.members.filter((m) => names.includes(m.name)).every((m) => m.state === "connected"),
        );
        return ready ? master : undefined;
      },
      timeoutMs,
    );
  }
}
