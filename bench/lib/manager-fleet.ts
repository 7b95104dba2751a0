import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { EnrolmentToken, LoginResponse, RealmSummary } from "@conclave/protocol";

const managerMain = fileURLToPath(new URL("../../apps/manager/dist/main.js", import.meta.url));
const agentMain = fileURLToPath(new URL("../../apps/agent/dist/main.js", import.meta.url));

/** A child whose stdout goes to a file (so a chatty log costs the benchmark nothing to read). */
interface LoggedChild {
  child: ChildProcess;
  log: string;
  exited: Promise<unknown>;
}

function launch(args: string[], env: NodeJS.ProcessEnv, log: string): LoggedChild {
  const fd = openSync(log, "a");
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  return { child, log, exited: new Promise((resolve) => child.once("exit", resolve)) };
}

/** Resolves with the first JSON log line whose msg is `msg`. */
async function logLine(
  proc: LoggedChild,
  msg: string,
  ms = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const text = readFileSync(proc.log, "utf8");
    for (const line of text.split("\n")) {
      if (!line.startsWith("{")) continue;
      const entry = JSON.parse(line) as Record<string, unknown>;
      if (entry.msg === msg) return entry;
    }
    if (proc.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`no "${msg}" line in ${proc.log}:\n${text.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resident memory of a process in MiB, from /proc (0 when it is gone). */
export function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * A real manager (apps/manager/dist/main.js) with PGlite in `dir`, signed in as admin, plus
 * node agents (apps/agent/dist/main.js) enrolled with one-time tokens, all on 127.0.0.1.
 */
export class BenchManager {
  readonly agents: { id: string; proc: LoggedChild }[] = [];
  private constructor(
    private readonly dir: string,
    readonly proc: LoggedChild,
    readonly url: string,
    readonly gatewayUrl: string,
    readonly cookie: string,
    private readonly csrf: string,
  ) {}

  static async start(dir: string, password = "bench admin passphrase"): Promise<BenchManager> {
    mkdirSync(dir, { recursive: true });
    const proc = launch(
      [managerMain],
      {
        HOST: "127.0.0.1",
        PORT: "0",
        CONCLAVE_AGENT_PORT: "0",
        CONCLAVE_DATA_DIR: join(dir, "manager"),
        CONCLAVE_ADMIN_PASSWORD: password,
      },
      join(dir, "manager.log"),
    );
    const url = (await logLine(proc, "listening")).url as string;
    const gatewayUrl = (await logLine(proc, "agent gateway listening")).url as string;
    const res = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    if (!res.ok) throw new Error(`login failed: ${res.status}`);
    const cookie = res.headers.getSetCookie()[0]!.split(";")[0]!;
    const { csrfToken } = (await res.json()) as LoginResponse;
    return new BenchManager(dir, proc, url, gatewayUrl, cookie, csrfToken);
  }

  /** Calls the REST API with the admin session; throws with the API's message on errors. */
  async api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        "x-csrf-token": this.csrf,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Enrols and starts one more agent; resolves with its id once it listens. */
  async startAgent(): Promise<string> {
    const n = this.agents.length;
    const { body: token } = await this.api<EnrolmentToken>("POST", "/agents/enrolment-tokens", {
      note: `bench agent ${n}`,
    });
    const proc = launch(
      [
        agentMain,
        "--state",
        join(this.dir, `agent-${n}`),
        "--manager",
        this.gatewayUrl,
        "--token",
        token.token,
        "--listen",
        "127.0.0.1:0",
      ],
      {},
      join(this.dir, `agent-${n}.log`),
    );
    const id = (await logLine(proc, "listening")).agentId as string;
    this.agents.push({ id, proc });
    return id;
  }

  /** Creates a realm with one nsp interface on a free port, retrying while its agent is not yet callable. */
  async createRealm(name: string, agentId: string): Promise<void> {
    const body = {
      name,
      agentId,
      interfaces: [{ alias: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 }],
    };
    for (let attempt = 0; ; attempt++) {
      const res = await this.api<{ error?: { message: string } }>("POST", "/realms", body);
      if (res.status === 201) return;
      if (res.status !== 503 || attempt > 150)
        throw new Error(`${name}: ${res.body.error?.message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Waits until every realm reports running; returns them. */
  async waitRunning(count: number, ms = 180_000): Promise<RealmSummary[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const { body } = await this.api<RealmSummary[]>("GET", "/realms");
      const running = body.filter((r) => r.state === "running" && r.pid);
      if (running.length >= count) return body;
      if (Date.now() > deadline) throw new Error(`${running.length}/${count} realms running`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** RSS (MiB) of the manager, of all agents, and of the realm pids given. */
  memory(realmPids: number[]): { managerMiB: number; agentsMiB: number; realmsMiB: number } {
    const round = (n: number) => Math.round(n);
    return {
      managerMiB: round(rssMiB(this.proc.child.pid)),
      agentsMiB: round(this.agents.reduce((s, a) => s + rssMiB(a.proc.child.pid), 0)),
      realmsMiB: round(realmPids.reduce((s, pid) => s + rssMiB(pid), 0)),
    };
  }

  /** Stops the agents (each stops its realms) and then the manager. */
  async stop(): Promise<void> {
    for (const { proc } of this.agents)
      if (proc.child.exitCode === null) proc.child.kill("SIGTERM");
    await Promise.race([
      Promise.all(this.agents.map((a) => a.proc.exited)),
      new Promise((r) => setTimeout(r, 20_000)),
    ]);
    for (const { proc } of this.agents)
      if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
    if (this.proc.child.exitCode === null) this.proc.child.kill("SIGTERM");
    await Promise.race([this.proc.exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (this.proc.child.exitCode === null) this.proc.child.kill("SIGKILL");
  }
}
