// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { KeystoresPage } from "./KeystoresPage";
import { byLabel, keyEntry, pendingEntry } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const session = (role: "viewer" | "operator") => ({
  user: { id: "u1", username: "ops", role },
  csrfToken: "csrf",
  authenticatedBy: "session",
});

const SUMMARY = {
  id: "ks1",
  name: "server",
  type: "pkcs12",
  entryCount: 2,
  privateKeyCount: 2,
  trustedCertificateCount: 0,
  nearestExpiry: "2027-01-01T00:00:00.000Z",
  expiry: "valid",
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

const KEYSTORE = {
  ...SUMMARY,
  sourceFormat: "pkcs12",
  entries: [keyEntry(), pendingEntry("realm2")],
};

function routes(role: "viewer" | "operator") {
  return {
    "GET /api/v1/session": session(role),
    "GET /api/v1/keystores": { items: [SUMMARY] },
    "GET /api/v1/keystores/ks1": KEYSTORE,
    "GET /api/v1/pki/cas": { items: [] },
  };
}

async function openEntry(alias: string) {
  fireEvent.click(await screen.findByRole("button", { name: "server" }));
  const table = await screen.findByRole("grid", { name: "Entries of server" });
  fireEvent.click(within(table).getByRole("button", { name: alias }));
}

describe("KeystoresPage", () => {
  it("opens an entry's drawer with every certificate of its chain", async () => {
    stubFetch(routes("viewer"));
    renderWithQueries(createElement(KeystoresPage));
    await openEntry("server");

    const leaf = await screen.findByRole("region", {
      name: "Certificate 1: CN=realm1.example",
    });
    expect(within(leaf).getByText("CN=Conclave Test CA")).toBeTruthy();
    expect(within(leaf).getByText("1a2b3c")).toBeTruthy();
    expect(within(leaf).getByText("2026-01-01 to 2027-01-01")).toBeTruthy();
    expect(within(leaf).getByText("EC 256")).toBeTruthy();
    expect(within(leaf).getByText("dns:realm1.example, ip:198.18.0.5")).toBeTruthy();
    expect(within(leaf).getByText("serverAuth, clientAuth")).toBeTruthy();
    expect(within(leaf).getByText("AA:BB:CC")).toBeTruthy();
    const root = screen.getByRole("region", { name: "Certificate 2: CN=Conclave Test CA" });
    expect(within(root).getByText("Root CA", { exact: false })).toBeTruthy();
    expect(within(root).getByText("DD:EE:FF")).toBeTruthy();
    // A viewer reads but changes nothing.
    expect(screen.queryByRole("button", { name: "Delete entry" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Generate key pair" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Change password" })).toBeNull();
  });

  it("changes the selected keystore's password from its actions", async () => {
    const { calls } = stubFetch({
      ...routes("operator"),
      "POST /api/v1/keystores/ks1/password": [204, null],
    });
    renderWithQueries(createElement(KeystoresPage));
    fireEvent.click(await screen.findByRole("button", { name: "server" }));
    fireEvent.click(await screen.findByRole("button", { name: "Change password" }));
    const dialog = await screen.findByRole("dialog", { name: "Change keystore password" });
    expect(within(dialog).getByText("server")).toBeTruthy();
    fireEvent.change(byLabel("Current password", within(dialog)), {
      target: { value: "changeit" },
    });
    fireEvent.change(byLabel("New password", within(dialog)), { target: { value: "n3w-S3cret" } });
    fireEvent.change(byLabel("Confirm new password", within(dialog)), {
      target: { value: "n3w-S3cret" },
    });
    fireEvent.click(within(dialog).getByRole("button", { name: "Save password" }));
    await waitFor(() =>
      expect(screen.queryByRole("dialog", { name: "Change keystore password" })).toBeNull(),
    );
    expect(
      calls.some((c) => c.method === "POST" && c.path === "/api/v1/keystores/ks1/password"),
    ).toBe(true);
  });

  it("deletes an entry only after the operator confirms", async () => {
    const { calls } = stubFetch({
      ...routes("operator"),
      "DELETE /api/v1/keystores/ks1/entries/realm2": [204, null],
    });
    renderWithQueries(createElement(KeystoresPage));
    await openEntry("realm2");
    expect(await screen.findByText("This key has no certificate yet")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Delete entry" }));
    const confirm = await screen.findByRole("dialog", { name: /Delete entry realm2/ });
    expect(calls.filter((c) => c.method === "DELETE")).toEqual([]);
    fireEvent.click(within(confirm).getByRole("button", { name: "Delete" }));
    await waitFor(() =>
      expect(calls.some((c) => c.method === "DELETE" && c.path.endsWith("/entries/realm2"))).toBe(
        true,
      ),
    );
  });
});
