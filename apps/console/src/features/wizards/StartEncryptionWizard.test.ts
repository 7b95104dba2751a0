// @vitest-environment happy-dom
import type { Role } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter, Route, Routes, useParams } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeRoutes, renderWithQueries, stubFetch } from "../../testing/render";
import { StartEncryptionWizard } from "./StartEncryptionWizard";
import { StartRotationWizard } from "./StartRotationWizard";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const T = "2026-11-22T20:00:00.000Z";
const session = (role: Role) => ({
  user: { id: "u1", username: "ops", role, createdAt: T, updatedAt: T },
  csrfToken: "csrf",
  authenticatedBy: "session",
});

function WizardRoute() {
  return createElement("p", null, `wizard page ${useParams().id}`);
}

function start(
  component: typeof StartEncryptionWizard | typeof StartRotationWizard,
  routes: FakeRoutes,
  role: Role = "operator",
) {
  const fetch = stubFetch({ "GET /api/v1/session": session(role), ...routes });
  renderWithQueries(
    createElement(
      MemoryRouter,
      { initialEntries: ["/clusters/cluster-a"] },
      createElement(
        Routes,
        null,
        createElement(Route, {
          path: "/clusters/:cluster",
          element: createElement(component, {
            cluster: "cluster-a",
            members: ["realm-a", "realm-b"],
          }),
        }),
        createElement(Route, { path: "/wizards/:id", element: createElement(WizardRoute) }),
      ),
    ),
  );
  return fetch;
}

const posted = (calls: { method: string; body: unknown }[]) =>
  calls.filter((c) => c.method === "POST").map((c) => JSON.parse(String(c.body)));

const KEYSTORES = {
  items: [
    { id: "ks-a", name: "realm-a-server" },
    { id: "ks-b", name: "realm-b-server" },
    { id: "trust", name: "cluster-trust" },
  ],
};

describe("StartEncryptionWizard", () => {
  it("starts with a private CA, plaintext kept, a client interface and TLS 1.2+1.3, then opens the wizard", async () => {
    const { calls } = start(StartEncryptionWizard, {
      "POST /api/v1/wizards": [201, { id: "w42" }],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Switch to TLS" }));
    const dialog = screen.getByRole("dialog", { name: "Switch inter-realm communication to TLS" });
    const radio = (name: string) => within(dialog).getByRole("radio", { name }) as HTMLInputElement;
    const box = (name: string) =>
      within(dialog).getByRole("checkbox", { name }) as HTMLInputElement;
    expect(radio("Issue certificates from a private CA").checked).toBe(true);
    expect(radio("Use uploaded keystores").checked).toBe(false);
    expect(radio("Keep serving clients").checked).toBe(true);
    expect(radio("Restrict to loopback").checked).toBe(false);
    expect(radio("Remove").checked).toBe(false);
    expect(box("Also add a TLS interface for clients").checked).toBe(true);
    expect(box("TLSv1.2").checked).toBe(true);
    expect(box("TLSv1.3").checked).toBe(true);
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    expect(await screen.findByText("wizard page w42")).toBeTruthy();
    expect(posted(calls)).toEqual([
      {
        kind: "encrypt-inter-realm",
        cluster: "cluster-a",
        options: {
          certificates: "issue",
          plaintext: "keep",
          clientInterface: true,
          protocols: ["TLSv1.2", "TLSv1.3"],
        },
      },
    ]);
  });

  it("sends the operator's choices: uploaded keystores per realm, loopback, TLSv1.3 only", async () => {
    const { calls } = start(StartEncryptionWizard, {
      "GET /api/v1/keystores": KEYSTORES,
      "POST /api/v1/wizards": [201, { id: "w7" }],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Switch to TLS" }));
    const dialog = screen.getByRole("dialog", { name: "Switch inter-realm communication to TLS" });
    fireEvent.click(within(dialog).getByRole("radio", { name: "Use uploaded keystores" }));
    // Nothing chosen yet: each realm's selects say so and nothing is sent.
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    expect(await within(dialog).findByText("Choose a key store for realm-b")).toBeTruthy();
    expect(within(dialog).getByText("Choose a trust store for realm-a")).toBeTruthy();
    expect(posted(calls)).toEqual([]);

    const select = (label: string) => within(dialog).getByLabelText(new RegExp(`^${label}`));
    await waitFor(() =>
      expect(within(select("Key store for realm-a")).getAllByRole("option")).toHaveLength(4),
    );
    fireEvent.change(select("Key store for realm-a"), { target: { value: "ks-a" } });
    fireEvent.change(select("Trust store for realm-a"), { target: { value: "trust" } });
    fireEvent.change(select("Key store for realm-b"), { target: { value: "ks-b" } });
    fireEvent.change(select("Trust store for realm-b"), { target: { value: "trust" } });
    fireEvent.click(within(dialog).getByRole("radio", { name: "Restrict to loopback" }));
    fireEvent.click(
      within(dialog).getByRole("checkbox", { name: "Also add a TLS interface for clients" }),
    );
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "TLSv1.2" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    expect(await screen.findByText("wizard page w7")).toBeTruthy();
    expect(posted(calls)).toEqual([
      {
        kind: "encrypt-inter-realm",
        cluster: "cluster-a",
        options: {
          certificates: {
            "realm-a": { keystoreId: "ks-a", truststoreId: "trust" },
            "realm-b": { keystoreId: "ks-b", truststoreId: "trust" },
          },
          plaintext: "loopback",
          clientInterface: false,
          protocols: ["TLSv1.3"],
        },
      },
    ]);
  });

  it("refuses to start with no TLS protocol, and shows the manager's refusal", async () => {
    const { calls } = start(StartEncryptionWizard, {
      "POST /api/v1/wizards": [
        409,
        { error: { code: "conflict", message: "A wizard is already running on cluster-a" } },
      ],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Switch to TLS" }));
    const dialog = screen.getByRole("dialog", { name: "Switch inter-realm communication to TLS" });
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "TLSv1.2" }));
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "TLSv1.3" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    expect(await within(dialog).findByText("Choose at least one TLS protocol")).toBeTruthy();
    expect(posted(calls)).toEqual([]);
    fireEvent.click(within(dialog).getByRole("checkbox", { name: "TLSv1.3" }));
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    expect(
      await within(dialog).findByText("A wizard is already running on cluster-a"),
    ).toBeTruthy();
    expect(screen.queryByText(/wizard page/)).toBeNull();
  });

  it("is not offered to viewers", async () => {
    const { calls } = start(StartEncryptionWizard, {}, "viewer");
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/session")).toBe(true));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByRole("button", { name: "Switch to TLS" })).toBeNull();
  });
});

describe("StartRotationWizard", () => {
  it("posts a rotate-credentials wizard with a private CA by default", async () => {
    const { calls } = start(StartRotationWizard, {
      "POST /api/v1/wizards": [201, { id: "r1" }],
    });
    fireEvent.click(await screen.findByRole("button", { name: "Rotate credentials" }));
    const dialog = screen.getByRole("dialog", { name: "Rotate cluster credentials" });
    expect(within(dialog).queryByRole("radio", { name: "Keep serving clients" })).toBeNull();
    fireEvent.click(within(dialog).getByRole("button", { name: "Start" }));
    expect(await screen.findByText("wizard page r1")).toBeTruthy();
    expect(posted(calls)).toEqual([
      { kind: "rotate-credentials", cluster: "cluster-a", options: { certificates: "issue" } },
    ]);
  });
});
