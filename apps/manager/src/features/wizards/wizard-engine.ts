import { randomUUID } from "node:crypto";
import type {
  WizardAction,
  WizardFinding,
  WizardKind,
  WizardState,
  WizardStep,
} from "@conclave/protocol";
import { ConflictError, InputError, NotFoundError } from "../../http/errors.js";
import type { Logger } from "../../logging/logger.js";
import { type AuditActor, AuditRepo } from "../../store/audit.repo.js";
import type { Db } from "../../store/db.js";
import { type WizardEnding, type WizardRecord, WizardsRepo } from "../../store/wizards.repo.js";
import type { EventBus } from "../events/event-bus.js";
import type { StepContext, WizardKindDefinition, WizardStepDefinition } from "./wizard-step.js";

export interface WizardEngineOptions {
  db: Db;
  bus: EventBus;
  logger: Logger;
  kinds: Partial<Record<WizardKind, WizardKindDefinition>>;
  /** How long a claim on a wizard holds without renewal (replicas on PostgreSQL). */
  leaseMs?: number;
}

/** Who asked for an action, for the audit log. */
export interface WizardCaller {
  actor: AuditActor;
  ip: string | null;
}

export interface NewWizard {
  kind: WizardKind;
  cluster: string;
  options: Record<string, unknown>;
  snapshot: Record<string, unknown>;
  steps: { name: string; title: string }[];
  createdBy: string;
}

const now = () => new Date().toISOString();
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const TERMINAL: readonly WizardState[] = ["completed", "cancelled", "rolledBack"];

/**
 * Runs wizards: persisted state machines of idempotent steps. One driver per wizard (and a
 * cluster has at most one active wizard, enforced by the store), each step's status written
 * before and after it runs, every step start, finish and failure in the audit log and on the
 * event bus (`wizard.progress`). Actions (pause, resume, acknowledge, cancel, rollback) change
 * the stored state; the driver reads it before each step, so a pause takes effect once the
 * step in flight has finished. After a restart {@link start} picks up wizards that were
 * running or rolling back at the step they were in.
 */
export class WizardEngine {
  readonly runner = randomUUID();
  private readonly db: Db;
  private readonly bus: EventBus;
  private readonly logger: Logger;
  private readonly kinds: Partial<Record<WizardKind, WizardKindDefinition>>;
  private readonly leaseMs: number;
  private readonly drivers = new Map<string, { again: boolean; done: Promise<void> }>();
  private readonly abort = new AbortController();
  private scanner: NodeJS.Timeout | undefined;
  private started = false;

  constructor(options: WizardEngineOptions) {
    this.db = options.db;
    this.bus = options.bus;
    this.logger = options.logger;
    this.kinds = options.kinds;
    this.leaseMs = options.leaseMs ?? 30_000;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  /**
   * Resumes every wizard that was running or rolling back. On the embedded store claims left
   * by a killed predecessor are taken over at once; with PostgreSQL a claim is taken when its
   * lease has run out, checked every few seconds.
   */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    for (const wizard of await new WizardsRepo(this.db).listDriven()) {
      this.logger.info("wizard resumed", { wizard: wizard.id, state: wizard.state });
      this.kick(wizard.id);
    }
    if (!this.soleWriter) {
      this.scanner = setInterval(() => {
        new WizardsRepo(this.db)
          .listDriven()
          .then((list) => {
            for (const w of list) if (!this.drivers.has(w.id)) this.kick(w.id);
          })
          .catch((error: unknown) => this.logger.warn("wizard scan failed", { error }));
      }, this.leaseMs / 3);
      this.scanner.unref();
    }
  }

  /** Stops driving: steps waiting on something give up; they resume at the next start. */
  async stop(): Promise<void> {
    this.abort.abort();
    if (this.scanner) clearInterval(this.scanner);
    await Promise.race([this.idle(), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }

  /** Resolves when no wizard is being driven in this process (tests). */
  async idle(): Promise<void> {
    while (this.drivers.size > 0) {
      await Promise.all([...this.drivers.values()].map((d) => d.done));
    }
  }

  async create(input: NewWizard, caller: WizardCaller): Promise<WizardRecord> {
    if (!this.kinds[input.kind]) {
      throw new InputError(`Wizards of kind ${input.kind} are not available yet`);
    }
    const steps: WizardStep[] = input.steps.map((s) => ({
      name: s.name,
      title: s.title,
      status: "pending",
      startedAt: null,
      finishedAt: null,
      evidence: [],
      error: null,
    }));
    const record = await this.db.transaction(async (tx) => {
      const repo = new WizardsRepo(tx);
      const active = await repo.activeFor(input.cluster);
      const created = active
        ? null
        : await repo.create({ ...input, id: randomUUID(), state: "running", steps });
      if (!created) {
        throw new ConflictError(
          `Cluster ${input.cluster} already has an active wizard${active ? ` (${active.id}, ${active.state})` : ""}; finish, cancel or roll it back first`,
        );
      }
      await this.audit(tx, caller.actor, "wizard.create", created, {
        kind: created.kind,
        cluster: created.cluster,
        options: created.options,
        steps: steps.map((s) => s.name),
      });
      return created;
    });
    await this.publish(record, null);
    this.kick(record.id);
    return record;
  }

  /** pause · resume · acknowledge · cancel · rollback (see docs/wizards.md for each state). */
  async act(
    id: string,
    action: WizardAction,
    caller: WizardCaller,
    findingIds?: string[],
  ): Promise<WizardRecord> {
    const updated = await this.db.transaction(async (tx) => {
      const repo = new WizardsRepo(tx);
      const wizard = await repo.findForUpdate(id);
      if (!wizard) throw new NotFoundError(`No wizard with id ${id}`);
      const refuse = (what: string) => new ConflictError(`The wizard is ${wizard.state}: ${what}`);
      let patch: Parameters<WizardsRepo["update"]>[1];
      switch (action) {
        case "pause":
          if (wizard.state !== "running") throw refuse("only a running wizard can be paused");
          patch = { state: "paused" };
          break;
        case "resume":
          if (wizard.state !== "paused" && wizard.state !== "failed") {
            throw refuse("only a paused or failed wizard can be resumed");
          }
          patch = { state: "running" };
          break;
        case "acknowledge":
          if (wizard.state !== "awaitingAcknowledgement") {
            throw refuse("there are no warnings waiting for an acknowledgement");
          }
          patch = acknowledge(wizard.findings, findingIds);
          break;
        case "cancel":
        case "rollback": {
          if (wizard.state === "rollingBack" || TERMINAL.includes(wizard.state)) {
            if (!(action === "rollback" && wizard.state === "completed")) {
              throw refuse(`there is nothing to ${action === "cancel" ? "cancel" : "roll back"}`);
            }
          }
          if (wizard.state === "completed") {
            const other = await repo.activeFor(wizard.cluster);
            if (other)
              throw refuse(`cluster ${wizard.cluster} has another active wizard (${other.id})`);
          }
          const ending: WizardEnding = action;
          // Blocked: pre-flight changed nothing, so there is nothing to undo.
          patch =
            wizard.state === "blocked"
              ? { state: action === "cancel" ? "cancelled" : "rolledBack", ending }
              : { state: "rollingBack", ending };
          break;
        }
      }
      const next = await repo.update(id, patch);
      await this.audit(tx, caller.actor, `wizard.${action}`, wizard, {
        from: wizard.state,
        to: next!.state,
        ...(findingIds ? { findings: findingIds } : {}),
      });
      return next!;
    });
    await this.publish(updated, null);
    if (updated.state === "running" || updated.state === "rollingBack") this.kick(id);
    return updated;
  }

  /**
   * On the embedded store this process is the only writer: a claim left by a killed
   * predecessor is stale, so claims are taken regardless.
   */
  private get soleWriter(): boolean {
    return this.db.dialect === "pglite";
  }

  /** Makes sure a driver runs for the wizard (a running one looks at the state again). */
  kick(id: string): void {
    if (this.stopped) return;
    const existing = this.drivers.get(id);
    if (existing) {
      existing.again = true;
      return;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          await this.drive(id);
        } while (entry.again && !this.stopped);
      } catch (error) {
        this.logger.error("wizard driver failed", { wizard: id, error });
      } finally {
        this.drivers.delete(id);
      }
    })();
    this.drivers.set(id, entry);
  }

  private async drive(id: string): Promise<void> {
    const repo = new WizardsRepo(this.db);
    if (!(await repo.claim(id, this.runner, this.leaseMs, this.soleWriter))) return;
    const heartbeat = setInterval(() => {
      repo
        .claim(id, this.runner, this.leaseMs)
        .catch((error: unknown) => this.logger.warn("wizard lease renewal failed", { error }));
    }, this.leaseMs / 3);
    heartbeat.unref();
    try {
      for (;;) {
        if (this.stopped) return;
        const wizard = await repo.find(id);
        if (!wizard) return;
        let more = false;
        if (wizard.state === "running") more = await this.forward(wizard);
        else if (wizard.state === "rollingBack") more = await this.backward(wizard);
        if (!more) return;
      }
    } finally {
      clearInterval(heartbeat);
      if (!this.stopped) await repo.release(id, this.runner).catch(() => {});
    }
  }

  private definitions(wizard: WizardRecord): Map<string, WizardStepDefinition> {
    const kind = this.kinds[wizard.kind];
    return new Map((kind?.steps(wizard) ?? []).map((d) => [d.name, d]));
  }

  /** Runs the next step that is not done; answers whether to look at the wizard again. */
  private async forward(wizard: WizardRecord): Promise<boolean> {
    const index = wizard.steps.findIndex((s) => s.status !== "done");
    if (index < 0) {
      const done = await this.transition(wizard.id, ["running"], { state: "completed" });
      if (done) await this.audit(this.db, null, "wizard.complete", done, {});
      return false;
    }
    const step = wizard.steps[index]!;
    const definition = this.definitions(wizard).get(step.name);
    let w = await this.saveStep(wizard, index, {
      status: "running",
      startedAt: now(),
      finishedAt: null,
      error: null,
    });
    await this.audit(this.db, null, "wizard.step.start", w, { step: step.name });
    const tracker = { findingsSet: false };
    const ctx = this.context(
      () => w,
      index,
      (next) => (w = next),
      tracker,
    );
    try {
      if (!definition) throw new Error(`This manager does not know the step ${step.name}`);
      await definition.run(ctx);
    } catch (error) {
      // A step cut short by the manager stopping is not a failure: it runs again at the start.
      if (this.stopped) return false;
      const message = messageOf(error);
      w = await this.saveStep(w, index, { status: "failed", finishedAt: now(), error: message });
      await this.audit(this.db, null, "wizard.step.fail", w, { step: step.name, error: message });
      this.logger.warn("wizard step failed", { wizard: w.id, step: step.name, error: message });
      await this.transition(w.id, ["running", "paused"], { state: "failed" });
      return true;
    }
    const findings = w.findings;
    const blocked = tracker.findingsSet && findings.some((f) => f.severity === "error");
    const waiting =
      tracker.findingsSet && findings.some((f) => f.severity === "warning" && !f.acknowledged);
    if (blocked) {
      const errors = findings.filter((f) => f.severity === "error").length;
      const message = `Pre-flight found ${errors} ${errors === 1 ? "error" : "errors"}; nothing was changed. Fix them and start a new wizard`;
      w = await this.saveStep(w, index, { status: "failed", finishedAt: now(), error: message });
      await this.audit(this.db, null, "wizard.step.fail", w, { step: step.name, error: message });
      await this.transition(w.id, ["running", "paused"], { state: "blocked" });
      return true;
    }
    w = await this.saveStep(w, index, { status: "done", finishedAt: now() });
    await this.audit(this.db, null, "wizard.step.done", w, {
      step: step.name,
      evidence: w.steps[index]!.evidence.map((e) => e.message),
    });
    if (waiting) {
      await this.transition(w.id, ["running"], { state: "awaitingAcknowledgement" });
    }
    return true;
  }

  /** Rolls back the last step that changed something; answers whether to look again. */
  private async backward(wizard: WizardRecord): Promise<boolean> {
    let index = -1;
    for (let i = wizard.steps.length - 1; i >= 0; i--) {
      const status = wizard.steps[i]!.status;
      if (status === "done" || status === "failed" || status === "running") {
        index = i;
        break;
      }
    }
    if (index < 0) {
      const state: WizardState = wizard.ending === "cancel" ? "cancelled" : "rolledBack";
      const ended = await this.transition(wizard.id, ["rollingBack"], { state });
      if (ended) await this.audit(this.db, null, `wizard.${state}`, ended, {});
      return false;
    }
    const step = wizard.steps[index]!;
    const definition = this.definitions(wizard).get(step.name);
    let w = wizard;
    const ctx = this.context(
      () => w,
      index,
      (next) => (w = next),
      { findingsSet: false },
    );
    await this.audit(this.db, null, "wizard.step.rollback", w, { step: step.name });
    await ctx.evidence("Rolling back");
    try {
      if (!definition) throw new Error(`This manager does not know the step ${step.name}`);
      await definition.rollback(ctx);
    } catch (error) {
      if (this.stopped) return false;
      const message = `Rollback failed: ${messageOf(error)}`;
      // The step's own failure stays in view: it is usually why the rollback could not work.
      const cause = w.steps[index]?.error?.split(/(?:^|\. )Rollback failed: /)[0];
      w = await this.saveStep(w, index, { error: cause ? `${cause}. ${message}` : message });
      await this.audit(this.db, null, "wizard.step.rollback_fail", w, {
        step: step.name,
        error: message,
      });
      this.logger.warn("wizard rollback failed", { wizard: w.id, step: step.name, error });
      await this.transition(w.id, ["rollingBack"], { state: "failed" });
      return true;
    }
    w = await this.saveStep(w, index, { status: "rolledBack", finishedAt: now(), error: null });
    await this.audit(this.db, null, "wizard.step.rolled_back", w, { step: step.name });
    return true;
  }

  private context(
    current: () => WizardRecord,
    index: number,
    replace: (next: WizardRecord) => void,
    tracker: { findingsSet: boolean },
  ): StepContext {
    const repo = new WizardsRepo(this.db);
    const wizard = current();
    const snapshot = structuredClone(wizard.snapshot);
    const save = async (patch: Parameters<WizardsRepo["update"]>[1], publish = false) => {
      const next = await repo.update(wizard.id, patch);
      if (!next) throw new Error(`Wizard ${wizard.id} is gone`);
      replace(next);
      if (publish) await this.publish(next, next.steps[index]?.name ?? null);
      return next;
    };
    return {
      wizard,
      snapshot,
      signal: this.abort.signal,
      logger: this.logger,
      saveSnapshot: async () => {
        await save({ snapshot });
      },
      evidence: async (message, realm = null) => {
        const steps = structuredClone(current().steps);
        steps[index]!.evidence.push({ at: now(), message, realm });
        await save({ steps }, true);
      },
      setFindings: async (findings: WizardFinding[]) => {
        tracker.findingsSet = true;
        await save({ findings });
      },
      setReport: async (report) => {
        await save({ report }, true);
      },
    };
  }

  private async saveStep(
    wizard: WizardRecord,
    index: number,
    patch: Partial<WizardStep>,
  ): Promise<WizardRecord> {
    const steps = structuredClone(wizard.steps);
    steps[index] = { ...steps[index]!, ...patch };
    const next = await new WizardsRepo(this.db).update(wizard.id, { steps });
    if (!next) throw new Error(`Wizard ${wizard.id} is gone`);
    await this.publish(next, steps[index]!.name);
    return next;
  }

  /** Changes the state when it is one of `from` (an action may have changed it meanwhile). */
  private async transition(
    id: string,
    from: WizardState[],
    patch: { state: WizardState },
  ): Promise<WizardRecord | null> {
    const next = await this.db.transaction(async (tx) => {
      const repo = new WizardsRepo(tx);
      const wizard = await repo.findForUpdate(id);
      if (!wizard || !from.includes(wizard.state)) return null;
      return repo.update(id, patch);
    });
    if (next) await this.publish(next, null);
    return next;
  }

  private async audit(
    db: Db,
    actor: AuditActor,
    action: string,
    wizard: WizardRecord,
    after: Record<string, unknown>,
  ): Promise<void> {
    await new AuditRepo(db).record({
      actor,
      action,
      target: `wizard:${wizard.id}`,
      after: { kind: wizard.kind, cluster: wizard.cluster, state: wizard.state, ...after },
    });
  }

  private async publish(wizard: WizardRecord, step: string | null): Promise<void> {
    await this.bus
      .publish({
        type: "wizard.progress",
        id: wizard.id,
        kind: wizard.kind,
        cluster: wizard.cluster,
        state: wizard.state,
        step,
      })
      .catch((error: unknown) => this.logger.warn("wizard event failed", { error }));
  }
}

/** Marks the named warnings (all when none are named) acknowledged; running once none is left. */
function acknowledge(findings: WizardFinding[], ids: string[] | undefined) {
  const unknown = (ids ?? []).filter(
    (id) => !findings.some((f) => f.id === id && f.severity === "warning"),
  );
  if (unknown.length > 0) {
    throw new InputError(
      `No warning ${unknown.join(", ")} among this wizard's findings; errors cannot be acknowledged`,
    );
  }
  const next = findings.map((f) =>
    f.severity === "warning" && (!ids || ids.includes(f.id)) ? { ...f, acknowledged: true } : f,
  );
  const open = next.some((f) => f.severity === "warning" && !f.acknowledged);
  return open ? { findings: next } : { findings: next, state: "running" as WizardState };
}
