import type { AgentReport } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AgentsRepo } from "../../store/agents.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { createTestApp, signIn, type TestApp } from "../../testing/test-app.js";

function report(state: "running" | "stopped", pid: number | null): AgentReport {
  return {
    hostname: "host-1",
    addresses: ["127.0.0.1"],
    // Nothing listens here: a live call to the agent would fail the request.
    url: "https://127.0.0.1:1",
    version: "0.1.0",
    time: Date.now(),
    lastRoundTripMs: 1,
    realms: [
      {
        name: "realm-a",
        state,
        pid,
        dataDir: "/var/lib/agent/realms/realm-a",
        startedAt: null,
        restarts: 0,
        lastExit: null,
        nextRestartAt: null,
        status: null,
        wanted: true,
        config: null,
      },
    ],
  };
}

describe("GET /api/v1/realms", () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signIn>>;
  let agents: AgentsRepo;

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("ada", "admin");
    admin = await signIn(t.app, "ada");
    agents = new AgentsRepo(t.db);
    await agents.create({
      id: "agent-1",
      hostname: "host-1",
      addresses: ["127.0.0.1"],
      version: "0.1.0",
      certificatePem: "-",
      certificateSerial: "01",
      certificateFingerprint: "AA",
      certificateNotAfter: new Date(Date.now() + 86_400_000),
    });
    await new RealmsRepo(t.db).create({
      name: "realm-a",
      agentId: "agent-1",
      interfaces: [
        {
          alias: "nsp0",
          protocol: "nsp",
          bindAddress: "127.0.0.1",
          port: 9000,
          autostart: true,
          allowInterRealm: true,
          allowClientConnections: true,
        },
      ],
    });
  });
  afterAll(async () => {
    await t?.destroy();
  });

  it("serves the last report from the store without a call to the agent, and no query while nothing changed", async () => {
    await agents.saveReport("agent-1", report("running", 4242), 0, []);
    const first = await admin.agent.get("/api/v1/realms");
    expect(first.status).toBe(200);
    expect(first.body).toEqual([
      expect.objectContaining({ name: "realm-a", host: "host-1", state: "running", pid: 4242 }),
    ]);

    const query = vi.spyOn(t.db, "query");
    try {
      const again = await admin.agent.get("/api/v1/realms");
      expect(again.body).toEqual(first.body);
      // Session, realms, agents and clusters were all read for the first request.
      expect(query).not.toHaveBeenCalled();
    } finally {
      query.mockRestore();
    }
  });

  it("shows the next report at once", async () => {
    await agents.saveReport("agent-1", report("stopped", null), 0, []);
    const res = await admin.agent.get("/api/v1/realms");
    expect(res.body).toEqual([
      expect.objectContaining({ name: "realm-a", state: "stopped", pid: null }),
    ]);
  });

  it("applies a role change to the very next request", async () => {
    await t.db.query("UPDATE users SET role = 'viewer' WHERE username = 'ada'");
    const res = await admin.agent.post("/api/v1/realms").set("x-csrf-token", admin.csrfToken).send({
      name: "realm-b",
      agentId: "agent-1",
      interfaces: [],
    });
    expect(res.status).toBe(403);
  });
});
