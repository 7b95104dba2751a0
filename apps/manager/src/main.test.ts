import { type ChildProcess, spawn } from "node:child_process";
import { cp, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPgliteDir } from "./testing/pglite-template.js";

// The compiled entry point, as operators run it (vitest's global setup builds dist/).
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

interface Started {
  child: ChildProcess;
  stdout: string[];
  url: string;
}

/** Starts the manager and waits for its "listening" line. */
function start(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { PATH: process.env.PATH, HOST: "127.0.0.1", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stdout: string[] = [];
  return new Promise((resolve, reject) => {
    let buffer = "";
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout!.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop()!;
      for (const line of lines) {
        stdout.push(line);
        if (line.startsWith("{") && JSON.parse(line).msg === "listening") {
          resolve({ child, stdout, url: JSON.parse(line).url as string });
        }
      }
    });
    child.once("exit", (code) => reject(new Error(`manager exited with ${code}: ${stderr}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("main (dist/main.js)", () => {
  let root: string;
  let dataDir: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-main-"));
    dataDir = join(root, "data");
    // Seed the PGlite directory from the test template: initdb would take seconds.
    const template = await freshPgliteDir();
    await cp(template, join(dataDir, "pglite"), { recursive: true });
    await rm(dirname(template), { recursive: true, force: true });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("first start: creates the admin, prints its password once (never in a log line), stops cleanly", async () => {
    const { child, stdout, url } = await start({ CONCLAVE_DATA_DIR: dataDir });
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const banner = stdout.find((line) => line.includes('created user "admin" with password'));
      const password = /with password (\S+)/.exec(banner ?? "")?.[1];
      expect(password).toBeDefined();
      for (const line of stdout.filter((l) => l.startsWith("{")))
        expect(line).not.toContain(password);
      expect((await stat(join(dataDir, "master.key"))).mode & 0o777).toBe(0o600);

      expect((await request(url).get("/api/v1/health")).status).toBe(200);
      expect((await request(url).get("/api/v1/users")).status).toBe(401);
      const login = await request(url)
        .post("/api/v1/session")
        .send({ username: "admin", password });
      expect(login.status).toBe(200);
    } finally {
      expect(await stop(child)).toBe(0);
    }
    expect(stdout.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
  });

  it("second start over the same data: no new password, the store is migrated already", async () => {
    const { child, stdout } = await start({ CONCLAVE_DATA_DIR: dataDir });
    try {
      expect(stdout.some((line) => line.includes("with password"))).toBe(false);
      const ready = JSON.parse(stdout.find((line) => line.includes('"msg":"store ready"'))!);
      expect(ready).toMatchObject({ store: "pglite", appliedMigrations: [] });
    } finally {
      expect(await stop(child)).toBe(0);
    }
  });

  it("refuses plain HTTP on a non-loopback address without the explicit flag", async () => {
    const child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        HOST: "0.0.0.0",
        PORT: "0",
        CONCLAVE_DATA_DIR: join(root, "unused"),
      },
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/Refusing to serve plain HTTP on 0\.0\.0\.0/);
  });

  it("refuses a master key that does not match the store", async () => {
    await expect(
      start({ CONCLAVE_DATA_DIR: dataDir, CONCLAVE_MASTER_KEY: "00".repeat(32) }),
    ).rejects.toThrow(/manager exited with 1/);
  });
});
