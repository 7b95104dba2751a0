import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { freshPgliteDir } from "../../testing/pglite-template.js";

/**
 * Test support: real manager, agent and three demo realms booted the way `npm start` boots
 * them (scripts/start-demo.mjs), on loopback, in a temp directory. The same way
 * clusters.processes.test.ts boots them; its helpers could move here.
 */
const SCRIPT = fileURLToPath(new URL("../../../../../scripts/start-demo.mjs", import.meta.url));

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

/** A base port with base, base+10 and base+20 free (the demo realms' nsp0 ports). */
export async function freeBasePort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 20_000);
    const ports = [0, 1, 2, 10, 11, 12, 20, 21, 22].map((d) => base + d);
    let ok = true;
    for (const port of ports) ok = ok && (await free(port));
    if (ok) return base;
  }
}

export interface Demo {
  child: ChildProcess;
  out: string[];
  exited: Promise<number | null>;
  url: string;
  root: string;
  base: number;
  session: ReturnType<typeof request.agent>;
  csrf: string;
  api: {
    get(path: string): Promise<request.Response>;
    post(path: string, body?: object): Promise<request.Response>;
  };
  /** SIGINT, then SIGKILL after 10 s; removes the temp directory. */
  stop(): Promise<void>;
}

/** Boots the demo with an admin signed in. */
export async function bootDemo(password: string): Promise<Demo> {
  const root = await mkdtemp(join(tmpdir(), "conclave-wizards-"));
  const template = await freshPgliteDir();
  await cp(template, join(root, "data", "pglite"), { recursive: true });
  await rm(dirname(template), { recursive: true, force: true });
  const base = await freeBasePort();
  const child = spawn(process.execPath, [SCRIPT], {
    env: {
      PATH: process.env.PATH,
      PORT: "0",
      CONCLAVE_DATA_DIR: join(root, "data"),
      CONCLAVE_DEMO_BASE_PORT: String(base),
      CONCLAVE_ADMIN_PASSWORD: password,
      CONCLAVE_DEMO_VERBOSE: "1",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: string[] = [];
  child.stdout!.on("data", (chunk: Buffer) => out.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => out.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGINT");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    await rm(root, { recursive: true, force: true });
  };
  try {
    const url = await until(
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
    const session = request.agent(url);
    const login = await session.post("/api/v1/session").send({ username: "admin", password });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${login.text}`);
    const csrf = login.body.csrfToken as string;
    return {
      child,
      out,
      exited,
      url,
      root,
      base,
      session,
      csrf,
      api: {
        get: (path) => session.get(`/api/v1${path}`).then((r) => r),
        post: (path, body) =>
          session
            .post(`/api/v1${path}`)
            .set("x-csrf-token", csrf)
            .send(body ?? {})
            .then((r) => r),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
