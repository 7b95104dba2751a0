import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ADMIN_PASSWORD } from "./demo";

const ROOT = resolve(import.meta.dirname, "../..");

/** A base port whose +0..+29 are free on 127.0.0.1 (demo realms use +0, +10, +20). */
async function freeBasePort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((done) => {
      const server = createServer();
      server.once("error", () => done(false));
      server.listen(port, "127.0.0.1", () => server.close(() => done(true)));
    });
  for (;;) {
    // Below the ephemeral range (32768+): a client dialling a restarting realm could hold it.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = [0, 1, 2, 10, 20].map((i) => base + i);
    if ((await Promise.all(ports.map(free))).every(Boolean)) return base;
  }
}

/**
 * Boots `npm start` (scripts/start-demo.mjs) in a temp data dir with the built console, and
 * stops it (Ctrl-C, as an operator would) when the run ends.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(join(ROOT, "apps/console/dist/index.html"))) {
    throw new Error("Build the console first: npm run build -w @conclave/console");
  }
  const dataDir = await mkdtemp(join(tmpdir(), "conclave-e2e-"));
  const basePort = await freeBasePort();
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "scripts/start-demo.mjs")], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PORT: "0",
      CONCLAVE_DATA_DIR: dataDir,
      CONCLAVE_DEMO_BASE_PORT: String(basePort),
      CONCLAVE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const url = await new Promise<string>((done, fail) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const match = /Conclave is running at (\S+)/.exec(out);
      if (match && out.includes("Press Ctrl-C")) {
        clearInterval(timer);
        done(match[1]!);
      } else if (child.exitCode !== null || Date.now() - started > 90_000) {
        clearInterval(timer);
        fail(new Error(`Conclave did not start:\n${out}`));
      }
    }, 100);
  });
  process.env.CONCLAVE_E2E_URL = url;
  process.env.CONCLAVE_E2E_BASE_PORT = String(basePort);

  return async () => {
    if (child.exitCode === null) child.kill("SIGINT");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
    await rm(dataDir, { recursive: true, force: true });
  };
}
