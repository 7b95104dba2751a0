// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { createElement, Fragment } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { useHealthSummaryQuery } from "../health/health.queries";
import { ChangeKeystorePasswordModal } from "./ChangeKeystorePasswordModal";
import { useKeystoreQuery, useKeystoresQuery } from "./keystores.queries";
import { byLabel } from "./test-helpers";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const ROUTE = "POST /api/v1/keystores/ks1/password";
const SECRET = "Tr0ub4dor&3";

/** What the page and the dashboard keep loaded while the dialog is open. */
function Watchers() {
  useKeystoresQuery();
  useKeystoreQuery("ks1");
  useHealthSummaryQuery();
  return null;
}

function open(onClose = vi.fn()) {
  renderWithQueries(
    createElement(
      Fragment,
      null,
      createElement(Watchers),
      createElement(ChangeKeystorePasswordModal, {
        keystoreId: "ks1",
        keystoreName: "client-trust",
        onClose,
      }),
    ),
  );
  return onClose;
}

function fill(current: string, next: string, confirm: string) {
  fireEvent.change(byLabel("Current password"), { target: { value: current } });
  fireEvent.change(byLabel("New password"), { target: { value: next } });
  fireEvent.change(byLabel("Confirm new password"), { target: { value: confirm } });
}

const submit = () => fireEvent.click(screen.getByRole("button", { name: "Save password" }));

const routes = {
  "GET /api/v1/keystores": { items: [] },
  "GET /api/v1/keystores/ks1": { id: "ks1" },
  "GET /api/v1/health/summary": { defaultCredentials: [] },
};

describe("ChangeKeystorePasswordModal", () => {
  it("masks every password and keeps browsers from filling in the saved one", () => {
    stubFetch(routes);
    open();
    expect(screen.getByRole("dialog", { name: "Change keystore password" })).toBeTruthy();
    const current = byLabel("Current password");
    expect(current.getAttribute("type")).toBe("password");
    expect(current.getAttribute("autocomplete")).toBe("off");
    for (const label of ["New password", "Confirm new password"]) {
      expect(byLabel(label).getAttribute("type")).toBe("password");
      expect(byLabel(label).getAttribute("autocomplete")).toBe("new-password");
    }
  });

  it("asks for a new password and a matching confirmation before sending anything", async () => {
    const { calls } = stubFetch(routes);
    open();
    submit();
    expect(await screen.findByText("Enter the current password")).toBeTruthy();
    expect(screen.getByText("A new password is required")).toBeTruthy();

    fill("changeit", SECRET, `${SECRET}x`);
    submit();
    expect(await screen.findByText("Does not match the new password")).toBeTruthy();
    expect(screen.queryByText("A new password is required")).toBeNull();
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
    expect(document.body.textContent).not.toContain(SECRET);
  });

  it("shows a wrong current password next to that field, without echoing it", async () => {
    stubFetch({
      ...routes,
      [ROUTE]: [
        422,
        {
          error: {
            code: "keystore_password",
            message:
              "Wrong keystore password: send the keystore's current password as currentPassword.",
          },
        },
      ],
    });
    const onClose = open();
    fill("not-it", SECRET, SECRET);
    submit();

    expect(await screen.findByText("The current password is wrong")).toBeTruthy();
    expect(byLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    expect(screen.queryByText("The password was not changed")).toBeNull();
    expect(document.body.textContent).not.toContain("not-it");
    expect(document.body.textContent).not.toContain(SECRET);
    expect(onClose).not.toHaveBeenCalled();

    // Typing another current password clears the verdict on the old one.
    fireEvent.change(byLabel("Current password"), { target: { value: "changeit" } });
    await waitFor(() => expect(screen.queryByText("The current password is wrong")).toBeNull());
  });

  it("shows any other refusal in the dialog", async () => {
    stubFetch({
      ...routes,
      [ROUTE]: [404, { error: { code: "not_found", message: "No keystore ks1" } }],
    });
    const onClose = open();
    fill("changeit", SECRET, SECRET);
    submit();
    expect(await screen.findByText("The password was not changed")).toBeTruthy();
    expect(screen.getByText("No keystore ks1")).toBeTruthy();
    expect(screen.queryByText("The current password is wrong")).toBeNull();
    expect(onClose).not.toHaveBeenCalled();
  });

  it("sends both passwords, closes, and reloads the keystore and the health summary", async () => {
    const { calls } = stubFetch({ ...routes, [ROUTE]: [204, null] });
    const onClose = open();
    await waitFor(() => expect(calls.length).toBe(3));
    fill("changeit", SECRET, SECRET);
    submit();

    await waitFor(() => expect(onClose).toHaveBeenCalled());
    const post = calls.find((c) => c.method === "POST");
    expect(post?.path).toBe("/api/v1/keystores/ks1/password");
    expect(JSON.parse(String(post?.body))).toEqual({
      currentPassword: "changeit",
      newPassword: SECRET,
    });
    const gets = (path: string) => calls.filter((c) => c.method === "GET" && c.path === path);
    // The dashboard's "well-known password" flag goes once the summary is fetched again.
    await waitFor(() => expect(gets("/api/v1/health/summary")).toHaveLength(2));
    expect(gets("/api/v1/keystores")).toHaveLength(2);
    expect(gets("/api/v1/keystores/ks1")).toHaveLength(2);
  });
});
