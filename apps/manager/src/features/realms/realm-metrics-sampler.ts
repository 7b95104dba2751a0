import type { RealmMetricsSample, RealmStatus } from "@conclave/protocol";
import { loadFleetRows } from "../../store/fleet-rows.js";
import type { Fleet } from "../agents/fleet.js";
import { SampleRing } from "./sample-ring.js";

/** How often a realm's figures are sampled from its agent's last report. */
export const REALM_METRICS_INTERVAL_MS = 10_000;

/** How far back history reaches. */
export const REALM_METRICS_MAX_AGE_MS = 60 * 60_000;

// A few spare slots so timer jitter never pushes the hour's first samples out early.
const CAPACITY = Math.ceil(REALM_METRICS_MAX_AGE_MS / REALM_METRICS_INTERVAL_MS) + 10;

interface Track {
  ring: SampleRing<RealmMetricsSample>;
  /** The realm's clock, pid and event totals at the last sample, to derive average rates. */
  statusTime: number;
  pid: number;
  totalIn: number;
  totalOut: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The last hour of every realm's figures, sampled every 10 s from the agents' reports as
 * stored (so each replica sees every agent's, whichever replica the agent reports to). Kept
 * in memory only: history is per replica and starts empty when the manager starts.
 */
export class RealmMetricsSampler {
  private readonly tracks = new Map<string, Track>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly fleet: Pick<Fleet, "db" | "logger" | "bus">,
    private readonly intervalMs = REALM_METRICS_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.sampleSoon(), this.intervalMs);
    this.timer.unref();
    this.fleet.bus.onClose(() => this.stop());
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The realm's samples of the last `minutes`, oldest first. */
  samples(realm: string, minutes: number, now = Date.now()): RealmMetricsSample[] {
    return this.tracks.get(realm)?.ring.since(now - minutes * 60_000, now) ?? [];
  }

  private sampleSoon(): void {
    // A slow store must not pile up overlapping passes; the next tick samples again.
    if (this.running) return;
    this.running = true;
    this.sample()
      .catch((error: unknown) => this.fleet.logger.debug("realm metrics sample failed", { error }))
      .finally(() => {
        this.running = false;
      });
  }

  /** One pass: a sample for every realm whose agent is connected and sent a new status. */
  async sample(): Promise<void> {
    const rows = await loadFleetRows(this.fleet.db);
    for (const realm of rows.realms) {
      const agent = rows.agentsById.get(realm.agentId);
      if (!agent?.connected || !agent.lastSeenAt) continue;
      const status = agent.lastReport?.realms.find((r) => r.name === realm.name)?.status;
      if (status) this.record(realm.name, status, new Date(agent.lastSeenAt).getTime());
    }
    for (const [name, track] of this.tracks) {
      track.ring.prune(Date.now());
      if (!rows.realmsByName.has(name) || track.ring.size === 0) this.tracks.delete(name);
    }
  }

  private record(realm: string, status: RealmStatus, at: number): void {
    let track = this.tracks.get(realm);
    // The agent has not reported since the last sample: no new point, so gaps stay visible.
    if (track && track.statusTime === status.time) return;
    const last = track?.ring.last();
    if (last && at <= last.at) return;
    const { events } = status;
    // Average over the whole interval from the realm's own totals, unless it restarted in
    // between (totals start again at 0): the one-second rate it reports is only a glimpse.
    const seconds =
      track &&
      track.pid === status.pid &&
      events.totalIn >= track.totalIn &&
      events.totalOut >= track.totalOut
        ? (status.time - track.statusTime) / 1000
        : 0;
    const sample: RealmMetricsSample = {
      at,
      connections: status.connections,
      eventsInPerSecond:
        seconds > 0 && track
          ? round1((events.totalIn - track.totalIn) / seconds)
          : events.inPerSecond,
      eventsOutPerSecond:
        seconds > 0 && track
          ? round1((events.totalOut - track.totalOut) / seconds)
          : events.outPerSecond,
      rssBytes: status.memory.rssBytes,
      heapUsedBytes: status.memory.heapUsedBytes,
      eventLoopDelayMeanMs: status.eventLoopDelayMs.mean,
      eventLoopDelayP99Ms: status.eventLoopDelayMs.p99,
    };
    if (!track) {
      track = {
        ring: new SampleRing(CAPACITY, REALM_METRICS_MAX_AGE_MS),
        statusTime: 0,
        pid: 0,
        totalIn: 0,
        totalOut: 0,
      };
      this.tracks.set(realm, track);
    }
    track.ring.push(sample);
    track.statusTime = status.time;
    track.pid = status.pid;
    track.totalIn = events.totalIn;
    track.totalOut = events.totalOut;
  }
}
