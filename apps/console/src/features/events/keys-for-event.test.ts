import { describe, expect, it } from "vitest";
import { keysForEvent } from "./keys-for-event";

const at = "2026-01-01T00:00:00.000Z";

describe("keysForEvent", () => {
  it("refreshes a realm's interfaces when one changes state", () => {
    expect(
      keysForEvent({
        type: "interface.state",
        at,
        realm: "realm-a",
        alias: "nsp0",
        status: "Running",
        previous: "Stopped",
        error: null,
      }),
    ).toContainEqual(["realms", "realm-a", "interfaces"]);
  });

  it("refreshes the realm list and the realm when its process changes state", () => {
    const keys = keysForEvent({
      type: "realm.state",
      at,
      realm: "realm-b",
      agent: "a1",
      state: "running",
      previous: "starting",
      pid: 1,
    });
    expect(keys).toContainEqual(["realms", "list"]);
    expect(keys).toContainEqual(["realms", "realm-b", "detail"]);
  });

  it("refreshes everything under realms when the desired state changes", () => {
    expect(
      keysForEvent({
        type: "config.changed",
        at,
        resource: "interface",
        action: "create",
        name: "x",
      }),
    ).toEqual([["realms"], ["health"]]);
  });

  it("refreshes the cluster's status and the dashboard when a cluster's health changes", () => {
    const keys = keysForEvent({
      type: "cluster.status",
      at,
      cluster: "demo",
      status: "Degraded",
      previous: "Active",
      master: "realm-b",
      connectedServers: 2,
      disconnectedServers: 1,
      members: [{ realm: "realm-a", state: "disconnected" }],
    });
    expect(keys).toContainEqual(["clusters", "demo", "status"]);
    expect(keys).toContainEqual(["health"]);
  });
});
