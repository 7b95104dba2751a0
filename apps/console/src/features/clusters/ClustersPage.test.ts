// @vitest-environment happy-dom
import type { Role } from "@conclave/protocol";
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { ClustersPage } from "./ClustersPage";

const EAST = {
  name: "east",
  status: "Forming",
  members: [
    { realm: "realm-a", addresses: [], identityFingerprintSha256: "aa" },
    { realm: "realm-b", addresses: [], identityFingerprintSha256: "bb" },
  ],
  sites: [],
  primeSite: null,
  createdAt: "2026-11-22T20:00:00.000Z",
  updatedAt: "2026-11-22T20:00:00.000Z",
};

function open(role: Role, clusters: unknown[]) {
  stubFetch({
    "GET /api/v1/session": { user: { username: "u", role }, csrfToken: "t" },
    "GET /api/v1/realms": [],
    "GET /api/v1/clusters": clusters,
    "GET /api/v1/clusters/east/status": {
      name: "east",
      status: "Degraded",
      master: "realm-a",
      connectedServers: 0,
      disconnectedServers: 1,
      members: [],
      links: [],
    },
  });
  renderWithQueries(createElement(MemoryRouter, null, createElement(ClustersPage)));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ClustersPage", () => {
  it("lists each cluster with its live status, master and server counts", async () => {
    open("viewer", [EAST]);
    expect(screen.getByRole("heading", { level: 1, name: "Clusters" })).toBeTruthy();
    const table = await screen.findByRole("grid", { name: "Clusters" });
    expect(within(table).getByRole("link", { name: "east" }).getAttribute("href")).toBe(
      "/clusters/east",
    );
    // The members' report wins over the manager's stored status once it has come.
    expect(await within(table).findByText("Degraded")).toBeTruthy();
    expect(within(table).getByText("realm-a")).toBeTruthy();
    expect(within(table).getByText("0 / 1")).toBeTruthy();
    expect(within(table).getByText("2")).toBeTruthy();
  });

  it("says when there is no cluster and lets operators open the wizard", async () => {
    open("operator", []);
    expect(await screen.findByText("No clusters")).toBeTruthy();
    fireEvent.click(await screen.findByRole("button", { name: "Form cluster" }));
    expect(screen.getByRole("dialog", { name: "Form a cluster" })).toBeTruthy();
  });
});
