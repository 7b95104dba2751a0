/**
 * Switch under load (issue 7): the encrypt-inter-realm wizard moving a live cluster from nsp to
 * nsps links, against the documented Universal Messaging procedure (stop every realm, restart
 * them all on the new configuration, let the cluster re-form) on the same realms and load.
 * For 3 and 5 realms: a manager, its agent and the realms booted as `npm start` boots them, a
 * paced publisher and a subscriber on every realm's client interface, and per run the wizard's
 * duration, events lost, duplicates, out-of-order deliveries, the longest delivery gap any
 * subscriber saw (during the change against before it) and client sessions dropped.
 * Run: node bench/run.mjs switch-under-load (BENCH_REALMS=3 for one size, BENCH_RATE events/s).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClusterStatusView, RealmSummary, Wizard } from "@conclave/protocol";
import { ClusterLoad, type LoadFigures, type WindowFigures } from "./lib/cluster-load.js";
import { DemoStack, freeBasePort, until } from "./lib/demo-stack.js";
import { saveResults } from "./lib/results.js";
import { round } from "./lib/stats.js";

const SIZES = (process.env.BENCH_REALMS ?? "3,5").split(",").map(Number);
/**
 * Events/s of each publisher. 5 × 300 saturated this 2-core machine while other work kept its
 * load average near 13 (elections and failed publishes before any change): lower it there.
 */
const RATE = Number(process.env.BENCH_RATE ?? 300);
const PAYLOAD_BYTES = 128;
/** Load before the change (the reference window) and after it. */
const BEFORE_MS = 6_000;
const AFTER_MS = 3_000;
/** The load's own bound: no run publishes longer than this. */
const LOAD_MAX_SECONDS = 360;
const WIZARD_TIMEOUT_MS = 300_000;
const WATCHDOG_MS = 30 * 60_000;
const PASSWORD = "switch under load bench admin passphrase";
const CLUSTER = "bench";
const NAMES = ["realm-a", "realm-b", "realm-c", "realm-d", "realm-e", "realm-f", "realm-g"];
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), "results", "switch-under-load.json");

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface StepTiming {
  name: string;
  status: string;
  /** When the step started, in ms from the wizard's start (as the bench saw it). */
  startMs: number | null;
  ms: number | null;
}

interface SwitchFigures {
  state: string;
  durationMs: number;
  steps: StepTiming[];
  /** Pre-flight errors and warnings: "severity check realm: problem". */
  findings: string[];
  linksAfter: string[];
  load: LoadFigures;
  before: WindowFigures;
  during: WindowFigures;
  after: WindowFigures;
}

interface BaselineFigures {
  /** From the restart requests until every realm answered them (stopped and started). */
  restartMs: number;
  /** From the restart requests until the manager reported the cluster Active on nsps. */
  activeMs: number;
  /** From the restart requests until every subscriber had events from every publisher again. */
  deliveringAgainMs: number;
  linksAfter: string[];
  load: LoadFigures;
  before: WindowFigures;
  during: WindowFigures;
}

interface SizeResult {
  realms: number;
  loadAverage: { atStart: number[]; atEnd: number[] };
  wizard: SwitchFigures;
  baseline: BaselineFigures;
}

/** Client URL of a realm: its nsp0 interface, which stays a client interface throughout. */
function clientUrl(realm: RealmSummary): string {
  const nsp0 = realm.interfaces.find((i) => i.alias === "nsp0");
  if (!nsp0) throw new Error(`${realm.name} has no nsp0 interface`);
  return `nsp://127.0.0.1:${nsp0.boundPort ?? nsp0.port}`;
}

async function clusterStatus(demo: DemoStack): Promise<ClusterStatusView> {
  return demo.expect<ClusterStatusView>(200, "GET", `/clusters/${CLUSTER}/status`);
}

/** Waits until the cluster is Active with every pair linked over `protocol`. */
async function waitActive(demo: DemoStack, n: number, protocol: "nsp" | "nsps", ms: number) {
  return until(
    `cluster Active on ${protocol}`,
    async () => {
      const status = await clusterStatus(demo);
      return status.status === "Active" &&
        status.links.length === (n * (n - 1)) / 2 &&
        status.links.every((l) => l.protocol === protocol)
        ? status
        : undefined;
    },
    ms,
    100,
  );
}

const describeLinks = (status: ClusterStatusView) =>
  status.links.map((l) => `${l.from}→${l.to} ${l.protocol} ${l.tlsVersion ?? "plaintext"}`);

/** Starts the wizard and polls it to an end state, accepting warnings as an operator would. */
async function runWizard(demo: DemoStack): Promise<Wizard> {
  const { id } = await demo.expect<{ id: string }>(201, "POST", "/wizards", {
    kind: "encrypt-inter-realm",
    cluster: CLUSTER,
    options: { certificates: "issue", plaintext: "keep" },
  });
  return until(
    `wizard ${id} to end`,
    async () => {
      const wizard = await demo.expect<Wizard>(200, "GET", `/wizards/${id}`);
      if (wizard.state === "awaitingAcknowledgement") {
        await demo.expect(200, "POST", `/wizards/${id}/acknowledge`, {});
      }
      return ["completed", "failed", "blocked", "cancelled", "rolledBack"].includes(wizard.state)
        ? wizard
        : undefined;
    },
    WIZARD_TIMEOUT_MS,
    250,
  );
}

function stepTimings(wizard: Wizard, startedAt: number): StepTiming[] {
  return wizard.steps.map((s) => ({
    name: s.name,
    status: s.status,
    startMs: s.startedAt ? Date.parse(s.startedAt) - startedAt : null,
    ms: s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : null,
  }));
}

async function switchUnderLoad(demo: DemoStack, realms: RealmSummary[]): Promise<SwitchFigures> {
  const load = new ClusterLoad({
    endpoints: realms.map((r) => ({ realm: r.name, url: clientUrl(r) })),
    channel: "bench/switch",
    ratePerPublisher: RATE,
    maxSeconds: LOAD_MAX_SECONDS,
    payloadBytes: PAYLOAD_BYTES,
    reconnect: false,
  });
  await load.start();
  const loadStarted = performance.now();
  try {
    await sleep(BEFORE_MS);
    const started = performance.now();
    const startedAt = Date.now();
    const wizard = await runWizard(demo);
    const ended = performance.now();
    console.log(
      `  wizard ${wizard.state} in ${round((ended - started) / 1000, 1)} s: ${wizard.steps
        .map((s) => `${s.name} ${s.status}`)
        .join(", ")}`,
    );
    for (const step of wizard.steps.filter((s) => s.error)) {
      console.log(`  step ${step.name} failed: ${step.error}`);
    }
    const findings = wizard.findings.map(
      (f) => `${f.severity} ${f.check} ${f.realm ?? ""}: ${f.problem}`,
    );
    for (const finding of findings) console.log(`  finding: ${finding}`);
    await sleep(AFTER_MS);
    const afterEnd = performance.now();
    await load.stop();
    const status = await clusterStatus(demo);
    return {
      state: wizard.state,
      durationMs: round(ended - started, 0),
      steps: stepTimings(wizard, startedAt),
      findings,
      linksAfter: describeLinks(status),
      load: load.figures(started),
      // The first second is left out: connections and the first subscriptions settle.
      before: load.window({ from: loadStarted + 1_000, to: started }),
      during: load.window({ from: started, to: ended }),
      after: load.window({ from: ended, to: afterEnd }),
    };
  } finally {
    await load.stop(0).catch(() => {});
  }
}

/**
 * The documented procedure, simulated: every realm stopped and started again at once (POST
 * /realms/{name}/restart, all in parallel) on the nsps configuration the cluster now has, the
 * realms re-forming from their persisted member list. Editing configuration files between
 * stop and start takes no time here, so this outage is a lower bound.
 */
async function restartAll(demo: DemoStack, realms: RealmSummary[]): Promise<BaselineFigures> {
  const load = new ClusterLoad({
    endpoints: realms.map((r) => ({ realm: r.name, url: clientUrl(r) })),
    channel: "bench/baseline",
    ratePerPublisher: RATE,
    maxSeconds: LOAD_MAX_SECONDS,
    payloadBytes: PAYLOAD_BYTES,
    reconnect: true,
  });
  await load.start();
  const loadStarted = performance.now();
  try {
    await sleep(BEFORE_MS);
    const started = performance.now();
    await Promise.all(
      realms.map((r) => demo.expect(200, "POST", `/realms/${encodeURIComponent(r.name)}/restart`)),
    );
    const restarted = performance.now();
    const status = await waitActive(demo, realms.length, "nsps", 120_000);
    const active = performance.now();
    await until(
      "every subscriber to receive from every publisher again",
      async () => load.allPairsDeliveredSince(restarted),
      120_000,
      20,
    );
    const delivering = performance.now();
    console.log(
      `  restart all: restarted ${round((restarted - started) / 1000, 1)} s, Active ${round((active - started) / 1000, 1)} s, delivering again ${round((delivering - started) / 1000, 1)} s`,
    );
    await sleep(AFTER_MS);
    const ended = performance.now();
    await load.stop();
    return {
      restartMs: round(restarted - started, 0),
      activeMs: round(active - started, 0),
      deliveringAgainMs: round(delivering - started, 0),
      linksAfter: describeLinks(status),
      load: load.figures(started),
      before: load.window({ from: loadStarted + 1_000, to: started }),
      during: load.window({ from: started, to: ended }),
    };
  } finally {
    await load.stop(0).catch(() => {});
  }
}

async function runSize(n: number): Promise<SizeResult> {
  const names = NAMES.slice(0, n);
  const dir = mkdtempSync(join(tmpdir(), `conclave-bench-switch-${n}-`));
  const atStart = loadavg().map((l) => round(l, 2));
  const base = await freeBasePort(n);
  console.log(`\n${n} realms (ports from ${base}), load average ${atStart.join(" ")}`);
  const demo = await DemoStack.start(dir, base, PASSWORD);
  try {
    // The demo has realm-a..c; the others are created through the REST API like an operator.
    for (let i = 3; i < n; i++) await demo.createRealm(names[i]!, base + i * 10);
    const realms = await demo.waitRunning(names);
    await demo.expect(202, "POST", "/clusters", { name: CLUSTER, realms: names });
    await waitActive(demo, n, "nsp", 60_000);
    console.log(`  cluster ${CLUSTER} Active on nsp; load ${n} × ${RATE} events/s`);

    const wizard = await switchUnderLoad(demo, realms);
    if (wizard.state !== "completed") {
      console.log(JSON.stringify({ load: wizard.load, before: wizard.before }, null, 1));
      throw new Error(`the wizard ended ${wizard.state}`);
    }
    const baseline = await restartAll(demo, realms);
    return {
      realms: n,
      loadAverage: { atStart, atEnd: loadavg().map((l) => round(l, 2)) },
      wizard,
      baseline,
    };
  } catch (error) {
    console.error(`  ${n} realms failed; the end of the demo's log:`);
    console.error(readFileSync(demo.log, "utf8").slice(-3000));
    throw error;
  } finally {
    await demo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Earlier results of other sizes are kept, so sizes can be run one at a time. */
function previousRuns(): Record<string, SizeResult> {
  if (!existsSync(RESULTS)) return {};
  try {
    const saved = JSON.parse(readFileSync(RESULTS, "utf8")) as {
      results?: { runs?: Record<string, SizeResult> };
    };
    return saved.results?.runs ?? {};
  } catch {
    return {};
  }
}

function printSummary(runs: SizeResult[]): void {
  const rows: [string, ...string[]][] = [
    ["", ...runs.flatMap((r) => [`wizard, ${r.realms} realms`, `restart all, ${r.realms} realms`])],
    [
      "change took",
      ...runs.flatMap((r) => [`${r.wizard.durationMs} ms`, `${r.baseline.deliveringAgainMs} ms`]),
    ],
    ["events lost", ...runs.flatMap((r) => [`${r.wizard.load.lost}`, `${r.baseline.load.lost}`])],
    [
      "duplicates / out of order",
      ...runs.flatMap((r) => [
        `${r.wizard.load.duplicates} / ${r.wizard.load.outOfOrder}`,
        `${r.baseline.load.duplicates} / ${r.baseline.load.outOfOrder}`,
      ]),
    ],
    [
      "longest gap before",
      ...runs.flatMap((r) => [
        `${r.wizard.before.maxGapMs} ms`,
        `${r.baseline.before.maxGapMs} ms`,
      ]),
    ],
    [
      "longest gap during",
      ...runs.flatMap((r) => [
        `${r.wizard.during.maxGapMs} ms`,
        `${r.baseline.during.maxGapMs} ms`,
      ]),
    ],
    [
      "longest pair gap during",
      ...runs.flatMap((r) => [
        `${r.wizard.during.maxPairGapMs} ms`,
        `${r.baseline.during.maxPairGapMs} ms`,
      ]),
    ],
    [
      "publishes failed",
      ...runs.flatMap((r) => [
        `${r.wizard.load.publishesFailed}`,
        `${r.baseline.load.publishesFailed}`,
      ]),
    ],
    [
      "sessions dropped",
      ...runs.flatMap((r) => [
        `${r.wizard.load.sessionsDropped}`,
        `${r.baseline.load.sessionsDropped}`,
      ]),
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}

const watchdog = setTimeout(() => {
  console.error(`switch-under-load: still running after ${WATCHDOG_MS / 60_000} min; giving up`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const runs: SizeResult[] = [];
for (const n of SIZES) runs.push(await runSize(n));
const all = { ...previousRuns() };
for (const run of runs) all[String(run.realms)] = run;
printSummary(Object.values(all).sort((a, b) => a.realms - b.realms));
const path = saveResults("switch-under-load", {
  config: {
    payloadBytes: PAYLOAD_BYTES,
    beforeMs: BEFORE_MS,
    afterMs: AFTER_MS,
    wizardOptions: { certificates: "issue", plaintext: "keep" },
    clients: "nsp0 of every realm (a publisher and a subscriber each, one channel)",
    baseline: "POST /realms/{name}/restart of every realm at once, clients reconnecting",
  },
  runs: all,
});
console.log(`results: ${path}`);
