// @vitest-environment happy-dom
import type { Role, Wizard } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeRoutes, renderWithQueries, stubFetch } from "../../testing/render";
import { WizardPage } from "./WizardPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const T = "2026-11-22T20:00:00.000Z";

function wizard(patch: Partial<Wizard> = {}): Wizard {
  return {
    id: "w1",
    kind: "encrypt-inter-realm",
    cluster: "cluster-a",
    state: "running",
    options: { certificates: "issue", plaintext: "keep" },
    steps: [
      {
        name: "preflight",
        title: "Pre-flight checks",
        status: "done",
        startedAt: T,
        finishedAt: T,
        evidence: [{ at: T, realm: "realm-a", message: "certificate covers 198.18.0.5" }],
        error: null,
      },
      {
        name: "stage",
        title: "Stage keystores and interfaces",
        status: "running",
        startedAt: T,
        finishedAt: null,
        evidence: [{ at: T, realm: "realm-b", message: "nsps0 added on port 9443" }],
        error: null,
      },
      {
        name: "probe",
        title: "Probe TLS handshakes",
        status: "pending",
        startedAt: null,
        finishedAt: null,
        evidence: [],
        error: null,
      },
    ],
    findings: [],
    report: null,
    createdBy: "admin",
    createdAt: T,
    updatedAt: T,
    ...patch,
  };
}

const session = (role: Role) => ({
  user: { id: "u1", username: "ops", role, createdAt: T, updatedAt: T },
  csrfToken: "csrf",
  authenticatedBy: "session",
});

function show(w: Wizard, routes: FakeRoutes = {}, role: Role = "operator") {
  const fetch = stubFetch({
    "GET /api/v1/session": session(role),
    [`GET /api/v1/wizards/${w.id}`]: w,
    ...routes,
  });
  renderWithQueries(
    createElement(
      MemoryRouter,
      { initialEntries: [`/wizards/${w.id}`] },
      createElement(
        Routes,
        null,
        createElement(Route, { path: "/wizards/:id", element: createElement(WizardPage) }),
      ),
    ),
  );
  return fetch;
}

const ACTIONS = ["Pause", "Resume", "Roll back", "Cancel"];

/** Buttons wait for the signed-in role; an empty toolbar proves nothing before it is known. */
async function sessionKnown(calls: { path: string }[]) {
  await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/session")).toBe(true));
  await new Promise((r) => setTimeout(r, 50));
}
const shownActions = () =>
  ACTIONS.filter((name) => screen.queryByRole("button", { name }) !== null);

describe("WizardPage", () => {
  it("names the wizard and its cluster, its state and every step with its status", async () => {
    show(wizard());
    expect(
      await screen.findByRole("heading", {
        level: 1,
        name: "Switch inter-realm communication to TLS: cluster-a",
      }),
    ).toBeTruthy();
    expect(screen.getByText("Running", { selector: ".pf-v6-c-label__text" })).toBeTruthy();
    const steps = screen.getByRole("list", { name: "Wizard steps" });
    expect(within(steps).getByRole("listitem", { name: "Pre-flight checks: Done" })).toBeTruthy();
    expect(
      within(steps).getByRole("listitem", { name: "Stage keystores and interfaces: Running" }),
    ).toBeTruthy();
    expect(
      within(steps).getByRole("listitem", { name: "Probe TLS handshakes: Pending" }),
    ).toBeTruthy();
    // The running step's evidence shows first; another step's on a click.
    const evidence = screen.getByRole("grid", {
      name: "Evidence of Stage keystores and interfaces",
    });
    expect(within(evidence).getByText("nsps0 added on port 9443")).toBeTruthy();
    fireEvent.click(within(steps).getByRole("button", { name: "Pre-flight checks" }));
    expect(
      within(screen.getByRole("grid", { name: "Evidence of Pre-flight checks" })).getByText(
        "certificate covers 198.18.0.5",
      ),
    ).toBeTruthy();
  });

  it("lists pre-flight findings with their fixes and acknowledges exactly the warnings shown", async () => {
    const findings: Wizard["findings"] = [
      {
        id: "expiry:realm-b",
        severity: "warning",
        realm: "realm-b",
        check: "expiry",
        problem: "The certificate expires in 12 days",
        fix: "Renew it, or let the wizard issue one",
        acknowledged: false,
      },
      {
        id: "clockSkew:realm-c",
        severity: "warning",
        realm: "realm-c",
        check: "clockSkew",
        problem: "Clock 900 ms ahead",
        fix: "Run chrony",
        acknowledged: true,
      },
    ];
    const { calls } = show(wizard({ state: "awaitingAcknowledgement", findings }), {
      "POST /api/v1/wizards/w1/acknowledge": {},
    });
    const table = await screen.findByRole("grid", { name: "Pre-flight findings" });
    const header = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(header).toEqual(["Severity", "Realm", "Problem", "How to fix", "Acknowledged"]);
    expect(within(table).getByText("The certificate expires in 12 days")).toBeTruthy();
    expect(within(table).getByText("Renew it, or let the wizard issue one")).toBeTruthy();
    expect(shownActions()).toEqual(["Cancel"]);
    fireEvent.click(screen.getByRole("button", { name: "Acknowledge warnings and continue" }));
    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const post = calls.find((c) => c.method === "POST");
    expect(post?.path).toBe("/api/v1/wizards/w1/acknowledge");
    expect(JSON.parse(String(post?.body))).toEqual({ findings: ["expiry:realm-b"] });
  });

  it("explains a blocked wizard changed nothing and offers only Cancel", async () => {
    show(
      wizard({
        state: "blocked",
        findings: [
          {
            id: "certificateCoverage:realm-b",
            severity: "error",
            realm: "realm-b",
            check: "certificateCoverage",
            problem: "The certificate covers localhost only; peers dial 198.18.0.6",
            fix: "Issue certificates from the private CA",
            acknowledged: false,
          },
        ],
      }),
    );
    expect(await screen.findByText("Pre-flight found errors: nothing was changed")).toBeTruthy();
    expect(screen.getByText(/peers dial 198\.18\.0\.6/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Acknowledge warnings and continue" })).toBeNull();
    expect(shownActions()).toEqual(["Cancel"]);
  });

  it.each([
    ["running", ["Pause", "Roll back", "Cancel"]],
    ["paused", ["Resume", "Roll back", "Cancel"]],
    ["failed", ["Resume", "Roll back", "Cancel"]],
    ["completed", ["Roll back"]],
    ["rollingBack", []],
    ["rolledBack", []],
    ["cancelled", []],
  ] as const)("in state %s shows %j", async (state, expected) => {
    const { calls } = show(wizard({ state }));
    await screen.findByRole("heading", { level: 1 });
    await sessionKnown(calls);
    await waitFor(() => expect(shownActions()).toEqual(expected));
  });

  it("shows viewers no action buttons", async () => {
    const { calls } = show(wizard({ state: "failed" }), {}, "viewer");
    await screen.findByRole("heading", { level: 1 });
    await sessionKnown(calls);
    expect(shownActions()).toEqual([]);
  });

  it("shows a failed step's error and rolls back only once confirmed", async () => {
    const w = wizard({ state: "failed" });
    w.steps[1] = { ...w.steps[1]!, status: "failed", error: "realm-b did not answer within 30 s" };
    const { calls } = show(w, { "POST /api/v1/wizards/w1/rollback": {} });
    expect(await screen.findByText("realm-b did not answer within 30 s")).toBeTruthy();
    fireEvent.click(await screen.findByRole("button", { name: "Roll back" }));
    const dialog = await screen.findByRole("dialog", { name: "Roll back this wizard?" });
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Roll back" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([
        "/api/v1/wizards/w1/rollback",
      ]),
    );
  });

  it("pauses at once, without asking", async () => {
    const { calls } = show(wizard(), { "POST /api/v1/wizards/w1/pause": {} });
    fireEvent.click(await screen.findByRole("button", { name: "Pause" }));
    await waitFor(() =>
      expect(calls.filter((c) => c.method === "POST").map((c) => c.path)).toEqual([
        "/api/v1/wizards/w1/pause",
      ]),
    );
  });

  it("shows the link report when completed and downloads it as wizard-<id>-report.json", async () => {
    const report = {
      generatedAt: T,
      links: [
        {
          from: "realm-a",
          to: "realm-b",
          protocol: "nsps" as const,
          tlsVersion: "TLSv1.3",
          cipher: "TLS_AES_256_GCM_SHA384",
          peerCertificateSha256: "AB:CD:EF",
          peerCertificateVerified: true,
        },
      ],
      lockedDown: [{ realm: "realm-a", alias: "nsp0", refused: true }],
    };
    const done = wizard({ state: "completed", report });
    done.steps = done.steps.map((s) => ({ ...s, status: "done" }));
    const { calls } = show(done, { "GET /api/v1/wizards/w1/report": report });
    const table = await screen.findByRole("grid", { name: "Link report" });
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual([
      "From",
      "To",
      "Protocol",
      "TLS version",
      "Cipher",
      "Peer certificate SHA-256",
      "Verified",
    ]);
    expect(within(table).getByText("TLSv1.3")).toBeTruthy();
    expect(within(table).getByRole("cell", { name: "Yes" })).toBeTruthy();
    expect(within(table).getByText("AB:CD:EF")).toBeTruthy();

    const saved: { name: string; blob: Blob }[] = [];
    const blobs = new Map<string, Blob>();
    vi.stubGlobal(
      "URL",
      Object.assign(URL, {
        createObjectURL: (blob: Blob) => {
          const url = `blob:test/${blobs.size}`;
          blobs.set(url, blob);
          return url;
        },
        revokeObjectURL: () => {},
      }),
    );
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      saved.push({ name: this.download, blob: blobs.get(this.href)! });
    });
    fireEvent.click(screen.getByRole("button", { name: "Download report" }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved[0]!.name).toBe("wizard-w1-report.json");
    expect(JSON.parse(await saved[0]!.blob.text())).toEqual(report);
    expect(calls.some((c) => c.path === "/api/v1/wizards/w1/report")).toBe(true);
  });

  it("hides the report while the wizard is not completed", async () => {
    show(wizard());
    await screen.findByRole("heading", { level: 1 });
    expect(screen.queryByRole("grid", { name: "Link report" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Download report" })).toBeNull();
  });
});
