import { readFile } from "node:fs/promises";
import type { Cluster, ClusterStatusView, CreateClusterRequest } from "@conclave/protocol";
import { isMissingRoute } from "../api-client.js";
import { CliError, UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { ExitCode } from "../exit-codes.js";
import { renderFields, renderTable } from "../render-table.js";
import { seg } from "./resolve-by-name.js";

// The clusters routes landed in the manager at the same time as this CLI: a manager without
// them answers 404 "No API route", which these commands turn into a clear message.

/** Runs a clusters request, turning "no such route" into a clear message (exit 4). */
async function clustersCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isMissingRoute(error)) {
      throw new CliError(
        `This manager has no clusters API yet (${(error as Error).message}). Upgrade the manager, or form clusters in the console.`,
        ExitCode.NotFound,
      );
    }
    throw error;
  }
}

/** clusters form|status|list|delete. */
export const clustersCommands: Command[] = [
  {
    path: ["clusters", "form"],
    args: "<cluster> [realm…]",
    summary: "Form a cluster of realms (POST /api/v1/clusters)",
    options: { body: { type: "string" } },
    flags: { body: "A JSON file with the whole request body, for fields the flags do not cover" },
    async run(ctx) {
      const [name, ...realms] = ctx.positionals as [string, ...string[]];
      const file = ctx.values.body as string | undefined;
      let body: CreateClusterRequest;
      if (file) {
        try {
          body = { name, ...JSON.parse(await readFile(file, "utf8")) };
        } catch (error) {
          throw new UsageError(`--body ${file}: ${(error as Error).message}`);
        }
      } else {
        if (realms.length === 0) {
          throw new UsageError("Name the member realms: conclave clusters form <cluster> <realm>…");
        }
        body = { name, realms } satisfies CreateClusterRequest;
      }
      const result = await clustersCall(() =>
        ctx.api().json<Cluster>("POST", "/clusters", { json: body }),
      );
      ctx.print(result, () =>
        [
          `Formed cluster ${result.name} (${result.status}).`,
          renderTable(result.members, [
            { header: "REALM", value: (m) => m.realm },
            { header: "ADDRESSES", value: (m) => m.addresses },
          ]),
        ].join("\n"),
      );
    },
  },
  {
    path: ["clusters", "status"],
    args: "<cluster>",
    summary: "A cluster's live status: members, master, links",
    async run(ctx) {
      const status = await clustersCall(() =>
        ctx.api().get<ClusterStatusView>(`/clusters/${seg(ctx.positionals[0]!)}/status`),
      );
      ctx.print(status, () =>
        [
          renderFields([
            ["cluster", status.name],
            ["status", status.status],
            ["master", status.master],
            ["connected servers", status.connectedServers],
            ["disconnected servers", status.disconnectedServers],
          ]),
          "",
          renderTable(status.members, [
            { header: "REALM", value: (m) => m.realm },
            { header: "STATE", value: (m) => m.state },
            { header: "ROLE", value: (m) => m.role },
          ]),
          "",
          renderTable(status.links, [
            { header: "FROM", value: (l) => l.from },
            { header: "TO", value: (l) => l.to },
            { header: "PROTOCOL", value: (l) => l.protocol },
            { header: "ENCRYPTED", value: (l) => l.encrypted },
            { header: "TLS", value: (l) => l.tlsVersion },
            { header: "RTT MS", value: (l) => l.rttMs },
          ]),
        ].join("\n"),
      );
    },
  },
  {
    path: ["clusters", "list"],
    summary: "List clusters",
    async run(ctx) {
      const list = await clustersCall(() => ctx.api().get<Cluster[]>("/clusters"));
      ctx.print(list, () =>
        renderTable(list, [
          { header: "NAME", value: (c) => c.name },
          { header: "STATUS", value: (c) => c.status },
          { header: "MEMBERS", value: (c) => c.members.map((m) => m.realm) },
          { header: "PRIME SITE", value: (c) => c.primeSite },
        ]),
      );
    },
  },
  {
    path: ["clusters", "delete"],
    args: "<cluster>",
    summary: "Dissolve a cluster (its realms keep running alone)",
    async run(ctx) {
      const name = ctx.positionals[0]!;
      await clustersCall(() => ctx.api().send("DELETE", `/clusters/${seg(name)}`));
      ctx.print({ deleted: name }, () => `Deleted cluster ${name}.`);
    },
  },
];
