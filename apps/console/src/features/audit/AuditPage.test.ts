// @vitest-environment happy-dom
import type { AuditEntry, Role, SessionInfo } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { AuditPage } from "./AuditPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const session = (role: Role): SessionInfo => ({
  user: {
    id: "u1",
    username: "olive",
    role,
    createdAt: "2026-11-01T00:00:00.000Z",
    updatedAt: "2026-11-01T00:00:00.000Z",
  },
  csrfToken: "csrf",
  authenticatedBy: "session",
});

const entry = (id: string, action: string, username = "alice"): AuditEntry => ({
  id,
  at: "2026-11-22T10:00:00.000Z",
  userId: "u2",
  username,
  action,
  target: "user:bob",
  before: null,
  after: null,
  ip: "192.0.2.7",
});

/** The query strings of every GET /api/v1/audit made so far. */
function auditQueries(fetchMock: ReturnType<typeof stubFetch>["fetchMock"]): URLSearchParams[] {
  return fetchMock.mock.calls
    .map(([input]) => new URL(String(input), "http://console.test"))
    .filter((url) => url.pathname === "/api/v1/audit")
    .map((url) => url.searchParams);
}

const byLabel = (label: string) => screen.getByLabelText(label, { selector: "input" });

function render(role: Role = "operator", items = [entry("3", "user.create")], next = "3") {
  const stub = stubFetch({
    "GET /api/v1/session": session(role),
    "GET /api/v1/audit": { items, nextCursor: next },
  });
  renderWithQueries(createElement(AuditPage));
  return stub;
}

describe("AuditPage", () => {
  it("lists entries with their outcome", async () => {
    render("operator", [entry("4", "session.login_failed", "mallory"), entry("3", "user.create")]);
    const table = await screen.findByRole("grid", { name: "Audit log" });
    const failed = within(table).getByText("mallory").closest("tr") as HTMLElement;
    expect(within(failed).getByText("Failed")).toBeTruthy();
    expect(within(failed).getByText("192.0.2.7")).toBeTruthy();
    const done = within(table).getByText("user.create").closest("tr") as HTMLElement;
    expect(within(done).getByText("Succeeded")).toBeTruthy();
  });

  it("shows an entry's state before and after", async () => {
    render("operator", [
      { ...entry("5", "user.update"), before: { role: "viewer" }, after: { role: "operator" } },
    ]);
    fireEvent.click(
      await screen.findByRole("button", {
        name: "Changes of user.update at 2026-11-22T10:00:00.000Z",
      }),
    );
    const dialog = screen.getByRole("dialog", { name: "user.update user:bob" });
    expect(within(dialog).getByRole("region", { name: "Before" }).textContent).toContain(
      '"role": "viewer"',
    );
    expect(within(dialog).getByRole("region", { name: "After" }).textContent).toContain(
      '"role": "operator"',
    );
  });

  it("turns the filters into the API's query string", async () => {
    const { fetchMock } = render();
    await screen.findByRole("grid", { name: "Audit log" });
    expect(auditQueries(fetchMock)[0]?.toString()).toBe("limit=50");

    fireEvent.change(byLabel("Actor"), { target: { value: "Alice" } });
    fireEvent.change(byLabel("Action"), { target: { value: "user.*" } });
    fireEvent.change(byLabel("Resource"), { target: { value: "user:bob" } });
    fireEvent.change(byLabel("Since"), { target: { value: "2026-11-20T08:30" } });
    fireEvent.change(byLabel("Until"), { target: { value: "2026-11-21T08:30" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));

    await waitFor(() => expect(auditQueries(fetchMock)).toHaveLength(2));
    const sent = auditQueries(fetchMock)[1]!;
    expect(Object.fromEntries(sent)).toEqual({
      user: "alice",
      action: "user.*",
      target: "user:bob",
      since: new Date("2026-11-20T08:30").toISOString(),
      until: new Date("2026-11-21T08:30").toISOString(),
      limit: "50",
    });
  });

  it("refuses a time range that ends before it starts, without asking the manager", async () => {
    const { fetchMock } = render();
    await screen.findByRole("grid", { name: "Audit log" });
    fireEvent.change(byLabel("Since"), { target: { value: "2026-11-21T08:30" } });
    fireEvent.change(byLabel("Until"), { target: { value: "2026-11-20T08:30" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply filters" }));
    expect(await screen.findByText("Until must be later than Since")).toBeTruthy();
    expect(auditQueries(fetchMock)).toHaveLength(1);
  });

  it("pages to older entries with the answer's cursor and back", async () => {
    const { fetchMock } = render();
    await screen.findByRole("grid", { name: "Audit log" });
    fireEvent.click(screen.getByRole("button", { name: "Older entries" }));
    await waitFor(() => expect(auditQueries(fetchMock)[1]?.get("cursor")).toBe("3"));
    expect(await screen.findByText("Page 2")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Newer entries" }));
    expect(await screen.findByText("Page 1")).toBeTruthy();
  });

  it("tells a viewer the page needs the operator role and does not ask for the log", async () => {
    const { fetchMock } = render("viewer");
    expect(await screen.findByText("The audit log needs the operator role")).toBeTruthy();
    expect(screen.queryByRole("grid", { name: "Audit log" })).toBeNull();
    expect(auditQueries(fetchMock)).toEqual([]);
  });
});
