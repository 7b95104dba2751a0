import { networkInterfaces } from "node:os";
import { type AgentReport, AgentReportAckSchema } from "@conclave/protocol";
import type { AgentIdentity } from "./agent-identity.js";
import { collectRealms } from "./collect-realms.js";
import { httpsJson } from "./https-json.js";
import type { Supervisor } from "./supervisor.js";
import { AGENT_VERSION } from "./version.js";

export interface ReporterOptions {
  identity: AgentIdentity;
  supervisor: Supervisor;
  hostname: string;
  /** The agent API's URL, as the manager should dial it. */
  url: string;
  intervalMs?: number;
  log: (level: "info" | "warn", msg: string, fields?: Record<string, unknown>) => void;
}

/**
 * Reports to the manager once a second over mutual TLS, and at once when a realm changes
 * state. While the manager is away the realms keep running and the reporter keeps trying; the
 * first report that gets through re-syncs the manager's view of this host.
 */
export class Reporter {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private again = false;
  private stopped = false;
  private lastRoundTripMs: number | null = null;
  private managerReachable: boolean | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: ReporterOptions) {
    this.unsubscribe = options.supervisor.onChange(() => this.reportSoon());
  }

  start(): void {
    this.schedule(0);
  }

  /** Sends a report now (after the one in flight), e.g. after a change the manager made. */
  reportSoon(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.schedule(20);
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    this.running = true;
    try {
      await this.send();
    } finally {
      this.running = false;
      const next = this.again ? 0 : (this.options.intervalMs ?? 1000);
      this.again = false;
      this.schedule(next);
    }
  }

  /** Builds and sends one report; failures are logged once per outage. */
  async send(): Promise<void> {
    const { identity } = this.options;
    const report: AgentReport = {
      hostname: this.options.hostname,
      addresses: localAddresses(),
      url: this.options.url,
      version: AGENT_VERSION,
      time: Date.now(),
      lastRoundTripMs: this.lastRoundTripMs,
      realms: await collectRealms(this.options.supervisor),
    };
    // The clock reading goes in last: collecting realm status takes a few milliseconds.
    const sentAt = Date.now();
    report.time = sentAt;
    try {
      AgentReportAckSchema.parse(
        await httpsJson(
          `${identity.managerUrl}/agent/v1/report`,
          "POST",
          report,
          { ca: identity.caPem, cert: identity.certPem, key: identity.keyPem },
          5_000,
        ),
      );
      this.lastRoundTripMs = Date.now() - sentAt;
      if (this.managerReachable !== true) {
        this.options.log("info", "reporting to the manager", { manager: identity.managerUrl });
      }
      this.managerReachable = true;
    } catch (error) {
      if (this.managerReachable !== false) {
        this.options.log(
          "warn",
          "manager unreachable; realms keep running, retrying every second",
          {
            manager: identity.managerUrl,
            error: (error as Error).message,
          },
        );
      }
      this.managerReachable = false;
    }
  }
}

/** Non-internal IPv4 and IPv6 addresses of this host, loopback last. */
export function localAddresses(): string[] {
  const all = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  const external = all.filter((a) => !a.internal).map((a) => a.address);
  const internal = all.filter((a) => a.internal).map((a) => a.address);
  return [...new Set([...external, ...internal])];
}
