import type { ManagerEvent } from "@conclave/protocol";
import type { QueryKey } from "@tanstack/react-query";
import { interfaceKeys } from "../interfaces/interfaces.keys";
import { realmKeys } from "../realms/realms.keys";

/** The cached queries a live event makes stale; the SSE hook invalidates exactly these. */
export function keysForEvent(event: ManagerEvent): QueryKey[] {
  switch (event.type) {
    case "realm.state":
      return [realmKeys.list(), realmKeys.detail(event.realm), realmKeys.status(event.realm)];
    case "interface.state":
      return [interfaceKeys.list(event.realm), realmKeys.list(), realmKeys.status(event.realm)];
    case "agent.connection":
    case "agent.drift":
      return [realmKeys.list()];
    case "config.changed":
      // An interface's name alone does not say its realm: refresh everything under realms.
      return [realmKeys.all];
    default:
      return [];
  }
}
