// Manager benchmark: REST throughput and latency under concurrent load, and how fast a
// realm's death reaches the console's event stream, with a real manager, agents and realm
// processes on 127.0.0.1 — first 1 agent with 3 realms (what `npm start` runs), then a fleet
// (20 agents x 5 realms by default). A bare Express route in the same run is the peer.
// Results: bench/results/manager.json. Run: node bench/run.mjs manager
import { mkdtempSync, rmSync } from "node:fs";
import { freemem, tmpdir } from "node:os";
import { join } from "node:path";
import type { ManagerEvent, RealmSummary } from "@conclave/protocol";
import { startExpressHello } from "./lib/express-hello.js";
import { type HttpLoadResult, httpLoad } from "./lib/http-load.js";
import { BenchManager } from "./lib/manager-fleet.js";
import { saveResults } from "./lib/results.js";
import { openSse, type SseMessage } from "./lib/sse-stream.js";
import { median, round } from "./lib/stats.js";

const LOAD_MS = Number(process.env.BENCH_LOAD_MS ?? 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const KILL_TRIALS = 3;
const PER_AGENT = Number(process.env.BENCH_REALMS_PER_AGENT ?? 5);
// Rough resident sizes measured on this code base; used only to refuse a fleet that would not
// fit in memory (the figure actually used is recorded with the results).
const AGENT_MIB = 70;
const REALM_MIB = 60;
const wantedAgents = Number(process.env.BENCH_AGENTS ?? 20);
const fitAgents = Math.floor(((freemem() / 2 ** 20) * 0.6) / (AGENT_MIB + PER_AGENT * REALM_MIB));
const FLEET_AGENTS = Math.max(1, Math.min(wantedAgents, fitAgents));

const root = mkdtempSync(join(tmpdir(), "conclave-bench-manager-"));
const cleanup: (() => Promise<void> | void)[] = [];

function summary(label: string, r: HttpLoadResult): string {
  return `${label.padEnd(34)} ${String(r.requestsPerSecond).padStart(6)} req/s  p50 ${r.latencyMs.p50} ms  p99 ${r.latencyMs.p99} ms  errors ${r.errors}`;
}

/** Kills realms with SIGKILL by pid and times until the SSE stream reports each one down. */
async function killToEvent(manager: BenchManager, realms: RealmSummary[]) {
  const messages: SseMessage[] = [];
  let notify = () => {};
  const close = await openSse(`${manager.url}/api/v1/events`, { cookie: manager.cookie }, (m) => {
    messages.push(m);
    notify();
  });
  const waitFor = (pred: (e: ManagerEvent) => boolean, from: number, ms: number) =>
    new Promise<{ at: number; index: number }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no event in time")), ms);
      const check = () => {
        for (let i = from; i < messages.length; i++) {
          const m = messages[i]!;
          if (pred(JSON.parse(m.data) as ManagerEvent)) {
            clearTimeout(timer);
            notify = () => {};
            resolve({ at: m.receivedAt, index: i });
            return;
          }
        }
      };
      notify = check;
      check();
    });
  const trials: { realm: string; toEventMs: number; backRunningMs: number | null }[] = [];
  try {
    for (const realm of realms.slice(0, KILL_TRIALS)) {
      const from = messages.length;
      const t0 = performance.now();
      process.kill(realm.pid!, "SIGKILL");
      const down = await waitFor(
        (e) => e.type === "realm.state" && e.realm === realm.name && e.state !== "running",
        from,
        15_000,
      );
      const up = await waitFor(
        (e) => e.type === "realm.state" && e.realm === realm.name && e.state === "running",
        // After the down event: a report sent just before the kill may still say running.
        down.index + 1,
        30_000,
      ).catch(() => null);
      trials.push({
        realm: realm.name,
        toEventMs: round(down.at - t0),
        backRunningMs: up === null ? null : round(up.at - t0),
      });
    }
  } finally {
    close();
  }
  return { trials, medianToEventMs: round(median(trials.map((t) => t.toEventMs))) };
}

/** GET /clusters/{name}/status under load, if this manager has the route and can form a cluster. */
async function clusterStatusLoad(manager: BenchManager, realms: RealmSummary[]) {
  const probe = await manager.api<{ error?: { message: string } }>("GET", "/clusters/bench/status");
  if (probe.status === 404 && probe.body.error?.message.startsWith("No API route")) {
    return { skipped: "this manager has no GET /api/v1/clusters/{name}/status route yet" };
  }
  if (probe.status === 404) {
    const formed = await manager.api<{ error?: { message: string } }>("POST", "/clusters", {
      name: "bench",
      realms: realms.slice(0, 3).map((r) => r.name),
    });
    if (formed.status >= 300) {
      return {
        skipped: `could not form a cluster: ${formed.status} ${formed.body.error?.message ?? ""}`,
      };
    }
  }
  return httpLoad({
    url: `${manager.url}/api/v1/clusters/bench/status`,
    headers: { cookie: manager.cookie },
    connections: CONNECTIONS,
    durationMs: LOAD_MS,
  });
}

async function phase(manager: BenchManager, label: string, withClusters: boolean) {
  const { body: listed } = await manager.api<RealmSummary[]>("GET", "/realms");
  const realms = await manager.waitRunning(listed.length);
  const realmsLoad = await httpLoad({
    url: `${manager.url}/api/v1/realms`,
    headers: { cookie: manager.cookie },
    connections: CONNECTIONS,
    durationMs: LOAD_MS,
  });
  console.log(summary(`${label}: GET /api/v1/realms`, realmsLoad));
  const clusterStatus = withClusters
    ? await clusterStatusLoad(manager, realms)
    : { skipped: "measured with the 3-realm set-up only" };
  if ("requestsPerSecond" in clusterStatus)
    console.log(summary(`${label}: GET /clusters/bench/status`, clusterStatus));
  else console.log(`${label}: clusters status skipped (${clusterStatus.skipped})`);
  const kill = await killToEvent(manager, realms);
  console.log(
    `${label}: kill -9 -> SSE realm.state ${kill.trials.map((t) => `${t.toEventMs} ms`).join(", ")}`,
  );
  const after = await manager.waitRunning(realms.length, 60_000).catch(() => realms);
  const memory = manager.memory(after.map((r) => r.pid ?? 0));
  console.log(
    `${label}: RSS manager ${memory.managerMiB} MiB, agents ${memory.agentsMiB} MiB, realms ${memory.realmsMiB} MiB`,
  );
  return {
    agents: manager.agents.length,
    realms: realms.length,
    realmsList: realmsLoad,
    realmsListBodyBytes: JSON.stringify(realms).length,
    clusterStatus,
    killToSse: kill,
    memory,
  };
}

let manager: BenchManager | undefined;
try {
  // The peer first, alone on the machine.
  const peer = await startExpressHello(join(import.meta.dirname, ".."));
  cleanup.push(() => void peer.child.kill("SIGTERM"));
  const expressHello = await httpLoad({
    url: peer.url,
    connections: CONNECTIONS,
    durationMs: LOAD_MS,
  });
  console.log(summary("peer: bare Express GET /hello", expressHello));
  peer.child.kill("SIGTERM");

  manager = await BenchManager.start(join(root, "fleet"));
  cleanup.push(() => manager?.stop());
  const first = await manager.startAgent();
  for (let i = 0; i < 3; i++) await manager.createRealm(`realm-${i}`, first);
  await manager.waitRunning(3);
  const small = await phase(manager, "1 agent, 3 realms", true);

  const bootStarted = performance.now();
  while (manager.agents.length < FLEET_AGENTS) await manager.startAgent();
  let created = 3;
  for (const [a, agent] of manager.agents.entries()) {
    const have = a === 0 ? 3 : 0;
    for (let i = have; i < PER_AGENT; i++) await manager.createRealm(`fleet-${a}-${i}`, agent.id);
    created += PER_AGENT - have;
  }
  await manager.waitRunning(created);
  const fleetBootSeconds = round((performance.now() - bootStarted) / 1000, 1);
  console.log(`fleet of ${FLEET_AGENTS} agents and ${created} realms up in ${fleetBootSeconds} s`);
  const fleet = await phase(manager, `${FLEET_AGENTS} agents, ${created} realms`, false);

  const path = saveResults("manager", {
    config: {
      loadSeconds: LOAD_MS / 1000,
      connections: CONNECTIONS,
      auth: "session cookie",
      managerLogLevel: "info (one line per request, as in production)",
      store: "PGlite",
      fleetRequested: { agents: wantedAgents, realmsPerAgent: PER_AGENT },
      fleetRun: { agents: FLEET_AGENTS, realms: created },
    },
    peer: { expressHello },
    small,
    fleet: { ...fleet, bootSeconds: fleetBootSeconds },
  });
  console.log(`wrote ${path}`);
} finally {
  for (const step of cleanup.reverse()) await step();
  rmSync(root, { recursive: true, force: true });
}
