// @vitest-environment happy-dom
import type { ClusterStatusView, HealthSummary } from "@conclave/protocol";
import { cleanup, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { HealthDashboardPage } from "./HealthDashboardPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const summary: HealthSummary = {
  status: "degraded",
  agents: { total: 2, connected: 1 },
  realms: { total: 4, running: 3, notRunning: 1 },
  interfaces: { total: 6, running: 4, stopped: 1, error: 1 },
  maxClockSkewMs: 2500,
  clockSkew: [
    {
      agent: "agent-1",
      hostname: "host-1",
      connected: true,
      skewMs: 2500,
      measuredAt: "2026-11-22T10:00:00.000Z",
    },
    { agent: "agent-2", hostname: "host-2", connected: false, skewMs: 12, measuredAt: null },
  ],
  clusters: [{ name: "east", status: "Degraded", master: "realm-a" }],
  certificates: [
    {
      source: "keystore",
      where: "keystore server / server",
      subject: "CN=realm-a",
      notAfter: "2026-11-25T00:00:00.000Z",
      daysLeft: 3,
      status: "expiringSoon",
    },
  ],
  defaultCredentials: [],
};

const east: ClusterStatusView = {
  name: "east",
  status: "Degraded",
  master: "realm-a",
  connectedServers: 2,
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
      rttMs: 1,
    },
    {
      from: "realm-a",
      to: "realm-c",
      protocol: "nsp",
      encrypted: false,
      tlsVersion: null,
      cipher: null,
      verified: false,
      rttMs: null,
    },
  ],
};

function render() {
  stubFetch({
    "GET /api/v1/health/summary": summary,
    "GET /api/v1/clusters/east/status": east,
  });
  renderWithQueries(createElement(HealthDashboardPage));
}

/** The fill of a realm's node in a topology picture. */
function nodeFill(svg: HTMLElement, realm: string): string | null {
  return svg.querySelector(`g[data-realm="${realm}"] circle`)?.getAttribute("fill") ?? null;
}

describe("HealthDashboardPage", () => {
  it("shows the counts at a glance", async () => {
    render();
    expect(await screen.findByText("1/2")).toBeTruthy();
    expect(screen.getByText("3/4")).toBeTruthy();
    expect(screen.getByText("4 running · 1 stopped · 1 error")).toBeTruthy();
  });

  it("shows a cluster's figures and its disconnected member red", async () => {
    render();
    const svg = await screen.findByRole("img", { name: "Topology of east" });
    const card = screen.getByRole("article", { name: "east" });
    expect(within(card).getByText(/2 connected/)).toBeTruthy();
    expect(within(card).getByText(/1 disconnected/)).toBeTruthy();
    expect(within(card).getByText("Degraded")).toBeTruthy();
    expect(nodeFill(svg, "realm-c")).toContain("status--danger");
    expect(nodeFill(svg, "realm-b")).toContain("status--success");
    expect(within(svg).getByText("master")).toBeTruthy();

    const members = screen.getByRole("grid", { name: "Members of east on the dashboard" });
    const row = within(members).getByText("realm-c").closest("tr") as HTMLElement;
    expect(within(row).getByText("disconnected")).toBeTruthy();
  });

  it("says on hover how each link is protected, a plaintext one dashed", async () => {
    render();
    const svg = await screen.findByRole("img", { name: "Topology of east" });
    const titles = [...svg.querySelectorAll("g[data-link] > title")].map((t) => t.textContent);
    expect(titles).toEqual([
      "realm-a → realm-b: TLSv1.3 TLS_AES_256_GCM_SHA384",
      "realm-a → realm-c: plaintext nsp",
    ]);
    const drawn = (key: string) =>
      svg
        .querySelector(`g[data-link="${key}"] line:last-of-type`)
        ?.getAttribute("stroke-dasharray");
    expect(drawn("realm-a→realm-c")).toBeTruthy();
    expect(drawn("realm-a→realm-b")).toBeFalsy();
    const lock = (key: string) => svg.querySelector(`g[data-link="${key}"] [data-glyph="lock"]`);
    expect(lock("realm-a→realm-b")).not.toBeNull();
    expect(lock("realm-a→realm-c")).toBeNull();
  });

  it("lists certificates by expiry and flags clock skew and a disconnected agent", async () => {
    render();
    const certificates = await screen.findByRole("grid", { name: "Certificate expiry" });
    expect(within(certificates).getByText("CN=realm-a")).toBeTruthy();
    expect(within(certificates).getByText(/3 days · Expires soon/)).toBeTruthy();

    const skew = screen.getByRole("grid", { name: "Clock skew" });
    const host1 = within(skew).getByText("host-1").closest("tr") as HTMLElement;
    expect(within(host1).getByTitle("Too large").textContent).toContain("2500");
    const host2 = within(skew).getByText("host-2").closest("tr") as HTMLElement;
    expect(within(host2).getByText("Agent disconnected")).toBeTruthy();
  });
});
