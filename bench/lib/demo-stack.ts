import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Agent, LoginResponse, RealmSummary } from "@conclave/protocol";

const startDemo = fileURLToPath(new URL("../../scripts/start-demo.mjs", import.meta.url));

/** Polls `fn` every `intervalMs` until it answers something other than undefined/false. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  ms: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    const value = await fn().catch((error: unknown) => {
      last = error;
      return undefined;
    });
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (${last})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/**
 * A base port for `realms` realms at base, base+10, …, each with the two ports above it free
 * (the wizard puts its nsps interfaces on the first free ports above a realm's nsp port).
 */
export async function freeBasePort(realms: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below the ephemeral range (32768+): a client dialling a restarting realm could hold it.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    let ok = true;
    for (let i = 0; i < realms && ok; i++) {
      for (const d of [0, 1, 2]) ok = ok && (await portFree(base + i * 10 + d));
    }
    if (ok) return base;
  }
  throw new Error("no free base port found");
}

/**
 * Manager, local agent and the three demo realms booted the way `npm start` boots them
 * (scripts/start-demo.mjs with PORT=0), in `dir`, with the admin signed in.
 */
export class DemoStack {
  private constructor(
    readonly child: ChildProcess,
    readonly log: string,
    readonly url: string,
    readonly base: number,
    private readonly cookie: string,
    private readonly csrf: string,
    private readonly exited: Promise<unknown>,
  ) {}

  static async start(dir: string, base: number, password: string): Promise<DemoStack> {
    mkdirSync(dir, { recursive: true });
    const log = join(dir, "demo.log");
    const fd = openSync(log, "a");
    const child = spawn(process.execPath, [startDemo], {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        CONCLAVE_DATA_DIR: join(dir, "data"),
        CONCLAVE_DEMO_BASE_PORT: String(base),
        CONCLAVE_ADMIN_PASSWORD: password,
      },
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const url = await until(
      "the demo to start",
      async () => {
        const text = readFileSync(log, "utf8");
        if (child.exitCode !== null) throw new Error(`start-demo exited:\n${text.slice(-2000)}`);
        return text.includes("Press Ctrl-C")
          ? /Conclave is running at (\S+)/.exec(text)?.[1]
          : undefined;
      },
      120_000,
    ).catch((error) => {
      child.kill("SIGKILL");
      throw error;
    });
    const res = await fetch(`${url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password }),
    });
    if (!res.ok) {
      child.kill("SIGKILL");
      throw new Error(`sign-in failed: ${res.status}`);
    }
    const cookie = res.headers.getSetCookie()[0]!.split(";")[0]!;
    const { csrfToken } = (await res.json()) as LoginResponse;
    return new DemoStack(child, log, url, base, cookie, csrfToken, exited);
  }

  /** Calls the REST API as the admin. */
  async api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.url}/api/v1${path}`, {
      method,
      headers: {
        cookie: this.cookie,
        "x-csrf-token": this.csrf,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** Like {@link api}, but throws unless the status is `expected`. */
  async expect<T>(expected: number, method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.api<T & { error?: { message?: string } }>(method, path, body);
    if (res.status !== expected) {
      throw new Error(
        `${method} ${path}: ${res.status} ${res.body?.error?.message ?? JSON.stringify(res.body)}`,
      );
    }
    return res.body;
  }

  /** Creates a realm on the demo's agent with an nsp interface (Allow for InterRealm on). */
  async createRealm(name: string, port: number): Promise<void> {
    const [agent] = await this.expect<Agent[]>(200, "GET", "/agents");
    if (!agent) throw new Error("the demo has no agent");
    await this.expect(201, "POST", "/realms", {
      name,
      agentId: agent.id,
      interfaces: [
        {
          alias: "nsp0",
          protocol: "nsp",
          bindAddress: "127.0.0.1",
          port,
          allowInterRealm: true,
          allowClientConnections: true,
        },
      ],
    });
  }

  /** Waits until the named realms all report running; returns them. */
  async waitRunning(names: string[], ms = 90_000): Promise<RealmSummary[]> {
    return until(
      `${names.join(", ")} running`,
      async () => {
        const realms = await this.expect<RealmSummary[]>(200, "GET", "/realms");
        const wanted = realms.filter((r) => names.includes(r.name));
        return wanted.length === names.length &&
          wanted.every(
            (r) => r.state === "running" && r.interfaces.every((i) => i.status === "Running"),
          )
          ? wanted
          : undefined;
      },
      ms,
      250,
    );
  }

  /** SIGINT (the demo stops the agent and its realms, then the manager), SIGKILL after 20 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGINT");
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
