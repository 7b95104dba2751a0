import type { ManagerEvent } from "@conclave/protocol";
import { Router } from "express";
import { defineRoute, type RouteRegistry } from "../../http/route-registry.js";
import type { EventBus } from "./event-bus.js";

/** Comment lines keep idle streams open through proxies that close silent connections. */
const HEARTBEAT_MS = 15_000;

export const eventsRoutes = {
  stream: defineRoute({
    method: "get",
    path: "/events",
    operationId: "streamEvents",
    summary: "Live status changes (Server-Sent Events)",
    description:
      "A `text/event-stream` that stays open. Each message has `event:` = the event type " +
      "(realm.state, interface.state, agent.connection, agent.drift, config.changed) and " +
      "`data:` = the JSON of a ManagerEvent. Status changes arrive within a second.",
    tag: "events",
    access: "viewer",
    status: 200,
  }),
};

export interface EventsRouterOptions {
  registry: RouteRegistry;
  bus: EventBus;
}

/** GET /api/v1/events */
export function createEventsRouter(options: EventsRouterOptions): Router {
  const { registry, bus } = options;
  const router = Router();

  registry.mount(router, eventsRoutes.stream, async ({ req, res }) => {
    res.status(200).set({
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-store",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.flushHeaders();
    res.write(": connected\n\n");
    let id = 0;
    const send = (event: ManagerEvent) => {
      id += 1;
      res.write(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    const unsubscribe = bus.subscribe(send);
    const heartbeat = setInterval(() => res.write(": heartbeat\n\n"), HEARTBEAT_MS);
    let offClose = () => {};
    await new Promise<void>((resolve) => {
      req.on("close", resolve);
      res.on("close", resolve);
      offClose = bus.onClose(resolve);
    });
    clearInterval(heartbeat);
    unsubscribe();
    offClose();
    if (!res.writableEnded) res.end();
    return undefined;
  });

  return router;
}
