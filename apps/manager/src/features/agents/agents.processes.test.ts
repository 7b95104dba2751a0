import { cp, mkdtemp, readFile, rm } from "node:fs/promises";
import { get as httpGet } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRootCa, generateCsr, signCsr } from "@conclave/pki";
import type { ManagerEvent } from "@conclave/protocol";
import { RealmAdminClient } from "@conclave/realm-client";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AGENT_MAIN as AGENT,
  killLaunched,
  launch,
  MANAGER_MAIN as MANAGER,
  type Proc,
  stopProc as stop,
  until,
} from "../../testing/boot-demo.js";
import { freshPgliteDir } from "../../testing/pglite-template.js";

/**
 * The acceptance path with real processes, as `npm start` runs them: the manager
 * (dist/main.js), a node agent (apps/agent/dist/main.js) enrolled with a one-time token, and
 * realm processes under the agent. One boot serves every step, in order.
 */
const PASSWORD = "process test admin passphrase";

describe("manager, agent and realms as processes", () => {
  let root: string;
  let dataDir: string;
  let agentState: string;
  let manager: Proc;
  let agent: Proc;
  let url: string;
  let gatewayPort: number;
  let tokenSecret = "";
  let agentId = "";
  let session: ReturnType<typeof request.agent>;
  let csrf = "";
  const bodies: string[] = [];
  const managerLines: string[] = [];

  const startManager = async (agentPort: number) => {
    manager = launch([MANAGER], {
      HOST: "127.0.0.1",
      PORT: "0",
      CONCLAVE_DATA_DIR: dataDir,
      CONCLAVE_AGENT_PORT: String(agentPort),
      CONCLAVE_ADMIN_PASSWORD: PASSWORD,
      CONCLAVE_ENROLMENT_TOKEN_FILE: join(root, "token.json"),
    });
    url = (await manager.line("listening")).url as string;
    const gateway = await manager.line("agent gateway listening");
    gatewayPort = gateway.port as number;
    session = request.agent(url);
    const login = await session
      .post("/api/v1/session")
      .send({ username: "admin", password: PASSWORD });
    expect(login.status).toBe(200);
    csrf = login.body.csrfToken;
  };
  const record = (res: request.Response) => {
    bodies.push(res.text ?? "");
    return res;
  };
  const api = {
    get: async (path: string) => record(await session.get(`/api/v1${path}`)),
    post: async (path: string, body?: object) =>
      record(
        await session
          .post(`/api/v1${path}`)
          .set("x-csrf-token", csrf)
          .send(body ?? {}),
      ),
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-fleet-"));
    dataDir = join(root, "manager");
    agentState = join(root, "agent");
    const template = await freshPgliteDir();
    await cp(template, join(dataDir, "pglite"), { recursive: true });
    await rm(dirname(template), { recursive: true, force: true });
    await startManager(0);
  });

  afterAll(async () => {
    // The agent first: it stops its realms.
    await stop(agent);
    await stop(manager);
    killLaunched();
    await rm(root, { recursive: true, force: true });
  });

  it("enrols an agent with a one-time token; the token does not work twice", async () => {
    const { token, managerUrl } = JSON.parse(await readFile(join(root, "token.json"), "utf8"));
    tokenSecret = token.split(".")[0];
    const args = ["--manager", managerUrl, "--token", token, "--listen", "127.0.0.1:0"];
    agent = launch([AGENT, "--state", agentState, ...args]);
    agentId = (await agent.line("listening")).agentId as string;
    expect((await agent.line("reporting to the manager")).manager).toBe(managerUrl);

    const second = launch([AGENT, "--state", join(root, "agent-2"), ...args]);
    expect(await second.exited).toBe(1);
    expect(second.stderr).toMatch(/unknown, expired or already used/);
  });

  it("refuses calls to the agent without a client certificate from the manager's CA, at the TLS layer", async () => {
    const listed = await until("the agent to report", async () => {
      const agents = (await api.get("/agents")).body;
      return agents[0]?.connected ? agents[0] : undefined;
    });
    const caPem = await readFile(join(agentState, "identity", "ca.crt"), "utf8");
    const call = (tls: { cert?: string; key?: string }) =>
      new Promise<string>((resolve) => {
        const req = httpsRequest(`${listed.url}/v1/realms`, { ca: caPem, ...tls }, (res) =>
          resolve(`HTTP ${res.statusCode}`),
        );
        req.on("error", (error) => resolve(`TLS error: ${error.message}`));
        req.end();
      });
    expect(await call({})).toMatch(/^TLS error/);
    const otherCa = await createRootCa({ subject: { commonName: "Someone else" } });
    const { csrPem, privateKeyPem } = await generateCsr({
      subject: { commonName: "conclave-manager" },
      key: { type: "ec", curve: "P-256" },
    });
    const forged = signCsr(otherCa, csrPem, { validityDays: 1 });
    expect(await call({ cert: forged.chainPem, key: privateKeyPem })).toMatch(/^TLS error/);
  });

  let realmAPid = 0;
  let occupiedPort = 0;

  it("creates three realms, lists them, adds an nsp interface (Running) and one on a port in use (Error)", async () => {
    for (const name of ["realm-a", "realm-b", "realm-c"]) {
      const res = await api.post("/realms", {
        name,
        agentId,
        interfaces: [{ alias: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 }],
      });
      expect(res.status, res.text).toBe(201);
    }
    const realms = await until("three running realms", async () => {
      const list = (await api.get("/realms")).body as {
        name: string;
        state: string;
        pid: number;
        interfaces: { status: string; boundPort: number }[];
      }[];
      return list.length === 3 && list.every((r) => r.state === "running") ? list : undefined;
    });
    expect(realms.map((r) => r.name)).toEqual(["realm-a", "realm-b", "realm-c"]);
    realmAPid = realms[0]!.pid;
    occupiedPort = realms[1]!.interfaces[0]!.boundPort;

    const added = await api.post("/realms/realm-a/interfaces", {
      alias: "nsp1",
      protocol: "nsp",
      bindAddress: "127.0.0.1",
      port: 0,
      autostart: true,
      allowInterRealm: false,
      allowClientConnections: true,
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ alias: "nsp1", status: "Running" });

    const clash = await api.post("/realms/realm-a/interfaces", {
      alias: "nsp2",
      protocol: "nsp",
      bindAddress: "127.0.0.1",
      port: occupiedPort,
    });
    expect(clash.status).toBe(201);
    expect(clash.body.status).toBe("Error");
    expect(clash.body.error).toMatch(/in use/);
    const listed = (await api.get("/realms/realm-a/interfaces")).body;
    expect(listed.map((i: { alias: string; status: string }) => `${i.alias}:${i.status}`)).toEqual([
      "nsp0:Running",
      "nsp1:Running",
      "nsp2:Error",
    ]);
  });

  it("restarts a killed realm; the event stream shows it down, then running again", async () => {
    const cookie = (await session.get("/api/v1/session")).request.cookies;
    const events: ManagerEvent[] = [];
    const stream = httpGet(`${url}/api/v1/events`, { headers: { cookie } }, (res) => {
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
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const killedAt = Date.now();
      process.kill(realmAPid, "SIGKILL");
      const states = () =>
        events
          .filter((e) => e.type === "realm.state" && e.realm === "realm-a")
          .map((e) => (e as { state: string }).state);
      await until("realm-a down", async () => states().some((s) => s !== "running"), 5_000);
      const down = events.find((e) => e.type === "realm.state" && e.state !== "running")!;
      expect(Date.parse(down.at) - killedAt).toBeLessThan(1500);
      await until("realm-a running again", async () => states().at(-1) === "running", 15_000);
      expect(states()[0]).toMatch(/backoff|stopped/);
      const realm = (await api.get("/realms/realm-a")).body;
      expect(realm.state).toBe("running");
      expect(realm.pid).not.toBe(realmAPid);
      expect(realm.process.restarts).toBe(1);
    } finally {
      stream.destroy();
    }
  });

  it("keeps realms running while the manager is away; on return the agent re-syncs and drift is shown before it is applied", async () => {
    const before = (await api.get("/realms")).body as { name: string; pid: number }[];
    expect(await stop(manager)).toBe(0);
    managerLines.push(...manager.lines);
    await agent.line("manager unreachable; realms keep running, retrying every second");
    // Behind the manager's back: a new interface on realm-c, and nsp0 refuses clients.
    const admin = new RealmAdminClient(join(agentState, "realms", "realm-c", "admin.sock"));
    await admin.addInterface({ name: "rogue", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 });
    const nsp0 = (await admin.config()).interfaces.find((i) => i.name === "nsp0")!;
    await admin.changeInterface("nsp0", { ...nsp0, allowClientConnections: false });
    for (const realm of before) expect(() => process.kill(realm.pid, 0)).not.toThrow();

    await startManager(gatewayPort);
    const agents = await until("the agent to re-sync", async () => {
      const list = (await api.get("/agents")).body;
      return list[0]?.connected && list[0].driftCount > 0 ? list : undefined;
    });
    expect(agents.map((a: { id: string }) => a.id)).toEqual([agentId]);
    const after = (await api.get("/realms")).body as { name: string; pid: number }[];
    expect(after).toEqual(before.map((r) => expect.objectContaining({ name: r.name, pid: r.pid })));

    const plan = (await api.get(`/agents/${agentId}/sync`)).body;
    expect(plan.inSync).toBe(false);
    expect(plan.changes).toEqual(
      expect.arrayContaining([
        {
          realm: "realm-c",
          alias: "nsp0",
          action: "update",
          fields: { allowClientConnections: { desired: true, actual: false } },
        },
        { realm: "realm-c", alias: "rogue", action: "delete" },
      ]),
    );
    // Shown, not applied: the host still has the drift.
    expect((await admin.config()).interfaces.map((i) => i.name)).toContain("rogue");

    const applied = await api.post(`/agents/${agentId}/sync`);
    expect(applied.status).toBe(200);
    expect(applied.body.applied).toHaveLength(plan.changes.length);
    const config = await admin.config();
    expect(config.interfaces.map((i) => i.name)).toEqual(["nsp0"]);
    expect(config.interfaces[0]!.allowClientConnections).toBe(true);
    await until("a report without drift", async () =>
      (await api.get(`/agents/${agentId}/sync`)).body.inSync ? true : undefined,
    );
  });

  it("never shows a password, a token or a private key in answers, logs or the audit log", async () => {
    const audit = await api.get("/audit?limit=500");
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(["agent.enrol", "realm.create", "interface.create", "agent.sync"]),
    );
    const everything = [
      ...bodies,
      ...managerLines,
      ...manager.lines,
      ...agent.lines,
      agent.stderr,
      manager.stderr,
    ];
    for (const text of everything) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(tokenSecret);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
  });
});
