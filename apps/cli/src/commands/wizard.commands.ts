import {
  type CertificateAuthorityList,
  CreateWizardResponseSchema,
  type KeystoreList,
  type Wizard,
  type WizardAction,
  type WizardKind,
  WizardListSchema,
  WizardReportSchema,
  WizardSchema,
  type WizardState,
} from "@conclave/protocol";
import { type ApiClient, isMissingRoute } from "../api-client.js";
import { CliError } from "../cli-error.js";
import type { Command, CommandContext } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { renderTable } from "../render-table.js";
import { seg } from "./resolve-by-name.js";
import {
  commonWizardFlagHelp,
  commonWizardOptions,
  encryptWizardFlagHelp,
  encryptWizardOptions,
  intervalFromFlag,
  wizardRequestFromFlags,
} from "./wizard-flags.js";
import { renderChanges, renderWizard } from "./wizard-render.js";
import { writeOutput } from "./write-output.js";

/** Where `--follow` stops: the wizard ended, or waits for a person. */
const STOPS: ReadonlySet<WizardState> = new Set([
  "completed",
  "failed",
  "blocked",
  "cancelled",
  "rolledBack",
  "awaitingAcknowledgement",
]);

/** Runs a wizards request, turning "no such route" into a clear message (exit 4). */
async function wizardCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isMissingRoute(error)) {
      throw new CliError(
        `This manager has no wizards API yet (${(error as Error).message}). Upgrade the manager.`,
        ExitCode.NotFound,
      );
    }
    throw error;
  }
}

/** The part of a zod schema used here. */
interface Schema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** The manager's answer checked against the shared schema, so a mismatch says so plainly. */
function checked<T>(schema: Schema<T>, answer: unknown, what: string): T {
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `The manager's answer is not a ${what} (${issue?.path.map(String).join(".")}: ${issue?.message}). Are the CLI and the manager the same version?`,
      ExitCode.ApiError,
    );
  }
  return parsed.data;
}

async function getWizard(api: ApiClient, id: string): Promise<Wizard> {
  const answer = await wizardCall(() => api.get<unknown>(`/wizards/${seg(id)}`));
  return checked(WizardSchema, answer, "wizard");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls the wizard until it stops (STOPS), printing what changes; with --json only the final
 * wizard. Exit 0 only when it completed, so `wizard encrypt --follow && …` goes on only then.
 */
async function follow(ctx: CommandContext, id: string): Promise<number> {
  const intervalMs = intervalFromFlag(ctx.values.interval);
  const api = ctx.api();
  let last: Wizard | undefined;
  for (;;) {
    const w = await getWizard(api, id);
    if (!ctx.json) {
      if (!last) ctx.io.stdout(`${renderWizard(w)}\n`);
      else for (const line of renderChanges(last, w)) ctx.io.stdout(`${line}\n`);
    }
    if (STOPS.has(w.state)) {
      if (ctx.json) ctx.print(w, () => "");
      else if (last) ctx.io.stdout(`\n${renderWizard(w)}\n`);
      return w.state === "completed" ? ExitCode.Ok : ExitCode.ApiError;
    }
    last = w;
    await sleep(intervalMs);
  }
}

/** Keystore ids from ids or names, the list fetched once for all realms. */
function keystoreResolver(api: ApiClient) {
  let items: KeystoreList["items"] | undefined;
  return async (idOrName: string) => {
    items ??= (await api.get<KeystoreList>("/keystores")).items;
    const found = items.find((k) => k.id === idOrName) ?? items.find((k) => k.name === idOrName);
    if (!found) throw new CliError(`No keystore with id or name "${idOrName}"`, ExitCode.NotFound);
    return found.id;
  };
}

function caResolver(api: ApiClient) {
  return async (idOrName: string) => {
    const { items } = await api.get<CertificateAuthorityList>("/pki/cas");
    const found = items.find((c) => c.id === idOrName) ?? items.find((c) => c.name === idOrName);
    if (!found) {
      throw new CliError(
        `No certificate authority with id or name "${idOrName}"`,
        ExitCode.NotFound,
      );
    }
    return found.id;
  };
}

function startCommand(kind: WizardKind, word: string, summary: string): Command {
  const encrypt = kind === "encrypt-inter-realm";
  return {
    path: ["wizard", word],
    summary,
    options: { ...commonWizardOptions, ...(encrypt ? encryptWizardOptions : {}) },
    flags: { ...commonWizardFlagHelp, ...(encrypt ? encryptWizardFlagHelp : {}) },
    async run(ctx) {
      const api = ctx.api();
      // Flags are checked before anything is sent, --interval included.
      intervalFromFlag(ctx.values.interval);
      const body = await wizardRequestFromFlags(kind, ctx.values, {
        keystore: keystoreResolver(api),
        ca: caResolver(api),
      });
      const answer = await wizardCall(() => api.json<unknown>("POST", "/wizards", { json: body }));
      const { id } = checked(CreateWizardResponseSchema, answer, "wizard id");
      if (ctx.values.follow === true) {
        if (!ctx.json) ctx.io.stdout(`Started wizard ${id} on ${body.cluster}.\n`);
        return follow(ctx, id);
      }
      ctx.print(
        { id },
        () =>
          `Started wizard ${id} on ${body.cluster}.\nFollow it with: conclave wizard status ${id} --follow`,
      );
    },
  };
}

const ACTION_DONE: Record<WizardAction, string> = {
  pause: "Pause requested",
  resume: "Resumed",
  rollback: "Rollback started",
  cancel: "Cancelled",
  acknowledge: "Warnings acknowledged",
};

function actionCommand(action: WizardAction, summary: string): Command {
  const acknowledge = action === "acknowledge";
  return {
    path: ["wizard", action],
    args: "<id>",
    summary,
    ...(acknowledge && {
      options: { finding: { type: "string", multiple: true } },
      flags: { finding: "A warning's id to accept (repeatable); default: every warning" },
    }),
    async run(ctx) {
      const id = ctx.positionals[0]!;
      const api = ctx.api();
      const findings = ctx.values.finding as string[] | undefined;
      const answer = await wizardCall(() =>
        api.json<unknown>("POST", `/wizards/${seg(id)}/${action}`, {
          json: acknowledge ? (findings?.length ? { findings } : {}) : undefined,
        }),
      );
      // The answer may be the wizard itself; otherwise read it back for its new state.
      const parsed = WizardSchema.safeParse(answer);
      const w = parsed.success ? parsed.data : await getWizard(api, id);
      ctx.print(w, () => `${ACTION_DONE[action]}: wizard ${id} is ${w.state}.`);
    },
  };
}

/** wizard encrypt|rotate|list|status|pause|resume|rollback|cancel|acknowledge|report. */
export const wizardCommands: Command[] = [
  startCommand(
    "encrypt-inter-realm",
    "encrypt",
    "Switch a cluster's inter-realm communication to TLS, serving clients throughout",
  ),
  startCommand(
    "rotate-credentials",
    "rotate",
    "Rotate a cluster's CA and certificates, serving clients throughout",
  ),
  {
    path: ["wizard", "list"],
    summary: "List wizards, newest first",
    options: { cluster: commonWizardOptions.cluster },
    flags: { cluster: "Only this cluster's" },
    async run(ctx) {
      const answer = await wizardCall(() => ctx.api().get<unknown>("/wizards"));
      const cluster = ctx.values.cluster as string | undefined;
      const list = checked(WizardListSchema, answer, "list of wizards")
        .filter((w) => !cluster || w.cluster === cluster)
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
      ctx.print(list, () =>
        renderTable(list, [
          { header: "ID", value: (w) => w.id },
          { header: "KIND", value: (w) => w.kind },
          { header: "CLUSTER", value: (w) => w.cluster },
          { header: "STATE", value: (w) => w.state },
          { header: "STARTED", value: (w) => w.createdAt },
          { header: "BY", value: (w) => w.createdBy },
        ]),
      );
    },
  },
  {
    path: ["wizard", "status"],
    args: "<id>",
    summary: "A wizard's state, steps and pre-flight findings",
    options: { follow: commonWizardOptions.follow, interval: commonWizardOptions.interval },
    flags: { follow: commonWizardFlagHelp.follow, interval: commonWizardFlagHelp.interval },
    async run(ctx) {
      const id = ctx.positionals[0]!;
      if (ctx.values.follow === true) return follow(ctx, id);
      const w = await getWizard(ctx.api(), id);
      ctx.print(w, () => renderWizard(w));
    },
  },
  actionCommand("pause", "Pause a wizard before its next step"),
  actionCommand("resume", "Resume a paused wizard, or retry its failed step"),
  actionCommand(
    "rollback",
    "Undo a wizard's steps (a completed one's too), restoring every realm's configuration",
  ),
  actionCommand("cancel", "Stop a wizard for good, undoing what it changed"),
  actionCommand("acknowledge", "Accept a wizard's pre-flight warnings so it goes on"),
  {
    path: ["wizard", "report"],
    args: "<id>",
    summary: "A completed wizard's link report, as JSON",
    options: { out: { type: "string", short: "o" } },
    flags: { out: "Write it to this file instead of stdout" },
    async run(ctx) {
      const id = ctx.positionals[0]!;
      const answer = await wizardCall(() => ctx.api().get<unknown>(`/wizards/${seg(id)}/report`));
      const report = checked(WizardReportSchema, answer, "wizard report");
      await writeOutput(ctx, `${JSON.stringify(report, null, 2)}\n`, {
        what: `the report of wizard ${id}`,
      });
    },
  },
];
