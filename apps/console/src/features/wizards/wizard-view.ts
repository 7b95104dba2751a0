import type {
  WizardAction,
  WizardKind,
  WizardState,
  WizardStep,
  WizardStepStatus,
} from "@conclave/protocol";

/** The operator's name of each kind: page heading, list and modal titles. */
export const WIZARD_TITLE: Record<WizardKind, string> = {
  "encrypt-inter-realm": "Switch inter-realm communication to TLS",
  "rotate-credentials": "Rotate cluster credentials",
};

export type LabelColor = "green" | "orange" | "red" | "grey" | "blue" | "purple";

export const STATE_VIEW: Record<WizardState, { text: string; color: LabelColor }> = {
  awaitingAcknowledgement: { text: "Awaiting acknowledgement", color: "orange" },
  blocked: { text: "Blocked", color: "red" },
  running: { text: "Running", color: "blue" },
  paused: { text: "Paused", color: "orange" },
  failed: { text: "Failed", color: "red" },
  completed: { text: "Completed", color: "green" },
  cancelled: { text: "Cancelled", color: "grey" },
  rollingBack: { text: "Rolling back", color: "purple" },
  rolledBack: { text: "Rolled back", color: "grey" },
};

/** ProgressStep variant and icon for a step's status. */
export interface StepView {
  text: string;
  variant: "default" | "pending" | "info" | "success" | "danger" | "warning";
  icon: "none" | "spinner" | "check" | "error" | "undo";
}

export const STEP_VIEW: Record<WizardStepStatus, StepView> = {
  pending: { text: "Pending", variant: "pending", icon: "none" },
  running: { text: "Running", variant: "info", icon: "spinner" },
  done: { text: "Done", variant: "success", icon: "check" },
  failed: { text: "Failed", variant: "danger", icon: "error" },
  rolledBack: { text: "Rolled back", variant: "warning", icon: "undo" },
};

/** States in which the engine is working by itself: the page polls besides listening to SSE. */
export function isWorking(state: WizardState | undefined): boolean {
  return state === "running" || state === "rollingBack";
}

/** States that no action leaves: nothing more will happen to the cluster. */
export function isFinished(state: WizardState): boolean {
  return state === "completed" || state === "cancelled" || state === "rolledBack";
}

/**
 * Which actions make sense in a state, for an operator or admin (viewers get none), as the
 * manager's engine accepts them.
 * - Nothing has changed before pre-flight passes, so awaitingAcknowledgement and blocked offer
 *   cancel (and acknowledge for warnings) but no roll back.
 * - Cancel and roll back both undo what the steps changed; they differ in the end state
 *   (cancelled, rolledBack). A completed wizard can still be rolled back.
 */
export function availableActions(state: WizardState, canOperate: boolean): WizardAction[] {
  if (!canOperate) return [];
  switch (state) {
    case "awaitingAcknowledgement":
      return ["acknowledge", "cancel"];
    case "blocked":
      return ["cancel"];
    case "running":
      return ["pause", "rollback", "cancel"];
    case "paused":
      return ["resume", "rollback", "cancel"];
    case "failed":
      return ["resume", "rollback", "cancel"];
    case "completed":
      return ["rollback"];
    default:
      return [];
  }
}

/** Share of steps done, 0-100; a completed wizard is 100 whatever its steps say. */
export function progressPercent(state: WizardState, steps: readonly WizardStep[]): number {
  if (state === "completed") return 100;
  if (steps.length === 0) return 0;
  const done = steps.filter((s) => s.status === "done").length;
  return Math.round((done / steps.length) * 100);
}

/**
 * The step to show when the operator has not picked one: the one running, else the one that
 * failed, else the last one that finished, else the first.
 */
export function defaultStepName(steps: readonly WizardStep[]): string | undefined {
  const running = steps.find((s) => s.status === "running");
  if (running) return running.name;
  const failed = steps.find((s) => s.status === "failed");
  if (failed) return failed.name;
  const finished = steps.filter((s) => s.status === "done" || s.status === "rolledBack");
  return (finished.at(-1) ?? steps[0])?.name;
}
