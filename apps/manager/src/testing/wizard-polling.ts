import type { AuditEntry, ManagerEvent, Wizard, WizardState } from "@conclave/protocol";
import { type Demo, ExitedError, until } from "./boot-demo.js";

/**
 * Wizard helpers for manager process tests: read a wizard, wait for a state or a step's start,
 * and say every step's state when a wait runs out, so a hang reads as "stuck in step X".
 */

/** GET /api/v1/wizards/{id}. */
export async function getWizard(demo: Demo, id: string): Promise<Wizard> {
  const res = await demo.api.get(`/wizards/${id}`);
  if (res.status !== 200) throw new Error(`GET /wizards/${id}: ${res.status} ${res.text}`);
  return res.body as Wizard;
}

/** The steps that recorded an error, as JSON: the message of a failed state assertion. */
export function errorsOf(wizard: Pick<Wizard, "steps">): string {
  return JSON.stringify(wizard.steps.filter((s) => s.error));
}

/** The wizard's state and every step's, e.g. "running; preflight done, swap-leaf:realm-a running". */
export function stepStates(wizard: Pick<Wizard, "state" | "steps">): string {
  const steps = wizard.steps.map((s) => `${s.name} ${s.status}${s.error ? ` (${s.error})` : ""}`);
  return `${wizard.state}; ${steps.join(", ")}`;
}

/**
 * Polls the wizard until its state is one of `states` and answers it. A pre-flight with warnings
 * only is acknowledged, as an operator would. Answers that fail (a manager being restarted) are
 * retried. When `ms` pass, throws with every step's state as last seen.
 */
export async function wizardUntil(
  demo: Demo,
  id: string,
  states: WizardState[],
  ms: number,
): Promise<Wizard> {
  let seen: Wizard | undefined;
  try {
    return await until(
      `wizard ${id} in ${states.join("/")}`,
      async () => {
        const w = await getWizard(demo, id);
        seen = w;
        if (w.state === "awaitingAcknowledgement") {
          await demo.api.post(`/wizards/${id}/acknowledge`, {});
        }
        return states.includes(w.state) ? w : undefined;
      },
      ms,
    );
  } catch (error) {
    if (!seen || error instanceof ExitedError) throw error;
    throw new Error(`${(error as Error).message}; the wizard is ${stepStates(seen)}`);
  }
}

/**
 * Resolves on the first `wizard.progress` event of wizard `id` about `step` (its start), from
 * events collected with `listenEvents`. Stops at once, with every step's state, when the wizard
 * ends before the step starts.
 */
export async function stepStarted(
  demo: Demo,
  events: ManagerEvent[],
  id: string,
  step: string,
  ms = 60_000,
): Promise<void> {
  await until(
    `${step} to start`,
    async () => {
      const mine = events.filter(
        (e): e is Extract<ManagerEvent, { type: "wizard.progress" }> =>
          e.type === "wizard.progress" && e.id === id,
      );
      if (mine.some((e) => e.step === step)) return true;
      const ended = mine.find((e) => !["running", "awaitingAcknowledgement"].includes(e.state));
      if (ended) {
        throw new ExitedError(`the wizard is ${stepStates(await getWizard(demo, id))}`);
      }
      return undefined;
    },
    ms,
  );
}

/**
 * The wizard's audit trail, oldest first, one line per entry ("at action step: error"): what a
 * step's current error may have replaced (a failed rollback overwrites the step's own error).
 */
export async function wizardAudit(demo: Demo, id: string): Promise<string> {
  const items = (await demo.api.get(`/audit?target=wizard:${id}&limit=500`)).body
    .items as AuditEntry[];
  return items
    .reverse()
    .map((e) => {
      const { step, error } = (e.after ?? {}) as { step?: string; error?: string };
      return `${e.at} ${e.action}${step ? ` ${step}` : ""}${error ? `: ${error}` : ""}`;
    })
    .join("\n");
}

/**
 * Starts the encryption switch on cluster `demo` (certificates issued, plaintext kept) and
 * answers the wizard once it has ended (completed, failed or blocked).
 */
export async function switchToTls(demo: Demo, ms: number): Promise<Wizard> {
  const started = await demo.api.post("/wizards", {
    kind: "encrypt-inter-realm",
    cluster: "demo",
    options: { certificates: "issue", plaintext: "keep" },
  });
  if (started.status !== 201) throw new Error(`POST /wizards: ${started.status} ${started.text}`);
  return wizardUntil(demo, started.body.id, ["completed", "failed", "blocked"], ms);
}

/**
 * kill -9 of the manager once `step` of wizard `id` has started (seen on the event stream), a
 * restart after `whileDown` (the cluster serving its clients meanwhile), and the wizard waited
 * for until it ends. Answers the wizard and when the manager was killed, so a test can check
 * that the step ran again after it.
 */
export async function killManagerDuring(
  demo: Demo,
  sse: { events: ManagerEvent[]; stop: () => void },
  wizard: { id: string; step: string },
  options: { whileDown: () => Promise<void>; ms: number },
): Promise<{ done: Wizard; killedAt: number }> {
  await stepStarted(demo, sse.events, wizard.id, wizard.step);
  const killedAt = Date.now();
  await demo.killManager();
  sse.stop();
  await options.whileDown();
  await demo.startManager();
  const done = await wizardUntil(demo, wizard.id, ["completed", "failed", "blocked"], options.ms);
  return { done, killedAt };
}
