import type { ManagerEvent } from "@conclave/protocol";
import type { QueryKey } from "@tanstack/react-query";
import { clusterKeys } from "../clusters/clusters.keys";
import { healthKeys } from "../health/health.keys";
import { interfaceKeys } from "../interfaces/interfaces.keys";
import { realmKeys } from "../realms/realms.keys";
import { wizardKeys } from "../wizards/wizards.keys";

/** The cached queries a live event makes stale; the SSE hook invalidates exactly these. */
export function keysForEvent(event: ManagerEvent): QueryKey[] {
  switch (event.type) {
    case "realm.state":
      return [
        realmKeys.list(),
        realmKeys.detail(event.realm),
        realmKeys.status(event.realm),
        healthKeys.all,
        // A member's process state shows on its cluster's page before the next report.
        clusterKeys.all,
      ];
    case "interface.state":
      return [
        interfaceKeys.list(event.realm),
        realmKeys.list(),
        realmKeys.status(event.realm),
        healthKeys.all,
      ];
    case "agent.connection":
    case "agent.drift":
      return [realmKeys.list(), healthKeys.all];
    case "config.changed":
      // An interface's name alone does not say its realm: refresh everything under realms.
      return event.resource === "cluster"
        ? [realmKeys.all, clusterKeys.all, healthKeys.all]
        : [realmKeys.all, healthKeys.all];
    case "cluster.status":
      return [
        clusterKeys.list(),
        clusterKeys.status(event.cluster),
        realmKeys.list(),
        healthKeys.all,
      ];
    case "wizard.progress":
      return [wizardKeys.list(), wizardKeys.detail(event.id)];
    default:
      return [];
  }
}
