// @vitest-environment happy-dom
import type { DefaultCredentials, HealthSummary } from "@conclave/protocol";
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { HealthDashboardPage } from "./HealthDashboardPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const summary = (defaultCredentials: DefaultCredentials[]): HealthSummary => ({
  status: "ok",
  agents: { total: 1, connected: 1 },
  realms: { total: 2, running: 2, notRunning: 0 },
  interfaces: { total: 3, running: 3, stopped: 0, error: 0 },
  maxClockSkewMs: 3,
  clockSkew: [],
  clusters: [],
  certificates: [],
  defaultCredentials,
});

const flagged: DefaultCredentials[] = [
  {
    realm: "realm-a",
    interface: "nsps-interrealm",
    cluster: "east",
    keystoreId: "ks-1",
    keystore: "um-demo",
    reasons: ["knownPassword", "localhostOnly"],
    fix: "Rotate the credentials of cluster east (Clusters → east → Rotate credentials)",
  },
  {
    realm: null,
    interface: null,
    cluster: null,
    keystoreId: "ks-2",
    keystore: "sample-server",
    reasons: ["selfSigned", "sampleSubject"],
    fix: "Replace the certificates in sample-server with ones issued by your CA",
  },
];

function render(list: DefaultCredentials[]) {
  stubFetch({ "GET /api/v1/health/summary": summary(list) });
  renderWithQueries(
    createElement(
      MemoryRouter,
      { initialEntries: ["/health"] },
      createElement(
        Routes,
        null,
        createElement(Route, { path: "/health", element: createElement(HealthDashboardPage) }),
        createElement(Route, {
          path: "/clusters/:cluster",
          element: createElement("h1", null, "Cluster page"),
        }),
      ),
    ),
  );
}

const row = (table: HTMLElement, text: string) =>
  within(table).getByText(text).closest("tr") as HTMLElement;

describe("Default or demo credentials on the dashboard", () => {
  it("lists where each is used, why in words and the fix, linking to the realm's cluster", async () => {
    render(flagged);
    expect(
      await screen.findByRole("heading", { level: 2, name: "Default or demo credentials" }),
    ).toBeTruthy();
    const table = screen.getByRole("grid", { name: "Default or demo credentials" });

    const inCluster = row(table, "realm-a / nsps-interrealm");
    expect(within(inCluster).getByText("um-demo")).toBeTruthy();
    expect(within(inCluster).getByText("Well-known password")).toBeTruthy();
    expect(within(inCluster).getByText("Certificate for localhost only")).toBeTruthy();
    expect(within(inCluster).getByText(/Rotate the credentials of cluster east/)).toBeTruthy();

    const stored = row(table, "Stored, not in use");
    expect(within(stored).getByText("Self-signed certificate")).toBeTruthy();
    expect(within(stored).getByText("Sample certificate")).toBeTruthy();
    expect(within(stored).queryByRole("link")).toBeNull();

    fireEvent.click(within(inCluster).getByRole("link", { name: "Open cluster east" }));
    expect(await screen.findByRole("heading", { name: "Cluster page" })).toBeTruthy();
  });

  it("shows nothing when no credentials are flagged", async () => {
    render([]);
    expect(await screen.findByText("1/1")).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Default or demo credentials" })).toBeNull();
    expect(screen.queryByRole("grid", { name: "Default or demo credentials" })).toBeNull();
  });
});
