import type { PubSubPair } from "./endpoint.js";
import { percentile, round } from "./stats.js";

/** Writes a send timestamp and a sequence number into the first 16 bytes of the payload. */
function stamp(payload: Uint8Array, seq: number): Uint8Array {
  const copy = new Uint8Array(payload);
  const view = new DataView(copy.buffer);
  view.setFloat64(0, performance.now());
  view.setUint32(8, seq);
  return copy;
}

function readStamp(payload: Uint8Array): { sentAt: number; seq: number } {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return { sentAt: view.getFloat64(0), seq: view.getUint32(8) };
}

export interface RunFigures {
  messages: number;
  seconds: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  lost: number;
  outOfOrder: number;
}

export interface RunOptions {
  payloadBytes: number;
  /** Upper bound on messages sent. */
  maxMessages: number;
  /** Upper bound on time spent publishing. */
  maxSeconds: number;
  /** Messages per second, or undefined to publish as fast as the transport accepts. */
  rate?: number;
  /** Publishes awaiting an acknowledgement at most (ack-based transports). */
  window: number;
}

/**
 * Publishes stamped messages and measures what the subscriber receives: throughput over the
 * span from the first publish to the last delivery, and publish-to-deliver latency.
 */
export async function runPubSub(pair: PubSubPair, options: RunOptions): Promise<RunFigures> {
  const latencies: number[] = [];
  let received = 0;
  let lastSeq = -1;
  let outOfOrder = 0;
  let allDelivered: () => void = () => {};
  let expected = Number.POSITIVE_INFINITY;
  const done = new Promise<void>((resolve) => {
    allDelivered = resolve;
  });
  await pair.subscribe((payload) => {
    const { sentAt, seq } = readStamp(payload);
    latencies.push(performance.now() - sentAt);
    if (seq <= lastSeq) outOfOrder++;
    lastSeq = seq;
    received++;
    if (received >= expected) allDelivered();
  });

  const template = new Uint8Array(options.payloadBytes).fill(120);
  const inFlight = new Set<Promise<unknown>>();
  const started = performance.now();
  const deadline = started + options.maxSeconds * 1000;
  let sent = 0;
  while (sent < options.maxMessages && performance.now() < deadline) {
    if (options.rate) {
      const due = started + (sent / options.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const pending = pair.publish(stamp(template, sent));
    sent++;
    if (pending) {
      inFlight.add(pending);
      void pending.finally(() => inFlight.delete(pending));
      if (inFlight.size >= options.window) await Promise.race(inFlight);
    } else {
      const full = pair.backpressure?.();
      if (full) await full;
      // Yield now and then so deliveries to the subscriber in this process are handled.
      else if (sent % 256 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await Promise.all(inFlight);
  await pair.flush();
  expected = sent;
  if (received >= expected) allDelivered();
  await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 30_000))]);
  const seconds = (performance.now() - started) / 1000;

  latencies.sort((a, b) => a - b);
  return {
    messages: received,
    seconds: round(seconds, 3),
    messagesPerSecond: Math.round(received / seconds),
    megabytesPerSecond: round((received * options.payloadBytes) / seconds / 2 ** 20),
    latencyMs: {
      p50: round(percentile(latencies, 50), 3),
      p99: round(percentile(latencies, 99), 3),
      max: round(latencies.at(-1) ?? Number.NaN, 3),
    },
    lost: sent - received,
    outOfOrder,
  };
}
