import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { get as httpGet } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ManagerEvent } from "@conclave/protocol";
import request from "supertest";
import { freshPgliteDir } from "./pglite-template.js";

/**
 * Test support for process tests: a real manager, agent and the three demo realms on loopback,
 * in a temp directory, booted the way `npm start` boots them. Two ways:
 * - `script` (default): scripts/start-demo.mjs itself, as a user runs it;
 * - `split`: the same steps done here (manager, then the agent enrolled with the token the
 *   manager wrote, then the demo realms through the API), so the manager alone can be killed
 *   and started again on the same data directory while the agent and its realms keep running.
 */
const SCRIPT = fileURLToPath(new URL("../../../../scripts/start-demo.mjs", import.meta.url));
export const MANAGER_MAIN = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
export const AGENT_MAIN = fileURLToPath(new URL("../../../agent/dist/main.js", import.meta.url));
export const DEMO_REALMS = ["realm-a", "realm-b", "realm-c"];

/** A process the test waits for has exited: stop waiting at once. */
export class ExitedError extends Error {}

/** Polls `fn` every 100 ms until it answers a value other than undefined/false, or `ms` pass. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  for (;;) {
    const value = await fn().catch((error: unknown) => {
      if (error instanceof ExitedError) throw error;
      last = error;
      return undefined;
    });
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what} (${last})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A base port with base, base+10 and base+20 (and the two above each) free, below Linux's
 * ephemeral range (32768+): a client that keeps dialling a port in that range while nothing
 * listens there can connect to itself (TCP simultaneous open) and hold it, so a realm
 * restarting then finds its own port "already in use".
 */
export async function freeBasePort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = [0, 1, 2, 10, 11, 12, 20, 21, 22].map((d) => base + d);
    let ok = true;
    for (const port of ports) ok = ok && (await free(port));
    if (ok) return base;
  }
}

/** A child process whose stdout lines (JSON logs) are kept. */
export interface Proc {
  child: ChildProcess;
  lines: string[];
  stderr: string;
  exited: Promise<number | null>;
  /** Resolves with the first JSON line whose msg is `msg`; rejects if the process exits first. */
  line(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const running = new Set<Proc>();

/** Spawns `node args…` with only PATH and `env` in its environment; output also goes to `sink`. */
export function launch(args: string[], env: NodeJS.ProcessEnv = {}, sink?: string[]): Proc {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const proc: Proc = {
    child,
    lines: [],
    stderr: "",
    exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    line(msg, timeoutMs = 30_000) {
      const find = () => {
        for (const l of proc.lines) {
          if (!l.startsWith("{")) continue;
          const parsed = JSON.parse(l) as Record<string, unknown>;
          if (parsed.msg === msg) return parsed;
        }
        return undefined;
      };
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const found = find();
          if (found) {
            clearInterval(poll);
            resolve(found);
          } else if (Date.now() - started > timeoutMs || child.exitCode !== null) {
            clearInterval(poll);
            reject(new Error(`no "${msg}" line: ${proc.stderr}\n${proc.lines.join("\n")}`));
          }
        }, 25);
      });
    },
  };
  let partial = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split("\n");
    partial = parts.pop()!;
    proc.lines.push(...parts);
    sink?.push(...parts.map((l) => `${l}\n`));
  });
  child.stderr!.on("data", (chunk: Buffer) => {
    proc.stderr += chunk.toString();
    sink?.push(chunk.toString());
  });
  running.add(proc);
  void proc.exited.then(() => running.delete(proc));
  return proc;
}

/** SIGTERM, and the exit code once it has exited. */
export async function stopProc(proc: Proc | undefined): Promise<number | null> {
  if (!proc || proc.child.exitCode !== null) return proc?.child.exitCode ?? null;
  proc.child.kill("SIGTERM");
  return proc.exited;
}

/** SIGKILL to every process {@link launch} started that is still running. */
export function killLaunched(): void {
  for (const proc of running) proc.child.kill("SIGKILL");
}

export interface DemoApi {
  get(path: string): Promise<request.Response>;
  post(path: string, body?: object): Promise<request.Response>;
  put(path: string, body?: object): Promise<request.Response>;
}

export interface Demo {
  url: string;
  root: string;
  base: number;
  /** Everything the processes printed (script mode: the script's output; split: every log line). */
  out: string[];
  session: ReturnType<typeof request.agent>;
  csrf: string;
  /** Signed-in calls under /api/v1; every answer's text also goes to `options.record`. */
  api: DemoApi;
  /** SIGINT (script) / SIGTERM (split, agent first), SIGKILL after 10 s; the exit code. Keeps the directory. */
  shutdown(): Promise<number | null>;
  /** {@link shutdown}, then removes the temp directory. */
  stop(): Promise<void>;
  /** Split mode only: kill -9 the manager; the agent and the realms keep running. */
  killManager(): Promise<void>;
  /** Split mode only: starts the manager again on the same data directory and signs in again. */
  startManager(): Promise<void>;
  /**
   * Split mode only: the pid of the realm's process, read from the agent's children in /proc
   * (at once, not from the agent's next report), or undefined while it is not running.
   */
  realmPid(realm: string): Promise<number | undefined>;
}

export interface BootOptions {
  /** The admin's password (CONCLAVE_ADMIN_PASSWORD). */
  password: string;
  mode?: "script" | "split";
  /** A directory of the test's (a restart on it keeps the state); a fresh temp directory otherwise. */
  root?: string;
  /** The demo realms' base port (nsp0 on base, base+10, base+20); a free one otherwise. */
  base?: number;
  /** Every API answer's text is pushed here (tests that look for leaked secrets). */
  record?: string[];
}

/** Boots the demo with an admin signed in. */
export async function bootDemo(options: BootOptions): Promise<Demo> {
  const root = options.root ?? (await mkdtemp(join(tmpdir(), "conclave-demo-")));
  const dataDir = join(root, "data");
  if (!existsSync(join(dataDir, "pglite"))) {
    const template = await freshPgliteDir();
    await cp(template, join(dataDir, "pglite"), { recursive: true });
    await rm(dirname(template), { recursive: true, force: true });
  }
  const base = options.base ?? (await freeBasePort());
  const out: string[] = [];
  const booted = options.mode === "split" ? splitBoot(options, root, base, out) : undefined;
  const script = booted ? undefined : scriptBoot(options.password, dataDir, base, out);

  let session: ReturnType<typeof request.agent>;
  let csrf = "";
  const record = (res: request.Response) => {
    options.record?.push(res.text ?? "");
    return res;
  };
  const demo: Demo = {
    url: "",
    root,
    base,
    out,
    get session() {
      return session;
    },
    get csrf() {
      return csrf;
    },
    api: {
      get: async (path) => record(await session.get(`/api/v1${path}`)),
      post: async (path, body) =>
        record(
          await session
            .post(`/api/v1${path}`)
            .set("x-csrf-token", csrf)
            .send(body ?? {}),
        ),
      put: async (path, body) =>
        record(
          await session
            .put(`/api/v1${path}`)
            .set("x-csrf-token", csrf)
            .send(body ?? {}),
        ),
    },
    shutdown: async () => (booted ? booted.shutdown() : script!.shutdown()),
    stop: async () => {
      await demo.shutdown().catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
    killManager: async () => {
      if (!booted) throw new Error("killManager needs mode: split");
      await booted.killManager();
    },
    startManager: async () => {
      if (!booted) throw new Error("startManager needs mode: split");
      demo.url = await booted.startManager();
      await signIn();
    },
    realmPid: async (realm) => {
      if (!booted) throw new Error("realmPid needs mode: split");
      return booted.realmPid(realm);
    },
  };
  const signIn = async () => {
    session = request.agent(demo.url);
    const login = await session
      .post("/api/v1/session")
      .send({ username: "admin", password: options.password });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${login.text}`);
    csrf = login.body.csrfToken as string;
  };
  try {
    demo.url = booted ? await booted.ready : await script!.ready;
    await signIn();
    return demo;
  } catch (error) {
    if (options.root) await demo.shutdown().catch(() => {});
    else await demo.stop();
    throw error;
  }
}

/** scripts/start-demo.mjs, as `npm start` runs it. */
function scriptBoot(password: string, dataDir: string, base: number, out: string[]) {
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      CONCLAVE_DATA_DIR: dataDir,
      CONCLAVE_DEMO_BASE_PORT: String(base),
      CONCLAVE_ADMIN_PASSWORD: password,
      CONCLAVE_DEMO_VERBOSE: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => out.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => out.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const ready = until(
    "Conclave is running",
    async () => {
      if (child.exitCode !== null) throw new ExitedError(out.join(""));
      const text = out.join("");
      return text.includes("Press Ctrl-C")
        ? /Conclave is running at (\S+)/.exec(text)?.[1]
        : undefined;
    },
    60_000,
  );
  const shutdown = async () => {
    if (child.exitCode === null) {
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    return exited;
  };
  return { ready, shutdown };
}

/** What start-demo.mjs does, with the manager and the agent as this process's children. */
function splitBoot(options: BootOptions, root: string, base: number, out: string[]) {
  const dataDir = join(root, "data");
  const agentState = join(dataDir, "agent");
  const tokenFile = join(dataDir, "local-agent-enrolment.json");
  let manager: Proc | undefined;
  let agent: Proc | undefined;
  let gatewayPort = 0;

  const startManager = async (): Promise<string> => {
    manager = launch(
      [MANAGER_MAIN],
      {
        HOST: "127.0.0.1",
        PORT: "0",
        CONCLAVE_DATA_DIR: dataDir,
        CONCLAVE_AGENT_PORT: String(gatewayPort),
        CONCLAVE_ADMIN_PASSWORD: options.password,
        // Only for the first start, as start-demo.mjs does: the agent enrols once.
        ...(gatewayPort === 0 ? { CONCLAVE_ENROLMENT_TOKEN_FILE: tokenFile } : {}),
      },
      out,
    );
    const url = (await manager.line("listening", 60_000)).url as string;
    gatewayPort = (await manager.line("agent gateway listening", 60_000)).port as number;
    return url;
  };

  const ready = (async () => {
    const url = await startManager();
    const args = [AGENT_MAIN, "--state", agentState, "--manager"];
    const gateway = (await manager!.line("agent gateway listening")).url as string;
    const { token } = JSON.parse(await readFile(tokenFile, "utf8"));
    agent = launch([...args, gateway, "--listen", "127.0.0.1:0", `--token=${token}`], {}, out);
    const agentId = (await agent.line("listening", 60_000)).agentId as string;
    await rm(tokenFile, { force: true });
    await seedRealms(url, options.password, agentId, base);
    return url;
  })();

  const shutdown = async () => {
    // The agent first: it stops its realms.
    for (const proc of [agent, manager]) {
      if (!proc || proc.child.exitCode !== null) continue;
      proc.child.kill("SIGTERM");
      await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
    }
    return manager?.child.exitCode ?? null;
  };
  const killManager = async () => {
    if (!manager || manager.child.exitCode !== null) return;
    manager.child.kill("SIGKILL");
    await manager.exited;
  };
  const realmPid = async (realm: string) => {
    const agentPid = agent?.child.pid;
    if (!agentPid) return undefined;
    const tasks = await readdir(`/proc/${agentPid}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await readFile(`/proc/${agentPid}/task/${task}/children`, "utf8").catch(
        () => "",
      );
      for (const pid of children.split(" ").filter(Boolean).map(Number)) {
        const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
        if (cmdline.split("\0").includes(join(agentState, "realms", realm))) return pid;
      }
    }
    return undefined;
  };
  return { ready, shutdown, killManager, startManager, realmPid };
}

/** The demo realms through the manager's API, as start-demo.mjs creates them; waits until running. */
async function seedRealms(url: string, password: string, agentId: string, base: number) {
  const session = request.agent(url);
  const login = await session.post("/api/v1/session").send({ username: "admin", password });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${login.text}`);
  const csrf = login.body.csrfToken as string;
  for (const [i, name] of DEMO_REALMS.entries()) {
    const body = {
      name,
      agentId,
      interfaces: [
        { alias: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: base + i * 10 },
      ],
    };
    // The agent becomes callable once its first report has told the manager where it listens.
    await until(
      `${name} created`,
      async () => {
        const res = await session.post("/api/v1/realms").set("x-csrf-token", csrf).send(body);
        if (res.status === 201) return true;
        if (res.status !== 503) throw new ExitedError(`${name}: ${res.status} ${res.text}`);
        return undefined;
      },
      30_000,
    );
  }
  await until(
    "the demo realms running",
    async () => {
      const list = (await session.get("/api/v1/realms")).body as { state: string }[];
      return list.length === DEMO_REALMS.length && list.every((r) => r.state === "running");
    },
    30_000,
  );
  await session.delete("/api/v1/session").set("x-csrf-token", csrf);
}

/** Collects the manager's event stream (GET /api/v1/events) until `stop` is called. */
export async function listenEvents(
  demo: Demo,
): Promise<{ events: ManagerEvent[]; stop: () => void }> {
  const cookie = (await demo.session.get("/api/v1/session")).request.cookies;
  const events: ManagerEvent[] = [];
  const stream = httpGet(`${demo.url}/api/v1/events`, { headers: { cookie } }, (res) => {
    let buffer = "";
    res.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const messages = buffer.split("\n\n");
      buffer = messages.pop()!;
      for (const message of messages) {
        const data = /^data: (.*)$/m.exec(message)?.[1];
        if (data) events.push(JSON.parse(data));
      }
    });
  });
  stream.on("error", () => {});
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { events, stop: () => stream.destroy() };
}
