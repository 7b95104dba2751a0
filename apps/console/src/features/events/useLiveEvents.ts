import { type ManagerEvent, ManagerEventSchema } from "@conclave/protocol";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { keysForEvent } from "./keys-for-event";

const EVENT_TYPES: ManagerEvent["type"][] = [
  "realm.state",
  "interface.state",
  "agent.connection",
  "agent.drift",
  "config.changed",
  "cluster.status",
  "wizard.progress",
];

/**
 * Subscribes to GET /api/v1/events while signed in and invalidates the queries each event
 * touches, so pages stay current without a refresh button. EventSource reconnects by itself.
 */
export function useLiveEvents(enabled: boolean): void {
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/v1/events");
    const onMessage = (message: MessageEvent<string>) => {
      const parsed = ManagerEventSchema.safeParse(JSON.parse(message.data));
      if (!parsed.success) return;
      for (const queryKey of keysForEvent(parsed.data)) {
        void queryClient.invalidateQueries({ queryKey });
      }
    };
    for (const type of EVENT_TYPES) source.addEventListener(type, onMessage);
    return () => source.close();
  }, [enabled, queryClient]);
}
