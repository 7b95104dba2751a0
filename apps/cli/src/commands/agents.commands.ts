import type {
  Agent,
  ApiToken,
  ApiTokenList,
  CreatedApiToken,
  CreateEnrolmentTokenRequest,
  EnrolmentToken,
  EnrolmentTokenList,
} from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { type Column, renderFields, renderTable } from "../render-table.js";
import { seg } from "./resolve-by-name.js";

const tokenColumns: Column<ApiToken>[] = [
  { header: "ID", value: (t) => t.id },
  { header: "NAME", value: (t) => t.name },
  { header: "PREFIX", value: (t) => t.prefix },
  { header: "USER", value: (t) => t.username },
  { header: "CREATED", value: (t) => t.createdAt },
  { header: "LAST USED", value: (t) => t.lastUsedAt },
  { header: "EXPIRES", value: (t) => t.expiresAt },
];

/** agents list, agents tokens create|list|revoke, and API tokens (tokens create|list|revoke). */
export const agentsCommands: Command[] = [
  {
    path: ["agents", "list"],
    summary: "List enrolled node agents",
    async run(ctx) {
      const agents = await ctx.api().get<Agent[]>("/agents");
      ctx.print(agents, () =>
        renderTable(agents, [
          { header: "ID", value: (a) => a.id },
          { header: "HOST", value: (a) => a.hostname },
          { header: "CONNECTED", value: (a) => a.connected },
          { header: "VERSION", value: (a) => a.version },
          { header: "SKEW MS", value: (a) => a.clockSkewMs },
          { header: "DRIFT", value: (a) => a.driftCount },
          { header: "REALMS", value: (a) => a.realms },
        ]),
      );
    },
  },
  {
    path: ["agents", "tokens", "create"],
    summary: "Create a one-time enrolment token for a new node agent (shown once)",
    options: { ttl: { type: "string" }, note: { type: "string" } },
    flags: {
      ttl: "Seconds it may be used (default 900, at most 86400)",
      note: "A note, e.g. the host",
    },
    async run(ctx) {
      const ttl = ctx.values.ttl as string | undefined;
      if (ttl !== undefined && !/^\d+$/.test(ttl)) throw new UsageError("--ttl takes seconds");
      const body: CreateEnrolmentTokenRequest = {
        ttlSeconds: ttl === undefined ? undefined : Number(ttl),
        note: ctx.values.note as string | undefined,
      };
      const token = await ctx
        .api()
        .json<EnrolmentToken>("POST", "/agents/enrolment-tokens", { json: body });
      // The one time the token is shown, as the API shows it.
      ctx.print(token, () =>
        renderFields([
          ["token", token.token],
          ["expires", token.expiresAt],
          ["manager", token.managerUrl],
          ["enrol with", token.command],
        ]),
      );
    },
  },
  {
    path: ["agents", "tokens", "list"],
    summary: "List enrolment tokens with their state (never the tokens themselves)",
    async run(ctx) {
      const list = await ctx.api().get<EnrolmentTokenList>("/agents/enrolment-tokens");
      ctx.print(list, () =>
        renderTable(list, [
          { header: "ID", value: (t) => t.id },
          { header: "STATE", value: (t) => t.state },
          { header: "CREATED", value: (t) => t.createdAt },
          { header: "EXPIRES", value: (t) => t.expiresAt },
          { header: "BY", value: (t) => t.createdBy },
          { header: "NOTE", value: (t) => t.note },
          { header: "AGENT", value: (t) => t.agentId },
        ]),
      );
    },
  },
  {
    path: ["agents", "tokens", "revoke"],
    summary: "Revoke an enrolment token not yet used",
    args: "<id>",
    async run(ctx) {
      const id = ctx.positionals[0]!;
      await ctx.api().send("DELETE", `/agents/enrolment-tokens/${seg(id)}`);
      ctx.print({ revoked: id }, () => `Revoked enrolment token ${id}.`);
    },
  },
  {
    path: ["tokens", "list"],
    summary: "List API tokens (yours; an admin sees everyone's). Never the tokens themselves",
    async run(ctx) {
      const list = await ctx.api().get<ApiTokenList>("/api-tokens");
      ctx.print(list, () => renderTable(list.items, tokenColumns));
    },
  },
  {
    path: ["tokens", "create"],
    args: "<name>",
    summary:
      "Create an API token for scripts (shown once): CONCLAVE_TOKEN=… or login --token-stdin",
    options: { "expires-in-days": { type: "string" } },
    flags: { "expires-in-days": "Days until it stops working (default: never)" },
    async run(ctx) {
      const days = ctx.values["expires-in-days"] as string | undefined;
      if (days !== undefined && !/^\d+$/.test(days))
        throw new UsageError("--expires-in-days takes days");
      const created = await ctx.api().json<CreatedApiToken>("POST", "/api-tokens", {
        json: {
          name: ctx.positionals[0],
          expiresInDays: days === undefined ? undefined : Number(days),
        },
      });
      ctx.print(created, () =>
        renderFields([
          ["token", created.token],
          ["id", created.id],
          ["expires", created.expiresAt ?? "never"],
          ["note", "Shown once: store it now."],
        ]),
      );
    },
  },
  {
    path: ["tokens", "revoke"],
    args: "<id>",
    summary: "Revoke an API token",
    async run(ctx) {
      await ctx.api().send("DELETE", `/api-tokens/${seg(ctx.positionals[0]!)}`);
      ctx.print({ revoked: ctx.positionals[0] }, () => `Revoked API token ${ctx.positionals[0]}.`);
    },
  },
];
