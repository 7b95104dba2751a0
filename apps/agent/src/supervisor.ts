import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  type RealmSpec,
  RealmSpecSchema,
  type RealmStatus,
  type SupervisedRealm,
} from "@conclave/protocol";
import { z } from "zod";
import { type BackoffPolicy, DEFAULT_BACKOFF } from "./backoff.js";
import { writeFileAtomic, writeRealmConfig } from "./realm-files.js";
import { RealmProcess } from "./realm-process.js";
import { SupervisorError } from "./supervisor-errors.js";

export interface SupervisorOptions {
  /** Where the agent keeps its state and one data directory per realm (`realms/<name>`). */
  stateDir: string;
  /** The realm server's entry point (apps/realm/dist/main.js). */
  realmEntry: string;
  backoff?: BackoffPolicy;
}

/** What survives an agent restart: which realms exist and which should be running. */
const SupervisorStateSchema = z.object({
  realms: z.array(z.object({ name: z.string(), wanted: z.boolean() })),
});

/**
 * Supervises the realm processes on this host: creates their data directories and realm.json,
 * starts and stops them, restarts them after a crash with back-off, and reads their status.
 */
export class Supervisor {
  private readonly realms = new Map<string, RealmProcess>();
  private readonly wanted = new Map<string, boolean>();
  private readonly changeListeners = new Set<() => void>();

  private constructor(private readonly options: SupervisorOptions) {}

  /** Opens the agent's state and starts every realm that was running when it last stopped. */
  static async open(options: SupervisorOptions): Promise<Supervisor> {
    const supervisor = new Supervisor(options);
    const state = await supervisor.readState();
    for (const realm of state.realms) {
      supervisor.realms.set(realm.name, supervisor.processFor(realm.name));
      supervisor.wanted.set(realm.name, realm.wanted);
    }
    await Promise.allSettled(
      state.realms.filter((r) => r.wanted).map((r) => supervisor.realms.get(r.name)!.start()),
    );
    return supervisor;
  }

  /** Creates a realm's data directory and realm.json, and starts it unless told not to. */
  async create(input: RealmSpec, options: { start?: boolean } = {}): Promise<RealmProcess> {
    const spec = RealmSpecSchema.parse(input);
    if (this.realms.has(spec.name)) {
      throw new SupervisorError("REALM_EXISTS", `Realm ${spec.name} already exists on this host`);
    }
    await writeRealmConfig(this.dataDir(spec.name), { ...spec.config, name: spec.name });
    const realm = this.processFor(spec.name);
    this.realms.set(spec.name, realm);
    const start = options.start ?? true;
    this.wanted.set(spec.name, start);
    await this.saveState();
    if (start) await realm.start();
    return realm;
  }

  get(name: string): RealmProcess {
    const realm = this.realms.get(name);
    if (!realm) throw new SupervisorError("REALM_NOT_FOUND", `No realm ${name} on this host`);
    return realm;
  }

  /** Whether the agent keeps `name` running. */
  isWanted(name: string): boolean {
    return this.wanted.get(name) ?? false;
  }

  /** Calls `listener` whenever any realm changes process state; returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /**
   * Replaces a realm's realm.json. The realm reads it when it next starts; a running realm
   * takes changes through its admin endpoint instead (see applyRealm).
   */
  async writeConfig(name: string, config: RealmSpec["config"]): Promise<void> {
    this.get(name);
    await writeRealmConfig(this.dataDir(name), { ...config, name });
  }

  names(): string[] {
    return [...this.realms.keys()].sort();
  }

  async start(name: string): Promise<void> {
    const realm = this.get(name);
    await this.setWanted(name, true);
    await realm.start();
  }

  async stop(name: string): Promise<void> {
    const realm = this.get(name);
    await this.setWanted(name, false);
    await realm.stop();
  }

  async restart(name: string): Promise<void> {
    const realm = this.get(name);
    await this.setWanted(name, true);
    await realm.restart();
  }

  /** Stops the realm and removes its data directory, channel logs included. */
  async delete(name: string): Promise<void> {
    const realm = this.get(name);
    await realm.stop();
    this.realms.delete(name);
    this.wanted.delete(name);
    await this.saveState();
    await rm(this.dataDir(name), { recursive: true, force: true });
  }

  /** Every realm with its process state and, when it answers, its own status. */
  async report(): Promise<SupervisedRealm[]> {
    return Promise.all(
      this.names().map(async (name) => {
        const realm = this.realms.get(name)!;
        let status: RealmStatus | null = null;
        if (realm.state === "running") status = await realm.admin.status().catch(() => null);
        return { ...realm.info(), status };
      }),
    );
  }

  /** Stops every realm; used when the agent itself stops. Their wanted state is kept. */
  async shutdown(): Promise<void> {
    await Promise.allSettled([...this.realms.values()].map((realm) => realm.stop()));
  }

  dataDir(name: string): string {
    return join(this.options.stateDir, "realms", name);
  }

  private processFor(name: string): RealmProcess {
    const realm = new RealmProcess({
      name,
      dataDir: this.dataDir(name),
      realmEntry: this.options.realmEntry,
      backoff: this.options.backoff ?? DEFAULT_BACKOFF,
    });
    realm.on("state", () => {
      for (const listener of this.changeListeners) listener();
    });
    return realm;
  }

  private async setWanted(name: string, wanted: boolean): Promise<void> {
    this.wanted.set(name, wanted);
    await this.saveState();
  }

  private get statePath(): string {
    return join(this.options.stateDir, "supervisor.json");
  }

  private async readState(): Promise<z.infer<typeof SupervisorStateSchema>> {
    try {
      return SupervisorStateSchema.parse(JSON.parse(await readFile(this.statePath, "utf8")));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { realms: [] };
      throw new Error(`Agent state ${this.statePath} is unreadable: ${(error as Error).message}`);
    }
  }

  private saveState(): Promise<void> {
    const realms = this.names().map((name) => ({ name, wanted: this.wanted.get(name) ?? false }));
    return writeFileAtomic(this.statePath, `${JSON.stringify({ realms }, null, 2)}\n`);
  }
}
