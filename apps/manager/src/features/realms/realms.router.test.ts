import type { AgentReport, RealmMetrics, RealmStatus } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type ConclaveApp, createApp } from "../../app.js";
import { AgentsRepo } from "../../store/agents.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import { SecretBox } from "../../store/secrets.js";
import {
  createTestApp,
  signIn,
  TEST_CONFIG,
  TEST_MASTER_KEY,
  type TestApp,
} from "../../testing/test-app.js";
import { Fleet } from "../agents/fleet.js";
import { REALM_METRICS_INTERVAL_MS } from "./realm-metrics-sampler.js";

function report(
  state: "running" | "stopped",
  pid: number | null,
  status: RealmStatus | null = null,
): AgentReport {
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
        status,
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

/** realm-a's own status at realm clock `time` with these event totals. */
function realmStatus(time: number, totalIn: number, totalOut: number, pid = 4242): RealmStatus {
  return {
    realm: "realm-a",
    pid,
    version: "0.1.0",
    startedAt: new Date(0).toISOString(),
    uptimeSeconds: 60,
    time,
    interfaces: [],
    channels: [],
    connections: 3,
    events: { inPerSecond: 7, outPerSecond: 9, totalIn, totalOut },
    memory: { rssBytes: 50_000_000, heapUsedBytes: 20_000_000 },
    eventLoopDelayMs: { mean: 0.4, p99: 2.5, max: 9 },
    cluster: null,
  };
}

describe("GET /api/v1/realms/:realm/metrics", () => {
  let t: TestApp;
  let fleet: Fleet;
  let app: ConclaveApp;
  let viewer: Awaited<ReturnType<typeof signIn>>;
  let agents: AgentsRepo;

  beforeAll(async () => {
    // Only the sampling timer is faked: the store and HTTP keep real time.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    t = await createTestApp();
    fleet = new Fleet({ db: t.db, logger: t.logger, secretBox: new SecretBox(TEST_MASTER_KEY) });
    // With a fleet, as main.ts builds it, the app samples realm figures.
    app = createApp({ config: TEST_CONFIG, db: t.db, logger: t.logger, fleet });
    await t.addUser("vera", "viewer");
    viewer = await signIn(app, "vera");
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
    await new RealmsRepo(t.db).create({ name: "realm-a", agentId: "agent-1", interfaces: [] });
  });
  afterAll(async () => {
    await fleet?.stop();
    vi.useRealTimers();
    await t?.destroy();
  });

  const metrics = async (query = "") => {
    const res = await viewer.agent.get(`/api/v1/realms/realm-a/metrics${query}`);
    expect(res.status).toBe(200);
    return res.body as RealmMetrics;
  };
  /** One sampling period passes; resolves once the sampler has `count` samples. */
  const tick = async (count: number) => {
    vi.advanceTimersByTime(REALM_METRICS_INTERVAL_MS);
    await vi.waitFor(async () => expect((await metrics()).samples).toHaveLength(count));
  };

  it("starts empty, then shows a sample per period from the agent's reports (viewer may read)", async () => {
    expect(await metrics()).toEqual({ realm: "realm-a", intervalSeconds: 10, samples: [] });
    const t0 = Date.now();
    await agents.saveReport(
      "agent-1",
      report("running", 4242, realmStatus(t0, 1_000, 2_000)),
      0,
      [],
    );
    await tick(1);
    await agents.saveReport(
      "agent-1",
      report("running", 4242, realmStatus(t0 + 10_000, 1_500, 4_000)),
      0,
      [],
    );
    await tick(2);
    const [first, second] = (await metrics()).samples;
    expect(first).toMatchObject({
      connections: 3,
      // The first sample can only take the realm's one-second rates.
      eventsInPerSecond: 7,
      eventsOutPerSecond: 9,
      rssBytes: 50_000_000,
      heapUsedBytes: 20_000_000,
      eventLoopDelayMeanMs: 0.4,
      eventLoopDelayP99Ms: 2.5,
    });
    // Later ones average the totals over the 10 s between the two reports.
    expect(second).toMatchObject({ eventsInPerSecond: 50, eventsOutPerSecond: 200 });
    expect(second!.at).toBeGreaterThan(first!.at);
    expect(Math.abs(second!.at - Date.now())).toBeLessThan(60_000);
  });

  it("adds no point while the agent sends nothing new, and after a realm restart takes its reported rates", async () => {
    vi.advanceTimersByTime(REALM_METRICS_INTERVAL_MS);
    // The same report again (status time unchanged) is not a new point.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await metrics()).samples).toHaveLength(2);

    await agents.saveReport(
      "agent-1",
      report("running", 5151, realmStatus(Date.now() + 20_000, 10, 10, 5151)),
      0,
      [],
    );
    await tick(3);
    expect((await metrics()).samples[2]).toMatchObject({ eventsInPerSecond: 7 });
  });

  it("takes no sample from an agent that stopped reporting", async () => {
    await agents.saveReport(
      "agent-1",
      report("running", 5151, realmStatus(Date.now() + 30_000, 20, 20, 5151)),
      0,
      [],
    );
    await t.db.query("UPDATE agents SET connected = false WHERE id = 'agent-1'");
    vi.advanceTimersByTime(REALM_METRICS_INTERVAL_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await metrics()).samples).toHaveLength(3);
  });

  it("answers only the requested minutes, refuses more than an hour, and 404 for an unknown realm", async () => {
    expect((await metrics("?minutes=1")).samples).toHaveLength(3);
    const tooLong = await viewer.agent.get("/api/v1/realms/realm-a/metrics?minutes=61");
    expect(tooLong.status).toBe(400);
    const unknown = await viewer.agent.get("/api/v1/realms/realm-zz/metrics");
    expect(unknown.status).toBe(404);
  });
});
