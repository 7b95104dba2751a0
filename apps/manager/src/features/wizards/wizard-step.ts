import type { WizardFinding, WizardReport } from "@conclave/protocol";
import type { Logger } from "../../logging/logger.js";
import type { WizardRecord } from "../../store/wizards.repo.js";

/**
 * What a step sees while it runs or rolls back. Everything it records is persisted before the
 * call returns, so a manager killed right after still knows it.
 */
export interface StepContext {
  /** The wizard as stored when the step started (options, cluster, creator). */
  readonly wizard: WizardRecord;
  /**
   * The wizard's snapshot: what rollback restores and what earlier steps decided. Mutate it,
   * then {@link saveSnapshot}; never put secrets in it.
   */
  readonly snapshot: Record<string, unknown>;
  saveSnapshot(): Promise<void>;
  /** Adds one observation to the step (shown in the console and kept in the report). */
  evidence(message: string, realm?: string | null): Promise<void>;
  /**
   * Pre-flight results. After the step: any error blocks the wizard; unacknowledged warnings
   * wait for POST …/acknowledge.
   */
  setFindings(findings: WizardFinding[]): Promise<void>;
  setReport(report: WizardReport): Promise<void>;
  /** Aborted when the manager stops: a waiting step gives up and is resumed at the next start. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
}

/**
 * One step of a wizard. Both functions must be idempotent: after a restart a step that was
 * running is run again from the start, and a rollback may be repeated after it failed.
 */
export interface WizardStepDefinition {
  /** Stable identifier, e.g. "preflight", "cut-over:realm-b". */
  name: string;
  title: string;
  run(ctx: StepContext): Promise<void>;
  /** Undoes what `run` changed (also after `run` failed half-way); a no-op for read-only steps. */
  rollback(ctx: StepContext): Promise<void>;
}

/** What a new wizard starts with: options with defaults, its first snapshot, its step list. */
export interface WizardPlan {
  options: Record<string, unknown>;
  snapshot: Record<string, unknown>;
  steps: { name: string; title: string }[];
}

/** A wizard kind: its steps, rebuilt from the stored wizard (options and snapshot). */
export interface WizardKindDefinition {
  /**
   * Validates the options against the cluster and lists the steps (e.g. one cut-over per
   * member, master last). Throws the manager's HTTP errors (404 no such cluster, …).
   */
  prepare?(cluster: string, options: unknown): Promise<WizardPlan>;
  steps(wizard: WizardRecord): WizardStepDefinition[];
}
