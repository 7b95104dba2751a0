// @vitest-environment happy-dom
import type { Role, SessionInfo, User } from "@conclave/protocol";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type FakeRoutes, renderWithQueries, stubFetch } from "../../testing/render";
import { UsersPage } from "./UsersPage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const user = (id: string, username: string, role: Role): User => ({
  id,
  username,
  role,
  createdAt: "2026-11-01T00:00:00.000Z",
  updatedAt: "2026-11-01T00:00:00.000Z",
});

const admin = user("u1", "ada", "admin");
const bob = user("u2", "bob", "viewer");

const session = (me: User): SessionInfo => ({
  user: me,
  csrfToken: "csrf",
  authenticatedBy: "session",
});

function render(routes: FakeRoutes = {}, me: User = admin) {
  const stub = stubFetch({
    "GET /api/v1/session": session(me),
    "GET /api/v1/users": { items: [admin, bob] },
    ...routes,
  });
  renderWithQueries(createElement(UsersPage));
  return stub;
}

/** A field by its label's exact text; a required field's label ends in PatternFly's " *". */
const field = (within_: HTMLElement, label: string) =>
  within(within_).getByLabelText((text) => text.replace(/\s*\*$/, "").trim() === label, {
    selector: "input,select",
  });

async function openAddUser() {
  fireEvent.click(await screen.findByRole("button", { name: "Add user" }));
  return screen.getByRole("dialog", { name: "Add user" });
}

describe("UsersPage", () => {
  it("lists users with their roles", async () => {
    render();
    const table = await screen.findByRole("grid", { name: "Users" });
    expect(within(table).getByText("ada (you)")).toBeTruthy();
    const role = within(table).getByLabelText("Role of bob") as HTMLSelectElement;
    expect(role.value).toBe("viewer");
  });

  it("shows the shared schema's messages and sends nothing while the form is wrong", async () => {
    const { calls } = render();
    const dialog = await openAddUser();
    fireEvent.change(field(dialog, "Username"), { target: { value: "-carol" } });
    fireEvent.change(field(dialog, "Password"), { target: { value: "short" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(
      await within(dialog).findByText("Password must have at least 12 characters"),
    ).toBeTruthy();
    expect(within(dialog).getByText(/Username may contain letters, digits/)).toBeTruthy();
    expect(calls.filter((c) => c.method === "POST")).toEqual([]);
  });

  it("adds a user with the chosen role and closes", async () => {
    const { calls } = render({
      "POST /api/v1/users": [201, user("u3", "carol", "operator")],
    });
    const dialog = await openAddUser();
    fireEvent.change(field(dialog, "Username"), { target: { value: "Carol" } });
    fireEvent.change(field(dialog, "Password"), { target: { value: "twelve chars!" } });
    fireEvent.change(field(dialog, "Role"), { target: { value: "operator" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Add user" })).toBeNull());
    const post = calls.find((c) => c.method === "POST");
    expect(JSON.parse(String(post?.body))).toEqual({
      username: "carol",
      password: "twelve chars!",
      role: "operator",
    });
  });

  it("shows the manager's refusal inline in the dialog", async () => {
    render({
      "POST /api/v1/users": [
        409,
        { error: { code: "conflict", message: "A user named bob already exists" } },
      ],
    });
    const dialog = await openAddUser();
    fireEvent.change(field(dialog, "Username"), { target: { value: "bob" } });
    fireEvent.change(field(dialog, "Password"), { target: { value: "twelve chars!" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Add" }));
    expect(await within(dialog).findByText("A user named bob already exists")).toBeTruthy();
  });

  it("changes a role and shows why the manager refused to demote the last admin", async () => {
    const { calls } = render({
      "PATCH /api/v1/users/u1": [
        409,
        {
          error: {
            code: "conflict",
            message: "ada is the last admin; make another user admin first",
          },
        },
      ],
    });
    fireEvent.change(await screen.findByLabelText("Role of ada"), {
      target: { value: "viewer" },
    });
    expect(await screen.findByText(/ada is the last admin/)).toBeTruthy();
    const patch = calls.find((c) => c.method === "PATCH");
    expect(JSON.parse(String(patch?.body))).toEqual({ role: "viewer" });
  });

  it("resets a password after checking the policy", async () => {
    const { calls } = render({ "PUT /api/v1/users/u2/password": [204, null] });
    fireEvent.click(await screen.findByRole("button", { name: "Reset password of bob" }));
    const dialog = screen.getByRole("dialog", { name: "Reset password of bob" });
    fireEvent.change(field(dialog, "New password"), { target: { value: "short" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Reset password" }));
    expect(
      await within(dialog).findByText("Password must have at least 12 characters"),
    ).toBeTruthy();
    expect(calls.filter((c) => c.method === "PUT")).toEqual([]);
    fireEvent.change(field(dialog, "New password"), { target: { value: "a new long secret" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Reset password" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "PUT")).toHaveLength(1));
  });

  it("deletes only after confirmation", async () => {
    const { calls } = render({ "DELETE /api/v1/users/u2": [204, null] });
    fireEvent.click(await screen.findByRole("button", { name: "Delete bob" }));
    const dialog = screen.getByRole("dialog", { name: "Delete user bob?" });
    expect(calls.filter((c) => c.method === "DELETE")).toEqual([]);
    fireEvent.click(within(dialog).getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(calls.filter((c) => c.method === "DELETE")).toHaveLength(1));
    expect(calls.find((c) => c.method === "DELETE")?.path).toBe("/api/v1/users/u2");
  });

  it("tells a non-admin the page needs the admin role and does not list users", async () => {
    const { calls } = render({}, user("u9", "otto", "operator"));
    expect(await screen.findByText("The Users page needs the admin role")).toBeTruthy();
    expect(screen.queryByRole("grid", { name: "Users" })).toBeNull();
    expect(calls.filter((c) => c.path === "/api/v1/users")).toEqual([]);
  });
});
