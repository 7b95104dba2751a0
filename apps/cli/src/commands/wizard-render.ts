import type { Wizard, WizardState } from "@conclave/protocol";
import { formatCell, renderFields, renderTable } from "../render-table.js";

const TITLE: Record<Wizard["kind"], string> = {
  "encrypt-inter-realm": "Switch inter-realm communication to TLS",
  "rotate-credentials": "Rotate cluster credentials",
};

/** What the operator can do next, by state. */
export function nextStep(w: Pick<Wizard, "id" | "state">): string | undefined {
  const hints: Partial<Record<WizardState, string>> = {
    awaitingAcknowledgement: `Pre-flight found warnings. Read them, then: conclave wizard acknowledge ${w.id}`,
    blocked: `Pre-flight found errors and nothing was changed. Fix them, then: conclave wizard cancel ${w.id}, and start a new wizard`,
    paused: `Paused before its next step. Go on with: conclave wizard resume ${w.id}`,
    failed: `A step failed. Retry it with: conclave wizard resume ${w.id}, or restore the previous configuration with: conclave wizard rollback ${w.id}`,
    completed: `Done. The link report: conclave wizard report ${w.id}`,
  };
  return hints[w.state];
}

/** `wizard status`: the wizard, its steps, its findings and what to do next. */
export function renderWizard(w: Wizard): string {
  const done = w.steps.filter((s) => s.status === "done").length;
  const parts = [
    renderFields([
      ["wizard", w.id],
      ["kind", `${w.kind} (${TITLE[w.kind]})`],
      ["cluster", w.cluster],
      ["state", w.state],
      ["progress", `${done}/${w.steps.length} steps done`],
      ["started", `${w.createdAt} by ${w.createdBy}`],
    ]),
    "",
    renderTable(w.steps, [
      { header: "STEP", value: (s) => s.name },
      { header: "STATUS", value: (s) => s.status },
      { header: "STARTED", value: (s) => s.startedAt },
      { header: "FINISHED", value: (s) => s.finishedAt },
      { header: "TITLE", value: (s) => s.title },
    ]),
  ];
  for (const step of w.steps.filter((s) => s.error)) {
    parts.push("", `${step.title} failed: ${formatCell(step.error)}`);
  }
  if (w.findings.length > 0) {
    parts.push(
      "",
      "Pre-flight findings:",
      renderTable(w.findings, [
        { header: "SEVERITY", value: (f) => f.severity },
        { header: "REALM", value: (f) => f.realm },
        { header: "CHECK", value: (f) => f.check },
        { header: "ACKNOWLEDGED", value: (f) => (f.severity === "warning" ? f.acknowledged : "") },
        { header: "PROBLEM", value: (f) => f.problem },
        { header: "HOW TO FIX", value: (f) => f.fix },
      ]),
    );
  }
  const hint = nextStep(w);
  if (hint) parts.push("", hint);
  return parts.join("\n");
}

/**
 * `--follow` lines for what changed between two polls: the state, each step whose status
 * changed, and evidence recorded since (evidence only grows).
 */
export function renderChanges(before: Wizard, after: Wizard): string[] {
  const lines: string[] = [];
  if (before.state !== after.state) lines.push(`state: ${before.state} -> ${after.state}`);
  for (const step of after.steps) {
    const old = before.steps.find((s) => s.name === step.name);
    if (old?.status !== step.status) {
      lines.push(
        `${step.title}: ${step.status}${step.error ? ` (${formatCell(step.error)})` : ""}`,
      );
    }
    for (const item of step.evidence.slice(old?.evidence.length ?? 0)) {
      lines.push(`  ${item.at}  ${item.realm ?? "-"}  ${formatCell(item.message)}`);
    }
  }
  return lines;
}
