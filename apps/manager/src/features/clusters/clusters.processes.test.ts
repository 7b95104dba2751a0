import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { ManagerEvent } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootDemo, type Demo, freeBasePort, listenEvents, until } from "../../testing/boot-demo.js";

/**
 * Issue 5's acceptance with real processes, booted the way `npm start` boots them
 * (scripts/start-demo.mjs: manager, a local agent, three demo realms with an nsp interface
 * each, Allow for InterRealm on): a keystore made by the openssl CLI served on an nsps
 * interface, a three-realm cluster formed through the API, a killed realm seen going and
 * coming back on the event stream, a restart that keeps everything, and no secret anywhere.
 */
const PASSWORD = "clusters process test admin passphrase";
const KEYSTORE_PASSWORD = "keystore-secret-Xq7!pass";
const run = promisify(execFile);

type Realm = {
  name: string;
  state: string;
  pid: number;
  cluster: string | null;
  interfaces: { alias: string; status: string; boundPort?: number | null }[];
};

describe("clusters, keystores and restarts with real processes (npm start)", () => {
  let root: string;
  let base: number;
  let demo: Demo | undefined;
  const bodies: string[] = [];
  const logs: string[] = [];

  const boot = () => bootDemo({ password: PASSWORD, root, base, record: bodies });
  const shutdown = async () => {
    if (!demo) return;
    expect(await demo.shutdown()).toBe(0);
    logs.push(...demo.out);
    demo = undefined;
  };
  const api = {
    get: (path: string) => demo!.api.get(path),
    post: (path: string, body?: object) => demo!.api.post(path, body),
  };
  const realms = async () => (await api.get("/realms")).body as Realm[];

  const listen = () => listenEvents(demo!);

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-clusters-"));
    base = await freeBasePort();
    demo = await boot();
  }, 60_000);

  afterAll(async () => {
    await demo?.shutdown();
    await rm(root, { recursive: true, force: true });
  }, 30_000);

  let keystoreId = "";
  let caPem = "";

  it("lists the three demo realms, serves an uploaded PKCS#12 on an nsps interface, and openssl verifies it", async () => {
    const list = await realms();
    expect(list.map((r) => [r.name, r.state, r.cluster])).toEqual([
      ["realm-a", "running", null],
      ["realm-b", "running", null],
      ["realm-c", "running", null],
    ]);

    // A CA and a server certificate for IP 127.0.0.1, made by the openssl CLI.
    const dir = join(root, "pki");
    await run("mkdir", ["-p", dir]);
    const ssl = (...args: string[]) => run("openssl", args, { cwd: dir });
    await ssl(
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "30",
      "-subj",
      "/CN=Conclave Test CA",
    );
    await ssl(
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
      "-subj",
      "/CN=127.0.0.1",
    );
    await writeFile(
      join(dir, "ext.cnf"),
      "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n",
    );
    await ssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "20",
      "-extfile",
      "ext.cnf",
    );
    await ssl(
      "pkcs12",
      "-export",
      "-inkey",
      "server.key",
      "-in",
      "server.pem",
      "-certfile",
      "ca.pem",
      "-name",
      "server",
      "-out",
      "server.p12",
      "-passout",
      `pass:${KEYSTORE_PASSWORD}`,
    );
    caPem = await readFile(join(dir, "ca.pem"), "utf8");

    const upload = await demo!.session
      .post("/api/v1/keystores")
      .set("x-csrf-token", demo!.csrf)
      .field("password", KEYSTORE_PASSWORD)
      .field("name", "realm-a-server")
      .attach("file", join(dir, "server.p12"));
    bodies.push(upload.text ?? "");
    expect(upload.status, upload.text).toBe(201);
    keystoreId = upload.body.id;

    const added = await api.post("/realms/realm-a/interfaces", {
      alias: "nsps0",
      protocol: "nsps",
      bindAddress: "127.0.0.1",
      port: 0,
      allowInterRealm: false,
      certificates: { keystoreId },
    });
    expect(added.status, added.text).toBe(201);
    expect(added.body.status).toBe("Running");
    const port = await until("the nsps port", async () => {
      const a = (await realms()).find((r) => r.name === "realm-a")!;
      return a.interfaces.find((i) => i.alias === "nsps0")?.boundPort ?? undefined;
    });

    const { stdout } = await run(
      "sh",
      [
        "-c",
        `echo | openssl s_client -connect 127.0.0.1:${port} -CAfile ca.pem -verify_return_error 2>&1`,
      ],
      { cwd: dir, timeout: 15_000 },
    );
    expect(stdout).toContain("Verification: OK");
    expect(stdout).toContain("CN = 127.0.0.1");
    expect(caPem).toContain("BEGIN CERTIFICATE");
  }, 40_000);

  it("forms a three-realm cluster that reaches Active; a killed realm goes and comes back on the event stream", async () => {
    const sse = await listen();
    try {
      const formed = await api.post("/clusters", {
        name: "demo",
        realms: ["realm-a", "realm-b", "realm-c"],
      });
      expect(formed.status, formed.text).toBe(202);
      expect(formed.body).toMatchObject({ name: "demo", status: "Forming" });
      expect(formed.body.members.map((m: { addresses: string[] }) => m.addresses)).toEqual([
        [`nsp://127.0.0.1:${base}`],
        [`nsp://127.0.0.1:${base + 10}`],
        [`nsp://127.0.0.1:${base + 20}`],
      ]);

      const active = await until("the cluster to be Active", async () => {
        const status = (await api.get("/clusters/demo/status")).body;
        return status.status === "Active" ? status : undefined;
      });
      expect(active).toMatchObject({ connectedServers: 3, disconnectedServers: 0 });
      expect(["realm-a", "realm-b", "realm-c"]).toContain(active.master);
      expect(active.links).toHaveLength(3);
      expect(active.links[0]).toMatchObject({ protocol: "nsp", encrypted: false });
      expect((await realms()).map((r) => r.cluster)).toEqual(["demo", "demo", "demo"]);
      expect((await api.get("/health/summary")).body.clusters).toEqual([
        { name: "demo", status: "Active", master: active.master },
      ]);
      const clusterEvents = () =>
        sse.events.filter(
          (e): e is Extract<ManagerEvent, { type: "cluster.status" }> =>
            e.type === "cluster.status",
        );
      await until("an Active event", async () =>
        clusterEvents().some((e) => e.status === "Active") ? true : undefined,
      );

      // Kill a follower: the agent restarts it, the stream shows it go and come back.
      const victim = active.members.find((m: { role: string }) => m.role === "follower").realm;
      const pid = (await realms()).find((r) => r.name === victim)!.pid;
      const seen = clusterEvents().length;
      const killedAt = Date.now();
      process.kill(pid, "SIGKILL");
      const memberState = (e: Extract<ManagerEvent, { type: "cluster.status" }>) =>
        e.members.find((m) => m.realm === victim)?.state;
      const down = await until(
        `${victim} disconnected`,
        async () =>
          clusterEvents()
            .slice(seen)
            .find((e) => memberState(e) !== "connected" && e.disconnectedServers > 0),
        10_000,
      );
      expect(down.status).toBe("Degraded");
      // The agent reports the crash at once; the manager publishes within the second.
      expect(Date.parse(down.at) - killedAt).toBeLessThan(1500);
      await until(
        `${victim} connected again`,
        async () => {
          const last = clusterEvents().at(-1);
          return last?.status === "Active" && memberState(last) === "connected" ? true : undefined;
        },
        20_000,
      );
      const after = (await realms()).find((r) => r.name === victim)!;
      expect(after.pid).not.toBe(pid);
    } finally {
      sse.stop();
    }
  }, 40_000);

  it("keeps realms, keystores, clusters and the audit log across a restart", async () => {
    await shutdown();
    demo = await boot();
    const list = await until("three running realms", async () => {
      const l = await realms();
      return l.length === 3 && l.every((r) => r.state === "running") ? l : undefined;
    });
    expect(list.map((r) => [r.name, r.cluster])).toEqual([
      ["realm-a", "demo"],
      ["realm-b", "demo"],
      ["realm-c", "demo"],
    ]);
    expect((await api.get("/keystores")).body.items.map((k: { id: string }) => k.id)).toContain(
      keystoreId,
    );
    expect((await api.get("/clusters")).body.map((c: { name: string }) => c.name)).toEqual([
      "demo",
    ]);
    await until("the cluster Active again", async () =>
      (await api.get("/clusters/demo/status")).body.status === "Active" ? true : undefined,
    );
    const audit = (await api.get("/audit?limit=500")).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining(["keystore.upload", "interface.create", "cluster.create"]),
    );
  }, 60_000);

  it("never shows the keystore password or a private key in answers, logs or the audit log", async () => {
    const audit = await api.get("/audit?limit=500");
    expect(audit.status).toBe(200);
    await shutdown();
    for (const text of [...bodies, ...logs]) {
      expect(text).not.toContain(KEYSTORE_PASSWORD);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
  }, 30_000);
});
