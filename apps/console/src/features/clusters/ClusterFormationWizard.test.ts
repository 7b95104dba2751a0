// @vitest-environment happy-dom
import type { ClusterStatusView, PreflightReport } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeRoutes, renderWithQueries, stubFetch } from "../../testing/render";
import { ClusterFormationWizard } from "./ClusterFormationWizard";

const REALMS = [
  { name: "realm-a", cluster: null },
  { name: "realm-b", cluster: null },
  { name: "realm-c", cluster: "west" },
];

const PASSED: PreflightReport = { ok: true, findings: [] };
const clockWarning: PreflightReport = {
  ok: true,
  findings: [
    {
      severity: "warning",
      realm: "realm-b",
      check: "clockSkew",
      problem: "The clock of realm-b is 1.5 s ahead of the manager's",
      fix: "Synchronise the host's clock with NTP",
    },
  ],
};
const noInterRealm: PreflightReport = {
  ok: false,
  findings: [
    {
      severity: "error",
      realm: "realm-a",
      check: "interRealmInterface",
      problem: "realm-a has no running interface with Allow for InterRealm",
      fix: "Add an nsp interface with Allow for InterRealm on realm-a",
    },
  ],
};

const status = (over: Partial<ClusterStatusView>): ClusterStatusView => ({
  name: "east",
  status: "Forming",
  master: null,
  connectedServers: 0,
  disconnectedServers: 1,
  members: [
    { realm: "realm-a", state: "disconnected", role: "candidate" },
    { realm: "realm-b", state: "disconnected", role: "candidate" },
  ],
  links: [],
  ...over,
});

const CREATED = {
  name: "east",
  status: "Forming",
  members: [],
  sites: [],
  primeSite: null,
  createdAt: "2026-11-22T20:00:00.000Z",
  updatedAt: "2026-11-22T20:00:00.000Z",
};

/** `routes` stays live: a test changes an answer by assigning to it. */
function open(routes: FakeRoutes) {
  routes["GET /api/v1/realms"] = REALMS;
  const fake = stubFetch(routes);
  const onClose = vi.fn();
  renderWithQueries(
    createElement(
      MemoryRouter,
      { initialEntries: ["/clusters"] },
      createElement(
        Routes,
        null,
        createElement(Route, {
          path: "/clusters",
          element: createElement(ClusterFormationWizard, { onClose }),
        }),
        createElement(Route, { path: "/clusters/:cluster", element: "The cluster page" }),
      ),
    ),
  );
  const dialog = screen.getByRole("dialog", { name: "Form a cluster" });
  return { ...fake, dialog, onClose };
}

const button = (dialog: HTMLElement, name: string) =>
  within(dialog).getByRole("button", { name }) as HTMLButtonElement;

/** Fills in the Members step, realms clicked in the given order. */
async function choose(dialog: HTMLElement, name: string, realms: string[]) {
  fireEvent.change(within(dialog).getByLabelText("Cluster name"), { target: { value: name } });
  for (const realm of realms) fireEvent.click(await within(dialog).findByLabelText(realm));
}

const posts = (calls: { method: string; path: string; body: unknown }[], path: string) =>
  calls
    .filter((c) => c.method === "POST" && c.path === path)
    .map((c) => JSON.parse(String(c.body)));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("ClusterFormationWizard", () => {
  it("keeps Next disabled until the name is valid and a realm is chosen", async () => {
    const { dialog } = open({});
    const realmC = (await within(dialog).findByLabelText("realm-c")) as HTMLInputElement;
    expect(realmC.disabled).toBe(true);
    expect(within(dialog).getByText("Already a member of cluster west")).toBeTruthy();
    expect(button(dialog, "Next").disabled).toBe(true);

    fireEvent.change(within(dialog).getByLabelText("Cluster name"), {
      target: { value: "-east" },
    });
    expect(within(dialog).getByText(/starting with a letter or digit/)).toBeTruthy();
    fireEvent.click(within(dialog).getByLabelText("realm-a"));
    expect(button(dialog, "Next").disabled).toBe(true);

    fireEvent.change(within(dialog).getByLabelText("Cluster name"), { target: { value: "east" } });
    expect(button(dialog, "Next").disabled).toBe(false);
    fireEvent.click(within(dialog).getByLabelText("realm-a"));
    expect(button(dialog, "Next").disabled).toBe(true);
  });

  it("blocks on an error finding until a rerun passes", async () => {
    const routes: FakeRoutes = { "POST /api/v1/clusters/preflight": noInterRealm };
    const { dialog, calls } = open(routes);
    await choose(dialog, "east", ["realm-a"]);
    fireEvent.click(button(dialog, "Next"));

    const findings = await within(dialog).findByRole("grid", { name: "Pre-flight findings" });
    expect(within(findings).getByText(noInterRealm.findings[0]?.fix ?? "")).toBeTruthy();
    expect(button(dialog, "Next").disabled).toBe(true);
    expect(within(dialog).queryByLabelText(/I have read the warnings/)).toBeNull();

    routes["POST /api/v1/clusters/preflight"] = PASSED;
    fireEvent.click(button(dialog, "Run again"));
    expect(await within(dialog).findByText("Every check passed")).toBeTruthy();
    expect(button(dialog, "Next").disabled).toBe(false);
    expect(posts(calls, "/api/v1/clusters/preflight")).toEqual([
      { name: "east", realms: ["realm-a"] },
      { name: "east", realms: ["realm-a"] },
    ]);
  });

  it("asks the operator to acknowledge warnings before going on", async () => {
    const { dialog } = open({ "POST /api/v1/clusters/preflight": clockWarning });
    await choose(dialog, "east", ["realm-a", "realm-b"]);
    fireEvent.click(button(dialog, "Next"));

    expect(await within(dialog).findByText(/1.5 s ahead/)).toBeTruthy();
    expect(button(dialog, "Next").disabled).toBe(true);
    fireEvent.click(within(dialog).getByLabelText("I have read the warnings and want to go on"));
    expect(button(dialog, "Next").disabled).toBe(false);
    fireEvent.click(button(dialog, "Next"));
    expect(await within(dialog).findByRole("button", { name: "Create cluster" })).toBeTruthy();
  });

  it("posts the chosen name and members, in the realms' order, and shows a 422's findings", async () => {
    const { dialog, calls } = open({
      "POST /api/v1/clusters/preflight": PASSED,
      "POST /api/v1/clusters": [
        422,
        {
          error: {
            code: "invalid_input",
            message: "Cluster east cannot be formed: pre-flight found 1 problem",
            details: {
              findings: noInterRealm.findings,
              issues: [
                {
                  path: ["body", "realms", "realm-a"],
                  message:
                    "realm-a has no running interface with Allow for InterRealm. Fix: Add an nsp interface with Allow for InterRealm on realm-a",
                  code: "preflight.interRealmInterface",
                },
              ],
            },
          },
        },
      ],
    });
    await choose(dialog, "east", ["realm-b", "realm-a"]);
    fireEvent.click(button(dialog, "Next"));
    await within(dialog).findByText("Every check passed");
    fireEvent.click(button(dialog, "Next"));
    fireEvent.click(await within(dialog).findByRole("button", { name: "Create cluster" }));

    expect(await within(dialog).findByText("The cluster was not formed")).toBeTruthy();
    const findings = within(dialog).getByRole("grid", { name: "Pre-flight findings" });
    expect(within(findings).getByText(/has no running interface/)).toBeTruthy();
    expect(within(findings).getByText(/Add an nsp interface/)).toBeTruthy();
    expect(posts(calls, "/api/v1/clusters")).toEqual([
      { name: "east", realms: ["realm-a", "realm-b"] },
    ]);
  });

  it("watches the new cluster until it is Active, then opens its page", async () => {
    const routes: FakeRoutes = {
      "POST /api/v1/clusters/preflight": PASSED,
      "POST /api/v1/clusters": [202, CREATED],
      "GET /api/v1/clusters/east/status": status({}),
    };
    const { dialog, onClose } = open(routes);
    await choose(dialog, "east", ["realm-a", "realm-b"]);
    fireEvent.click(button(dialog, "Next"));
    await within(dialog).findByText("Every check passed");
    fireEvent.click(button(dialog, "Next"));
    fireEvent.click(await within(dialog).findByRole("button", { name: "Create cluster" }));

    const members = await within(dialog).findByRole("grid", { name: "Members of east" });
    expect(within(members).getAllByText("disconnected")).toHaveLength(2);
    expect(within(dialog).queryByText("Every member is connected")).toBeNull();

    routes["GET /api/v1/clusters/east/status"] = status({
      status: "Active",
      master: "realm-a",
      connectedServers: 1,
      disconnectedServers: 0,
      members: [
        { realm: "realm-a", state: "connected", role: "master" },
        { realm: "realm-b", state: "connected", role: "follower" },
      ],
    });
    // No SSE here: the step's own one-second poll must bring the change.
    expect(
      await within(dialog).findByText("Every member is connected", {}, { timeout: 3_000 }),
    ).toBeTruthy();
    expect(within(dialog).getByText("Master: realm-a")).toBeTruthy();

    fireEvent.click(button(dialog, "Open cluster"));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(screen.getByText("The cluster page")).toBeTruthy();
  });
});
