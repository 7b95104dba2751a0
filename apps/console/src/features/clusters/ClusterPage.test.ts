// @vitest-environment happy-dom
import type { ClusterStatusView, Role } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeRoutes, renderWithQueries, stubFetch } from "../../testing/render";
import { ClusterPage } from "./ClusterPage";

const CLUSTER = {
  name: "east",
  status: "Degraded",
  members: [],
  sites: [],
  primeSite: null,
  createdAt: "2026-11-22T20:00:00.000Z",
  updatedAt: "2026-11-22T20:00:00.000Z",
};

const STATUS: ClusterStatusView = {
  name: "east",
  status: "Degraded",
  master: "realm-a",
  connectedServers: 1,
  disconnectedServers: 1,
  members: [
    { realm: "realm-a", state: "connected", role: "master" },
    { realm: "realm-b", state: "connected", role: "follower" },
    { realm: "realm-c", state: "disconnected", role: null },
  ],
  links: [
    {
      from: "realm-a",
      to: "realm-b",
      protocol: "nsps",
      encrypted: true,
      tlsVersion: "TLSv1.3",
      cipher: "TLS_AES_256_GCM_SHA384",
      verified: true,
      rttMs: 0.42,
    },
    {
      from: "realm-b",
      to: "realm-a",
      protocol: "nsp",
      encrypted: false,
      tlsVersion: null,
      cipher: null,
      verified: false,
      rttMs: null,
    },
  ],
};

function open(role: Role, extra: FakeRoutes = {}) {
  const fake = stubFetch({
    "GET /api/v1/session": {
      user: { username: "ops", role },
      csrfToken: "t",
      authenticatedBy: "session",
    },
    "GET /api/v1/clusters/east": CLUSTER,
    "GET /api/v1/clusters/east/status": STATUS,
    "GET /api/v1/realms": [
      { name: "realm-a", cluster: "east" },
      { name: "realm-d", cluster: null },
      { name: "realm-e", cluster: "west" },
    ],
    ...extra,
  });
  renderWithQueries(
    createElement(
      MemoryRouter,
      { initialEntries: ["/clusters/east"] },
      createElement(
        Routes,
        null,
        createElement(Route, { path: "/clusters/:cluster", element: createElement(ClusterPage) }),
        createElement(Route, { path: "/clusters", element: "The clusters list" }),
      ),
    ),
  );
  return fake;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ClusterPage", () => {
  it("shows health, master, members and links as the members report them", async () => {
    open("viewer");
    expect(screen.getByRole("heading", { level: 1, name: "east" })).toBeTruthy();
    const members = await screen.findByRole("grid", { name: "Members of east" });
    const rowOf = (realm: string) =>
      within(members).getByRole("link", { name: realm }).closest("tr") as HTMLElement;
    expect(within(members).getByRole("link", { name: "realm-a" }).getAttribute("href")).toBe(
      "/realms/realm-a/status",
    );
    expect(within(rowOf("realm-a")).getByText("master")).toBeTruthy();
    expect(within(rowOf("realm-c")).getByText("disconnected").closest(".pf-m-red")).toBeTruthy();
    expect(screen.getAllByText("Degraded").length).toBeGreaterThan(0);

    const links = screen.getByRole("grid", { name: "Links of east" });
    const [tls, plain] = within(links).getAllByRole("row").slice(1);
    expect(tls?.textContent).toContain("TLSv1.3 TLS_AES_256_GCM_SHA384");
    expect(tls?.textContent).toContain("0.4 ms");
    expect(within(tls!).getByRole("cell", { name: "Verified" })).toBeTruthy();
    expect(plain?.textContent).toContain("Plaintext");
    expect(plain?.textContent).not.toContain("erified");

    // Viewers change nothing.
    expect(screen.queryByRole("button", { name: "Delete cluster" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Remove realm-b" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Add member" })).toBeNull();
  });

  it("adds only a realm that stands alone", async () => {
    const { calls } = open("operator", { "POST /api/v1/clusters/east/members": CLUSTER });
    const select = (await screen.findByLabelText("Realm to add")) as HTMLSelectElement;
    await waitFor(() => expect(select.options.length).toBe(2));
    expect([...select.options].map((o) => o.value)).toEqual(["", "realm-d"]);
    fireEvent.change(select, { target: { value: "realm-d" } });
    fireEvent.click(screen.getByRole("button", { name: "Add member" }));
    await waitFor(() =>
      expect(calls.find((c) => c.method === "POST")?.body).toBe('{"realm":"realm-d"}'),
    );
  });

  it("removes a member only after confirmation and shows a refusal inline", async () => {
    const { calls } = open("operator", {
      "DELETE /api/v1/clusters/east/members/realm-b": [
        409,
        { error: { code: "conflict", message: "realm-b is the last member" } },
      ],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Remove realm-b" }));
    const dialog = screen.getByRole("dialog", { name: "Remove realm-b from east?" });
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(within(dialog).getByRole("button", { name: "Remove" }));
    expect(await within(dialog).findByText("realm-b is the last member")).toBeTruthy();
  });

  it("deletes the cluster after confirmation and goes back to Clusters", async () => {
    const { calls } = open("operator", { "DELETE /api/v1/clusters/east": [204, null] });
    fireEvent.click(await screen.findByRole("button", { name: "Delete cluster" }));
    const dialog = screen.getByRole("dialog", { name: "Delete cluster east?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    expect(await screen.findByText("The clusters list")).toBeTruthy();
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual([
      "/api/v1/clusters/east",
    ]);
  });
});
