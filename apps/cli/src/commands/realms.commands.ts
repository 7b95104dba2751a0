import type {
  Agent,
  CreateRealmRequest,
  InterfaceDefinitionInput,
  RealmDetail,
  RealmInterface,
  RealmLiveStatus,
  RealmSummary,
} from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { type Column, renderFields, renderTable } from "../render-table.js";
import { seg } from "./resolve-by-name.js";

const interfaceSummary = (i: RealmInterface) =>
  `${i.alias} ${i.protocol}:${i.boundPort ?? i.port} ${i.status}`;

/** Columns of `realms list`. */
export const realmColumns: Column<RealmSummary>[] = [
  { header: "NAME", value: (r) => r.name },
  { header: "STATE", value: (r) => r.state },
  { header: "PID", value: (r) => r.pid },
  { header: "HOST", value: (r) => r.host },
  { header: "CLUSTER", value: (r) => r.cluster },
  { header: "INTERFACES", value: (r) => r.interfaces.map(interfaceSummary) },
];

/** Columns of `interfaces list` and `realms get`. */
export const interfaceColumns: Column<RealmInterface>[] = [
  { header: "ALIAS", value: (i) => i.alias },
  { header: "PROTOCOL", value: (i) => i.protocol },
  { header: "BIND", value: (i) => i.bindAddress },
  {
    header: "PORT",
    value: (i) => (i.boundPort && i.boundPort !== i.port ? `${i.port} (${i.boundPort})` : i.port),
  },
  { header: "STATUS", value: (i) => i.status },
  { header: "INTERREALM", value: (i) => i.allowInterRealm },
  { header: "CLIENTS", value: (i) => i.allowClientConnections },
  { header: "AUTOSTART", value: (i) => i.autostart },
  { header: "KEYSTORE", value: (i) => i.certificates?.keystoreId },
  { header: "ERROR", value: (i) => i.error },
];

function parseInterface(spec: string): InterfaceDefinitionInput {
  // alias:protocol:bind:port, e.g. nsp0:nsp:127.0.0.1:9000 (IPv6 binds in brackets).
  const match = /^([^:]+):(nsp|nhp):(\[[^\]]+\]|[^:]+):(\d+)$/.exec(spec);
  if (!match) {
    throw new UsageError(
      `--interface takes alias:protocol:bind:port (nsp or nhp), e.g. nsp0:nsp:127.0.0.1:9000, not "${spec}"; add TLS interfaces with \`conclave interfaces add\``,
    );
  }
  return {
    alias: match[1]!,
    protocol: match[2] as "nsp" | "nhp",
    bindAddress: match[3]!.replace(/^\[|\]$/g, ""),
    port: Number(match[4]),
  };
}

/** realms list|get|create|delete|restart|status. */
export const realmsCommands: Command[] = [
  {
    path: ["realms", "list"],
    summary: "List realms with their state and interfaces",
    async run(ctx) {
      const realms = await ctx.api().get<RealmSummary[]>("/realms");
      ctx.print(realms, () => renderTable(realms, realmColumns));
    },
  },
  {
    path: ["realms", "get"],
    args: "<realm>",
    summary: "Show one realm and its interfaces",
    async run(ctx) {
      const realm = await ctx.api().get<RealmDetail>(`/realms/${seg(ctx.positionals[0]!)}`);
      ctx.print(realm, () =>
        [
          renderFields([
            ["name", realm.name],
            ["state", realm.state],
            ["pid", realm.pid],
            ["host", realm.host],
            ["agent", realm.agent],
            ["cluster", realm.cluster],
            ["created", realm.createdAt],
            ["updated", realm.updatedAt],
          ]),
          "",
          renderTable(realm.interfaces, interfaceColumns),
        ].join("\n"),
      );
    },
  },
  {
    path: ["realms", "create"],
    args: "<realm>",
    summary: "Create a realm on an agent's host and start it",
    options: { agent: { type: "string" }, interface: { type: "string", multiple: true } },
    flags: {
      agent: "The agent id whose host runs the realm (default: the only agent)",
      interface: "alias:protocol:bind:port, e.g. nsp0:nsp:127.0.0.1:9000",
    },
    async run(ctx) {
      const api = ctx.api();
      let agentId = ctx.values.agent as string | undefined;
      if (!agentId) {
        const agents = await api.get<Agent[]>("/agents");
        if (agents.length !== 1) {
          throw new UsageError(
            `--agent is required: ${agents.length} agents are enrolled (conclave agents list)`,
          );
        }
        agentId = agents[0]!.id;
      }
      const body: CreateRealmRequest = {
        name: ctx.positionals[0]!,
        agentId,
        interfaces: ((ctx.values.interface as string[] | undefined) ?? []).map(parseInterface),
      };
      const realm = await api.json<RealmDetail>("POST", "/realms", { json: body });
      ctx.print(realm, () => `Created realm ${realm.name} on ${realm.host} (${realm.state}).`);
    },
  },
  {
    path: ["realms", "delete"],
    args: "<realm>",
    summary: "Stop a realm and delete it with its data directory",
    async run(ctx) {
      const name = ctx.positionals[0]!;
      await ctx.api().send("DELETE", `/realms/${seg(name)}`);
      ctx.print({ deleted: name }, () => `Deleted realm ${name}.`);
    },
  },
  {
    path: ["realms", "restart"],
    args: "<realm>",
    summary: "Restart a realm's process",
    async run(ctx) {
      const realm = await ctx
        .api()
        .json<RealmDetail>("POST", `/realms/${seg(ctx.positionals[0]!)}/restart`);
      ctx.print(
        realm,
        () => `Restarted realm ${realm.name} (${realm.state}, pid ${realm.pid ?? "-"}).`,
      );
    },
  },
  {
    path: ["realms", "status"],
    args: "<realm>",
    summary: "A realm's live status, read now through its agent",
    async run(ctx) {
      const live = await ctx
        .api()
        .get<RealmLiveStatus>(`/realms/${seg(ctx.positionals[0]!)}/status`);
      ctx.print(live, () => {
        const s = live.status;
        if (!s)
          return renderFields([
            ["realm", live.realm],
            ["state", live.state],
            ["status", "not reported"],
          ]);
        return [
          renderFields([
            ["realm", live.realm],
            ["state", live.state],
            ["pid", s.pid],
            ["version", s.version],
            ["uptime", `${Math.round(s.uptimeSeconds)} s`],
            ["connections", s.connections],
            ["events in/out per s", `${s.events.inPerSecond} / ${s.events.outPerSecond}`],
            ["rss", `${Math.round(s.memory.rssBytes / 2 ** 20)} MiB`],
            ["event loop p99", `${s.eventLoopDelayMs.p99} ms`],
            ["cluster", s.cluster ? JSON.stringify(s.cluster) : null],
          ]),
          "",
          renderTable(s.interfaces, [
            { header: "INTERFACE", value: (i) => i.name },
            { header: "PROTOCOL", value: (i) => i.protocol },
            { header: "PORT", value: (i) => i.boundPort ?? i.port },
            { header: "STATE", value: (i) => i.state },
            { header: "CONNECTIONS", value: (i) => i.connections },
            { header: "CLIENTS", value: (i) => i.clientSessions },
            { header: "LINKS", value: (i) => i.interRealmLinks },
            { header: "ERROR", value: (i) => i.error },
          ]),
        ].join("\n");
      });
    },
  },
];
