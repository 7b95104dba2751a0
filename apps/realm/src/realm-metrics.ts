import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";
import type { ChannelStore } from "./channels/channel-store.js";

const RESOLUTION_MS = 10;

/** Events per second and event-loop delay, sampled once a second for status. */
export class RealmMetrics {
  inPerSecond = 0;
  outPerSecond = 0;
  private lastIn = 0;
  private lastOut = 0;
  private lastAt = performance.now();
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private windows = 0;

  constructor(private readonly store: ChannelStore) {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), 1_000);
    this.timer.unref();
  }

  /** Event-loop delay over roughly the last minute (ms). */
  eventLoopDelayMs(): { mean: number; p99: number; max: number } {
    // The histogram records whole sampling intervals; the delay is what exceeds the resolution.
    const ms = (ns: number) =>
      Number.isFinite(ns) ? Math.max(0, Math.round((ns - RESOLUTION_MS * 1e6) / 1e4) / 100) : 0;
    return {
      mean: ms(this.histogram.mean),
      p99: ms(this.histogram.percentile(99)),
      max: ms(this.histogram.max),
    };
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private sample(): void {
    const now = performance.now();
    const seconds = (now - this.lastAt) / 1000;
    this.inPerSecond = Math.round((this.store.totalIn - this.lastIn) / seconds);
    this.outPerSecond = Math.round((this.store.totalOut - this.lastOut) / seconds);
    this.lastIn = this.store.totalIn;
    this.lastOut = this.store.totalOut;
    this.lastAt = now;
    // Start a fresh delay window every minute so status shows recent behaviour.
    if (++this.windows % 60 === 0) this.histogram.reset();
  }
}
