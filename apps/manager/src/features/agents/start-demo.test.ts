import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { freshPgliteDir } from "../../testing/pglite-template.js";

const SCRIPT = fileURLToPath(new URL("../../../../../scripts/start-demo.mjs", import.meta.url));
const PASSWORD = "start demo test passphrase";

/** A base port whose +0, +10 and +20 are free on 127.0.0.1 right now. */
async function freeBasePort(): Promise<number> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
  for (;;) {
    // Below the ephemeral range (32768+): a client dialling a restarting realm could hold it.
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    if ((await free(base)) && (await free(base + 10)) && (await free(base + 20))) return base;
  }
}

describe("npm start (scripts/start-demo.mjs)", () => {
  let root: string | undefined;
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("boots the manager, enrols a local agent, runs three demo realms, and stops cleanly on Ctrl-C", async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-demo-"));
    const template = await freshPgliteDir();
    await cp(template, join(root, "pglite"), { recursive: true });
    await rm(dirname(template), { recursive: true, force: true });
    const base = await freeBasePort();
    const child = spawn(process.execPath, [SCRIPT], {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        CONCLAVE_DATA_DIR: root,
        CONCLAVE_DEMO_BASE_PORT: String(base),
        CONCLAVE_ADMIN_PASSWORD: PASSWORD,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /Conclave is running at (\S+)/.exec(out);
          if (match && out.includes("Press Ctrl-C")) {
            clearInterval(timer);
            resolve(match[1]!);
          } else if (child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(out));
          }
        }, 50);
      });
      expect(out).toMatch(/Sign in as "admin"/);
      const session = request.agent(url);
      await session
        .post("/api/v1/session")
        .send({ username: "admin", password: PASSWORD })
        .expect(200);
      const realms = (await session.get("/api/v1/realms")).body as {
        name: string;
        state: string;
        pid: number;
        interfaces: { alias: string; port: number; status: string }[];
      }[];
      expect(
        realms.map((r) => [r.name, r.state, r.interfaces[0]?.port, r.interfaces[0]?.status]),
      ).toEqual([
        ["realm-a", "running", base, "Running"],
        ["realm-b", "running", base + 10, "Running"],
        ["realm-c", "running", base + 20, "Running"],
      ]);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      for (const realm of realms) expect(() => process.kill(realm.pid, 0)).toThrow();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
