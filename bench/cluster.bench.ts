/**
 * Clustering: failure detection and master fail-over times over 10 kill -9 of the master (and
 * 5 hangs, SIGSTOP, which only heartbeats can detect), and replicated publish throughput of a
 * 3-realm cluster as a ratio of a single realm's, with the data-plane harness (1 KiB events,
 * one publisher and one subscriber, every event persisted and acknowledged).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RealmClient } from "@conclave/realm-client";
import { type BenchMember, startBenchCluster, waitForMaster } from "./lib/cluster-realms.js";
import type { PubSubPair } from "./lib/endpoint.js";
import { type RunFigures, type RunOptions, runPubSub } from "./lib/pubsub-run.js";
import { saveResults } from "./lib/results.js";
import { median, round } from "./lib/stats.js";

const KILLS = 10;
const HANGS = 5;
const saturated: RunOptions = {
  payloadBytes: 1024,
  maxMessages: 100_000,
  maxSeconds: 10,
  window: 1000,
};

interface FailoverSample {
  kind: "kill" | "hang";
  oldMaster: string;
  newMaster: string;
  detectionMs: number;
  failoverMs: number;
}

/** Kills (or freezes) the master, then times detection and election as the survivors see them. */
async function failOnce(members: BenchMember[], kind: "kill" | "hang"): Promise<FailoverSample> {
  const master = await waitForMaster(members);
  const survivors = members.filter((m) => m !== master);
  const started = performance.now();
  if (kind === "kill") await master.kill("SIGKILL");
  else master.child!.kill("SIGSTOP");
  let detectionMs: number | undefined;
  let failoverMs: number | undefined;
  let newMaster = "";
  while (failoverMs === undefined) {
    const statuses = await Promise.all(survivors.map((m) => m.admin.cluster()));
    const now = performance.now() - started;
    // Detected: a survivor no longer follows the old master.
    if (detectionMs === undefined && statuses.some((s) => s.master !== master.name)) {
      detectionMs = now;
    }
    const masters = new Set(statuses.map((s) => s.master));
    const [agreed] = masters;
    if (masters.size === 1 && agreed && agreed !== master.name) {
      failoverMs = now;
      newMaster = agreed;
    }
    if (now > 30_000) throw new Error("no fail-over within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (kind === "kill") await master.start();
  else master.child!.kill("SIGCONT");
  await waitForMaster(members, { timeoutMs: 30_000 });
  // Let the returning realm settle (caught up, links stable) before the next sample.
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    kind,
    oldMaster: master.name,
    newMaster,
    detectionMs: round(detectionMs ?? failoverMs, 1),
    failoverMs: round(failoverMs, 1),
  };
}

function summarize(samples: FailoverSample[]) {
  const pick = (key: "detectionMs" | "failoverMs") => {
    const values = samples.map((s) => s[key]);
    return { median: round(median(values), 1), max: round(Math.max(...values), 1) };
  };
  return { runs: samples.length, detectionMs: pick("detectionMs"), failoverMs: pick("failoverMs") };
}

/** Publisher on `publishTo`, subscriber on `subscribeTo` (a follower, so replication is measured). */
async function pair(publishTo: string, subscribeTo: string, channel: string): Promise<PubSubPair> {
  const publisher = await RealmClient.connect(publishTo, { client: "bench publisher" });
  const subscriber = await RealmClient.connect(subscribeTo, { client: "bench subscriber" });
  return {
    async subscribe(onMessage) {
      await subscriber.subscribe(channel, { from: "latest" }, (event) => onMessage(event.data));
    },
    publish: (payload) => publisher.publish(channel, payload),
    flush: async () => {},
    async close() {
      await publisher.close();
      await subscriber.close();
    },
  };
}

async function throughput(publishTo: string, subscribeTo: string, name: string) {
  const slug = name.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
  const warm = await pair(publishTo, subscribeTo, `warm/${slug}`);
  await runPubSub(warm, { ...saturated, maxMessages: 5_000, maxSeconds: 2 });
  await warm.close();
  const run = await pair(publishTo, subscribeTo, `bench/${slug}`);
  const figures: RunFigures = await runPubSub(run, saturated);
  await run.close();
  console.log(
    `${name.padEnd(34)} ${String(figures.messagesPerSecond).padStart(7)} msg/s  p50 ${figures.latencyMs.p50} ms  p99 ${figures.latencyMs.p99} ms  lost ${figures.lost}`,
  );
  return figures;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "conclave-cluster-bench-"));
  const all: BenchMember[] = [];
  try {
    const single = await startBenchCluster(join(dir, "single"), ["solo"]);
    all.push(...single);
    const singleFigures = await throughput(single[0]!.url, single[0]!.url, "single realm");
    await single[0]!.kill("SIGTERM");

    const members = await startBenchCluster(join(dir, "cluster"), ["r1", "r2", "r3"]);
    all.push(...members);
    const master = await waitForMaster(members);
    const follower = members.find((m) => m !== master)!;
    const viaMaster = await throughput(
      master.url,
      follower.url,
      "3-realm cluster (publish on master)",
    );
    const other = members.find((m) => m !== master && m !== follower)!;
    const viaFollower = await throughput(
      follower.url,
      other.url,
      "3-realm cluster (publish on follower)",
    );

    const kills: FailoverSample[] = [];
    for (let i = 0; i < KILLS; i++) {
      const sample = await failOnce(members, "kill");
      kills.push(sample);
      console.log(
        `kill -9 ${i + 1}/${KILLS}: ${sample.oldMaster} → ${sample.newMaster}: detected ${sample.detectionMs} ms, new master ${sample.failoverMs} ms`,
      );
    }
    const hangs: FailoverSample[] = [];
    for (let i = 0; i < HANGS; i++) {
      const sample = await failOnce(members, "hang");
      hangs.push(sample);
      console.log(
        `SIGSTOP ${i + 1}/${HANGS}: ${sample.oldMaster} → ${sample.newMaster}: detected ${sample.detectionMs} ms, new master ${sample.failoverMs} ms`,
      );
    }
    const ratio = round(viaMaster.messagesPerSecond / singleFigures.messagesPerSecond, 3);
    const ratioFollower = round(viaFollower.messagesPerSecond / singleFigures.messagesPerSecond, 3);
    const results = {
      payloadBytes: saturated.payloadBytes,
      fsync: "always",
      timing: { heartbeatIntervalMs: 150, electionTimeoutMs: [600, 1200] },
      failover: { kill: summarize(kills), hang: summarize(hangs), samples: [...kills, ...hangs] },
      throughput: {
        single: singleFigures,
        clusterViaMaster: viaMaster,
        clusterViaFollower: viaFollower,
        ratioViaMaster: ratio,
        ratioViaFollower: ratioFollower,
      },
    };
    console.log("kill -9:", summarize(kills));
    console.log("SIGSTOP:", summarize(hangs));
    console.log(
      `replicated throughput: ${ratio} (via master), ${ratioFollower} (via follower) of a single realm`,
    );
    console.log(`results: ${saveResults("cluster", results)}`);
  } finally {
    for (const member of all) await member.kill("SIGKILL").catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
