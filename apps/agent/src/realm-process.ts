import { type ChildProcess, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import type { RealmExit, RealmProcessInfo, RealmProcessState } from "@conclave/protocol";
import { RealmAdminClient } from "@conclave/realm-client";
import { type BackoffPolicy, backoffDelay } from "./backoff.js";
import { LogRing } from "./log-ring.js";

export interface RealmProcessOptions {
  name: string;
  dataDir: string;
  /** The realm server's entry point (apps/realm/dist/main.js). */
  realmEntry: string;
  backoff: BackoffPolicy;
  /** How long a realm gets to exit after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

/** Events: "state" (info) on every state change, "log" (line) for every line of output. */
export class RealmProcess extends EventEmitter {
  private child: ChildProcess | null = null;
  private currentState: RealmProcessState = "stopped";
  private wanted = false;
  private startedAt: number | null = null;
  private restarts = 0;
  private attempt = 0;
  private lastExit: RealmExit | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private nextRestartAt: number | null = null;
  private readonly output = new LogRing(500);
  readonly admin: RealmAdminClient;

  constructor(private readonly options: RealmProcessOptions) {
    super();
    this.admin = new RealmAdminClient(join(options.dataDir, "admin.sock"), 5_000);
  }

  get state(): RealmProcessState {
    return this.currentState;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  info(): RealmProcessInfo {
    return {
      name: this.options.name,
      state: this.currentState,
      pid: this.pid,
      dataDir: this.options.dataDir,
      startedAt: this.startedAt === null ? null : new Date(this.startedAt).toISOString(),
      restarts: this.restarts,
      lastExit: this.lastExit,
      nextRestartAt:
        this.nextRestartAt === null ? null : new Date(this.nextRestartAt).toISOString(),
    };
  }

  /** The realm's latest output lines (stdout and stderr), oldest first. */
  logs(count?: number): string[] {
    return this.output.tail(count);
  }

  /** Starts the realm and keeps it running until {@link stop}. Resolves once it answers. */
  async start(): Promise<void> {
    this.wanted = true;
    this.attempt = 0;
    if (this.child) return this.waitUntilRunning();
    this.cancelRestart();
    this.spawnChild();
    return this.waitUntilRunning();
  }

  /** Stops the realm (SIGTERM, then SIGKILL after the stop timeout) and keeps it stopped. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.cancelRestart();
    const child = this.child;
    if (!child) {
      this.setState("stopped");
      return;
    }
    this.setState("stopping");
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), this.options.stopTimeoutMs ?? 10_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private spawnChild(): void {
    const child = spawn(
      process.execPath,
      [this.options.realmEntry, "--data", this.options.dataDir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child = child;
    this.startedAt = Date.now();
    this.setState("starting");
    const onOutput = (chunk: Buffer) => {
      this.output.push(chunk);
      this.emit("log", chunk.toString());
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    child.once("exit", (code, signal) => this.onExit(child, code, signal));
    void this.watchUntilAnswering(child);
  }

  /** Polls the admin endpoint until the new process answers, then reports it running. */
  private async watchUntilAnswering(child: ChildProcess): Promise<void> {
    while (this.child === child && this.currentState === "starting") {
      try {
        await this.admin.status();
        if (this.child === child && this.currentState === "starting") this.setState("running");
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    const ranFor = Date.now() - (this.startedAt ?? Date.now());
    this.child = null;
    this.lastExit = {
      code,
      signal,
      at: new Date().toISOString(),
      lastLines: this.output.tail(20),
    };
    if (!this.wanted) {
      this.setState("stopped");
      return;
    }
    if (ranFor >= this.options.backoff.stableAfterMs) this.attempt = 0;
    const delay = backoffDelay(this.options.backoff, this.attempt++);
    this.nextRestartAt = Date.now() + delay;
    this.setState("backoff");
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.nextRestartAt = null;
      this.restarts++;
      this.spawnChild();
    }, delay);
  }

  private waitUntilRunning(): Promise<void> {
    if (this.currentState === "running") return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onState = (info: RealmProcessInfo) => {
        if (info.state === "running") {
          this.off("state", onState);
          resolve();
        } else if (info.state === "backoff" || info.state === "stopped") {
          this.off("state", onState);
          const lines = this.lastExit?.lastLines.slice(-5).join("\n") ?? "";
          reject(new Error(`Realm ${this.options.name} exited while starting:\n${lines}`));
        }
      };
      this.on("state", onState);
    });
  }

  private cancelRestart(): void {
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.nextRestartAt = null;
  }

  private setState(state: RealmProcessState): void {
    this.currentState = state;
    this.emit("state", this.info());
  }
}
