import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExitCode } from "./exit-codes.js";

/**
 * The built `conclave` binary against a real manager process (apps/manager/dist/main.js) with
 * its own PGlite store in a temp dir, as an operator's script would run it.
 */
const CLI = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const MANAGER = fileURLToPath(new URL("../../manager/dist/main.js", import.meta.url));
const PASSWORD = "cli process test admin passphrase";
const STORE_PASSWORD = "p12 store secret";

// The manager's PGlite template helper (a copy of an initialised data dir instead of initdb),
// loaded from its build: it is test support, not part of @conclave/manager's exports.
const { freshPgliteDir } = (await import(
  new URL("../../manager/dist/testing/pglite-template.js", import.meta.url).href
)) as { freshPgliteDir: () => Promise<string> };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("conclave against a real manager", () => {
  let root: string;
  let manager: ChildProcess;
  let url = "";
  const env = () => ({ PATH: process.env.PATH, HOME: join(root, "home"), CONCLAVE_URL: url });

  function conclave(args: string[], stdin = ""): Promise<Run> {
    const child = spawn(process.execPath, [CLI, ...args], { env: env(), stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(stdin);
    return new Promise((resolve) =>
      child.once("close", (code) => resolve({ code, stdout, stderr })),
    );
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-cli-"));
    const template = await freshPgliteDir();
    await cp(template, join(root, "data", "pglite"), { recursive: true });
    await rm(dirname(template), { recursive: true, force: true });
    manager = spawn(process.execPath, [MANAGER], {
      env: {
        PATH: process.env.PATH,
        HOST: "127.0.0.1",
        PORT: "0",
        CONCLAVE_AGENT_PORT: "0",
        CONCLAVE_DATA_DIR: join(root, "data"),
        CONCLAVE_ADMIN_PASSWORD: PASSWORD,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    manager.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    manager.stderr!.on("data", (c: Buffer) => (out += c.toString()));
    url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const line = out.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (line) {
          clearInterval(poll);
          resolve(JSON.parse(line).url as string);
        } else if (manager.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(out));
        }
      }, 25);
    });
    // A PKCS#12 made by an independent tool.
    const key = join(root, "key.pem");
    const cert = join(root, "cert.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-subj",
        "/CN=cli.example",
        "-days",
        "30",
        "-addext",
        "subjectAltName=DNS:cli.example",
      ],
      { stdio: "ignore" },
    );
    execFileSync(
      "openssl",
      [
        "pkcs12",
        "-export",
        "-inkey",
        key,
        "-in",
        cert,
        "-name",
        "server",
        "-out",
        join(root, "server.p12"),
        "-passout",
        `pass:${STORE_PASSWORD}`,
      ],
      { stdio: "ignore" },
    );
  });

  afterAll(async () => {
    if (manager && manager.exitCode === null) manager.kill("SIGKILL");
    if (root) await rm(root, { recursive: true, force: true });
  });

  it("logs in with --password-stdin and keeps the session in a 0600 file without the password", async () => {
    const run = await conclave(
      ["login", "--username", "admin", "--password-stdin"],
      `${PASSWORD}\n`,
    );
    expect(run).toMatchObject({ code: ExitCode.Ok });
    expect(run.stdout).toContain("Signed in");
    const file = join(root, "home", ".config", "conclave", "credentials.json");
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const stored = await readFile(file, "utf8");
    expect(stored).toContain("conclave_session=");
    expect(stored).not.toContain(PASSWORD);
  });

  it("lists realms as the API's JSON", async () => {
    const run = await conclave(["realms", "list", "--json"]);
    expect(run.code).toBe(ExitCode.Ok);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it("uploads an openssl PKCS#12 and shows its entries", async () => {
    const upload = await conclave(
      ["keystores", "upload", join(root, "server.p12"), "--name", "cli-server", "--password-stdin"],
      STORE_PASSWORD,
    );
    expect(upload.stderr).toBe("");
    expect(upload.code).toBe(ExitCode.Ok);
    const entries = await conclave(["keystores", "entries", "cli-server", "--json"]);
    expect(entries.code).toBe(ExitCode.Ok);
    const { items } = JSON.parse(entries.stdout) as {
      items: { alias: string; kind: string; sans: string[] }[];
    };
    expect(items).toMatchObject([
      { alias: "server", kind: "privateKey", sans: ["dns:cli.example"] },
    ]);
    const table = await conclave(["keystores", "entries", "cli-server"]);
    expect(table.stdout).toMatch(/^ALIAS\s+KIND/);
    expect(table.stdout).toContain("CN=cli.example");
  });

  it("answers a wrong keystore password with exit 1 and the API's message, never the password", async () => {
    const wrong = "not-the-store-password-xyz";
    const run = await conclave(
      ["keystores", "upload", join(root, "server.p12"), "--name", "again", "--password-stdin"],
      wrong,
    );
    expect(run.code).toBe(ExitCode.ApiError);
    expect(run.stderr).toMatch(/^conclave: .*password/i);
    expect(run.stdout + run.stderr).not.toContain(wrong);
  });

  it("lists enrolment tokens without their secrets, and revokes one", async () => {
    const created = await conclave(["agents", "tokens", "create", "--note", "rack 4", "--json"]);
    expect(created.code).toBe(ExitCode.Ok);
    const { id, token } = JSON.parse(created.stdout) as { id: string; token: string };
    const list = await conclave(["agents", "tokens", "list", "--json"]);
    expect(list.code).toBe(ExitCode.Ok);
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ id, state: "unused", note: "rack 4", createdBy: "admin" }),
    ]);
    expect(list.stdout).not.toContain(token.split(".")[0]);
    const table = await conclave(["agents", "tokens", "list"]);
    expect(table.stdout).toMatch(/^ID\s+STATE/);
    expect((await conclave(["agents", "tokens", "revoke", id])).code).toBe(ExitCode.Ok);
    expect(JSON.parse((await conclave(["agents", "tokens", "list", "--json"])).stdout)).toEqual([]);
  });

  it("exits 4 for an unknown realm and for a missing cluster", async () => {
    const run = await conclave(["realms", "get", "no-such-realm"]);
    expect(run.code).toBe(ExitCode.NotFound);
    expect(run.stderr).toContain("no-such-realm");
    expect((await conclave(["clusters", "status", "no-such-cluster"])).code).toBe(
      ExitCode.NotFound,
    );
  });

  it("exits 5 once the manager is stopped", async () => {
    manager.kill("SIGTERM");
    await new Promise((resolve) => manager.once("exit", resolve));
    const run = await conclave(["realms", "list"]);
    expect(run.code).toBe(ExitCode.Unreachable);
    expect(run.stderr).toContain("Cannot reach the manager");
  });
});
