import {
  type CreateWizardRequest,
  CreateWizardRequestSchema,
  type Wizard,
  type WizardAction,
  type WizardReport,
} from "@conclave/protocol";
import type { AuthContext } from "../../http/auth.js";
import { HttpError, InputError, NotFoundError } from "../../http/errors.js";
import type { Db } from "../../store/db.js";
import { type WizardRecord, WizardsRepo } from "../../store/wizards.repo.js";
import type { WizardEngine } from "./wizard-engine.js";
import type { WizardKindDefinition } from "./wizard-step.js";

/** Who asked, for the audit log. */
export interface WizardRequestCaller {
  auth: AuthContext;
  ip: string;
}

/** A stored wizard as GET /api/v1/wizards/{id} shows it (the snapshot stays inside). */
export function toWizard(record: WizardRecord): Wizard {
  return {
    id: record.id,
    kind: record.kind,
    cluster: record.cluster,
    state: record.state,
    options: record.options,
    steps: record.steps,
    findings: record.findings,
    report: record.report,
    createdBy: record.createdBy,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

/** Starting wizards, reading them, and the operator's actions on them. */
export class WizardsService {
  constructor(
    private readonly db: Db,
    private readonly engine: WizardEngine,
    private readonly kinds: Partial<Record<string, WizardKindDefinition>>,
  ) {}

  async list(): Promise<Wizard[]> {
    return (await new WizardsRepo(this.db).list()).map(toWizard);
  }

  async get(id: string): Promise<Wizard> {
    return toWizard(await this.find(id));
  }

  async report(id: string): Promise<WizardReport> {
    const wizard = await this.find(id);
    if (!wizard.report) {
      throw new NotFoundError(
        `Wizard ${id} has no report yet: its report step writes one (the wizard is ${wizard.state})`,
      );
    }
    return wizard.report;
  }

  async create(input: CreateWizardRequest, caller: WizardRequestCaller): Promise<{ id: string }> {
    const request = CreateWizardRequestSchema.parse(input);
    const kind = this.kinds[request.kind];
    if (!kind?.prepare) {
      throw new HttpError(
        422,
        "invalid_input",
        `The ${request.kind} wizard is not available yet on this manager`,
      );
    }
    const plan = await kind.prepare(request.cluster, request.options);
    const record = await this.engine.create(
      {
        kind: request.kind,
        cluster: request.cluster,
        options: plan.options,
        snapshot: plan.snapshot,
        steps: plan.steps,
        createdBy: caller.auth.user.username,
      },
      this.callerOf(caller),
    );
    return { id: record.id };
  }

  async act(
    id: string,
    action: WizardAction,
    caller: WizardRequestCaller,
    findings?: string[],
  ): Promise<Wizard> {
    if (findings !== undefined && action !== "acknowledge") {
      throw new InputError("Only acknowledge takes findings");
    }
    return toWizard(await this.engine.act(id, action, this.callerOf(caller), findings));
  }

  private async find(id: string): Promise<WizardRecord> {
    const record = await new WizardsRepo(this.db).find(id);
    if (!record) throw new NotFoundError(`No wizard with id ${id}`);
    return record;
  }

  private callerOf(caller: WizardRequestCaller) {
    return {
      actor: { userId: caller.auth.user.id, username: caller.auth.user.username },
      ip: caller.ip,
    };
  }
}
