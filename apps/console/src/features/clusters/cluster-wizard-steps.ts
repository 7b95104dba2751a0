import {
  ClusterNameSchema,
  type ClusterStatusView,
  type PreflightFinding,
  PreflightFindingSchema,
  type PreflightReport,
} from "@conclave/protocol";
import { z } from "zod";
import { ApiError } from "../../api/client";

/** The formation wizard's steps, in order. */
export const CLUSTER_WIZARD_STEPS = ["members", "preflight", "form", "watch"] as const;
export type ClusterWizardStep = (typeof CLUSTER_WIZARD_STEPS)[number];

/** What the wizard knows so far; the component owns it, these rules only read it. */
export interface ClusterWizardState {
  name: string;
  realms: readonly string[];
  /** The pre-flight answer for the current name and realms; undefined while none has come. */
  preflight: PreflightReport | undefined;
  warningsAcknowledged: boolean;
  /** The manager accepted POST /clusters: the cluster exists, there is no way back. */
  created: boolean;
}

/** Why the cluster name cannot be used, in the shared schema's words; undefined when it can. */
export function clusterNameProblem(name: string): string | undefined {
  if (name === "") return "Enter a cluster name";
  const parsed = ClusterNameSchema.safeParse(name);
  return parsed.success ? undefined : parsed.error.issues[0]?.message;
}

export const hasErrors = (report: PreflightReport | undefined): boolean =>
  report?.findings.some((f) => f.severity === "error") ?? false;

export const hasWarnings = (report: PreflightReport | undefined): boolean =>
  report?.findings.some((f) => f.severity === "warning") ?? false;

/** Why Next is disabled on `step`, for the operator to read; null when Next may be pressed. */
export function nextBlocker(step: ClusterWizardStep, state: ClusterWizardState): string | null {
  switch (step) {
    case "members":
      return (
        clusterNameProblem(state.name) ??
        (state.realms.length === 0 ? "Choose at least one realm" : null)
      );
    case "preflight":
      if (!state.preflight) return "Pre-flight has not finished";
      if (hasErrors(state.preflight)) return "Fix the errors, then run pre-flight again";
      if (hasWarnings(state.preflight) && !state.warningsAcknowledged)
        return "Confirm that you have read the warnings";
      return null;
    case "form":
      return state.created ? null : "Create the cluster first";
    case "watch":
      return null;
  }
}

/**
 * Whether the operator may go to `step`: every earlier step must let Next through. Once the
 * cluster exists only Watch is left, since changing the name or members would mean another one.
 */
export function canEnter(step: ClusterWizardStep, state: ClusterWizardState): boolean {
  if (state.created) return step === "watch";
  if (step === "watch") return false;
  const index = CLUSTER_WIZARD_STEPS.indexOf(step);
  return CLUSTER_WIZARD_STEPS.slice(0, index).every((s) => nextBlocker(s, state) === null);
}

/** Watching is done once the members agree on a master and every one of them is connected. */
export function isWatchDone(status: ClusterStatusView | undefined): boolean {
  return (
    status?.status === "Active" &&
    status.master !== null &&
    status.members.every((m) => m.state === "connected")
  );
}

const FindingsSchema = z.array(PreflightFindingSchema);

/** The pre-flight findings of a 422 answer (`error.details.findings`); none for other errors. */
export function findingsOf(error: unknown): PreflightFinding[] {
  if (!(error instanceof ApiError)) return [];
  const findings = FindingsSchema.safeParse(error.details.findings);
  return findings.success ? findings.data : [];
}
