import {
  AcknowledgeFindingsRequestSchema,
  CreateWizardRequestSchema,
  CreateWizardResponseSchema,
  WizardListSchema,
  WizardParamsSchema,
  WizardReportSchema,
  WizardSchema,
} from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { WizardsService } from "./wizards.service.js";

const tag = "wizards";
const action = (
  name: "pause" | "resume" | "rollback" | "cancel",
  operationId: string,
  summary: string,
) =>
  defineRoute({
    method: "post",
    path: `/wizards/:id/${name}`,
    operationId,
    summary,
    tag,
    access: "operator",
    params: WizardParamsSchema,
    response: WizardSchema,
    errors: [404, 409],
  });

/** Wizards: resumable, rollback-able changes to a whole cluster. See docs/wizards.md. */
export const wizardsRoutes = {
  list: defineRoute({
    method: "get",
    path: "/wizards",
    operationId: "listWizards",
    summary: "List wizards, newest first, with their steps and findings",
    tag,
    access: "viewer",
    response: WizardListSchema,
  }),
  create: defineRoute({
    method: "post",
    path: "/wizards",
    operationId: "createWizard",
    summary: "Start a wizard on a cluster (encrypt-inter-realm)",
    description:
      "Answers 201 {id} at once; the steps run in the background (watch GET /wizards/{id} or wizard.progress events). Pre-flight errors end in state blocked with nothing changed; warnings wait in awaitingAcknowledgement. 409 when the cluster already has an active wizard.",
    tag,
    access: "operator",
    body: CreateWizardRequestSchema,
    status: 201,
    response: CreateWizardResponseSchema,
    errors: [404, 409, 422, 503],
  }),
  get: defineRoute({
    method: "get",
    path: "/wizards/:id",
    operationId: "getWizard",
    summary: "One wizard: state, steps with evidence, pre-flight findings, report",
    tag,
    access: "viewer",
    params: WizardParamsSchema,
    response: WizardSchema,
    errors: [404],
  }),
  report: defineRoute({
    method: "get",
    path: "/wizards/:id/report",
    operationId: "getWizardReport",
    summary:
      "The wizard's report as a JSON download: every link's protocol, TLS version, cipher and peer certificate",
    tag,
    access: "viewer",
    params: WizardParamsSchema,
    response: WizardReportSchema,
    errors: [404],
  }),
  pause: action(
    "pause",
    "pauseWizard",
    "Pause: the step in flight finishes, the next one does not start",
  ),
  resume: action("resume", "resumeWizard", "Resume a paused wizard, or retry the step that failed"),
  rollback: action(
    "rollback",
    "rollbackWizard",
    "Roll back: undo every done step in reverse order, restoring each realm's previous configuration",
  ),
  cancel: action(
    "cancel",
    "cancelWizard",
    "Cancel: stop and roll back what was changed; ends in state cancelled",
  ),
  acknowledge: defineRoute({
    method: "post",
    path: "/wizards/:id/acknowledge",
    operationId: "acknowledgeWizardFindings",
    summary: "Acknowledge pre-flight warnings (all when none are named); the wizard goes on",
    tag,
    access: "operator",
    params: WizardParamsSchema,
    body: AcknowledgeFindingsRequestSchema,
    response: WizardSchema,
    errors: [404, 409],
  }),
};

/** Routes under /api/v1/wizards. */
export function createWizardsRouter(options: {
  registry: RouteRegistry;
  service: WizardsService;
}): Router {
  const { registry, service } = options;
  const router = Router();
  registry.mount(router, wizardsRoutes.list, () => service.list());
  registry.mount(router, wizardsRoutes.create, ({ body, auth, ip }) =>
    service.create(body, { auth, ip }),
  );
  registry.mount(router, wizardsRoutes.get, ({ params }) => service.get(params.id));
  registry.mount(router, wizardsRoutes.report, async ({ params, res }) => {
    const report = await service.report(params.id);
    res.attachment(`wizard-${params.id}-report.json`);
    return report;
  });
  for (const name of ["pause", "resume", "rollback", "cancel"] as const) {
    registry.mount(router, wizardsRoutes[name], ({ params, auth, ip }) =>
      service.act(params.id, name, { auth, ip }),
    );
  }
  registry.mount(router, wizardsRoutes.acknowledge, ({ params, body, auth, ip }) =>
    service.act(params.id, "acknowledge", { auth, ip }, body.findings),
  );
  return router;
}
