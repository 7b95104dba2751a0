import type { RealmInterface } from "@conclave/protocol";
import type { Command } from "../command.js";
import { renderTable } from "../render-table.js";
import {
  definitionOf,
  interfaceFlagHelp,
  interfaceFromFlags,
  interfaceOptions,
} from "./interface-flags.js";
import { interfaceColumns } from "./realms.commands.js";
import { resolveKeystore, seg } from "./resolve-by-name.js";

const path = (realm: string, alias?: string) =>
  `/realms/${seg(realm)}/interfaces${alias === undefined ? "" : `/${seg(alias)}`}`;

/** interfaces list|add|update|delete|start|stop. */
export const interfacesCommands: Command[] = [
  {
    path: ["interfaces", "list"],
    args: "<realm>",
    summary: "List a realm's interfaces with their live state",
    async run(ctx) {
      const items = await ctx.api().get<RealmInterface[]>(path(ctx.positionals[0]!));
      ctx.print(items, () => renderTable(items, interfaceColumns));
    },
  },
  {
    path: ["interfaces", "add"],
    args: "<realm> <alias>",
    summary: "Add an interface to a realm (it starts at once unless --no-autostart)",
    options: interfaceOptions,
    flags: interfaceFlagHelp,
    async run(ctx) {
      const api = ctx.api();
      const [realm, alias] = ctx.positionals as [string, string];
      const def = await interfaceFromFlags(
        ctx.values,
        {
          protocol: "nsp",
          bindAddress: "0.0.0.0",
          port: 0,
          autostart: true,
          allowInterRealm: true,
          allowClientConnections: true,
        },
        (k) => resolveKeystore(api, k),
      );
      const created = await api.json<RealmInterface>("POST", path(realm), {
        json: { alias, ...def },
      });
      ctx.print(created, () => renderTable([created], interfaceColumns));
    },
  },
  {
    path: ["interfaces", "update"],
    args: "<realm> <alias>",
    summary: "Change an interface; flags not given keep their current value",
    options: interfaceOptions,
    flags: interfaceFlagHelp,
    async run(ctx) {
      const api = ctx.api();
      const [realm, alias] = ctx.positionals as [string, string];
      const current = await api.get<RealmInterface>(path(realm, alias));
      const def = await interfaceFromFlags(ctx.values, definitionOf(current), (k) =>
        resolveKeystore(api, k),
      );
      const updated = await api.json<RealmInterface>("PUT", path(realm, alias), { json: def });
      ctx.print(updated, () => renderTable([updated], interfaceColumns));
    },
  },
  {
    path: ["interfaces", "delete"],
    args: "<realm> <alias>",
    summary: "Stop and remove an interface",
    async run(ctx) {
      const [realm, alias] = ctx.positionals as [string, string];
      await ctx.api().send("DELETE", path(realm, alias));
      ctx.print({ deleted: alias, realm }, () => `Deleted interface ${alias} of ${realm}.`);
    },
  },
  ...(["start", "stop"] as const).map(
    (verb): Command => ({
      path: ["interfaces", verb],
      args: "<realm> <alias>",
      summary: verb === "start" ? "Start an interface" : "Stop an interface (its definition stays)",
      async run(ctx) {
        const [realm, alias] = ctx.positionals as [string, string];
        const result = await ctx
          .api()
          .json<RealmInterface>("POST", `${path(realm, alias)}/${verb}`);
        ctx.print(result, () => renderTable([result], interfaceColumns));
      },
    }),
  ),
];
