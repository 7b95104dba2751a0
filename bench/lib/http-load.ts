import { Agent, request } from "node:http";
import { percentile, round } from "./stats.js";

/** What {@link httpLoad} measured. */
export interface HttpLoadResult {
  connections: number;
  durationSeconds: number;
  requests: number;
  errors: number;
  /** Answers by HTTP status; anything but 200 counts as an error too. */
  statuses: Record<string, number>;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

/**
 * A closed-loop HTTP/1.1 load generator: `connections` keep-alive connections, each sending
 * the next GET as soon as the previous answer is read, until `durationMs` passes or
 * `maxRequests` have been sent (both bound the loop). Lighter than fetch, so on a shared
 * 2-core machine the generator itself stays out of the way as far as it can; the Express
 * peer in the same run shows where that ceiling is.
 */
export async function httpLoad(options: {
  url: string;
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
  maxRequests?: number;
}): Promise<HttpLoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
  const maxRequests = options.maxRequests ?? 5_000_000;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          agent,
          headers: options.headers,
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => {
            latencies.push(performance.now() - t0);
            statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1;
            if (res.statusCode !== 200) errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        statuses.error = (statuses.error ?? 0) + 1;
        resolve();
      });
      req.end();
    });

  const loop = async () => {
    while (performance.now() < deadline && sent < maxRequests) {
      sent++;
      await once();
    }
  };
  await Promise.all(Array.from({ length: options.connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    connections: options.connections,
    durationSeconds: round(elapsed),
    requests: latencies.length,
    errors,
    statuses,
    requestsPerSecond: round(latencies.length / elapsed, 0),
    latencyMs: {
      p50: round(percentile(latencies, 50)),
      p90: round(percentile(latencies, 90)),
      p99: round(percentile(latencies, 99)),
      max: round(latencies.at(-1) ?? Number.NaN),
    },
  };
}
