// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { EnterprisePage } from "./EnterprisePage";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const realm = (i: number) => ({
  name: `realm-${String(i).padStart(3, "0")}`,
  host: "host-1",
  state: "running",
  interfaces: [],
  cluster: null,
});

function renderWith(count: number) {
  stubFetch({ "GET /api/v1/realms": Array.from({ length: count }, (_, i) => realm(i)) });
  renderWithQueries(createElement(MemoryRouter, null, createElement(EnterprisePage)));
}

describe("EnterprisePage", () => {
  it("shows an enterprise of 200 realms 50 at a time, with pages", async () => {
    renderWith(200);
    const table = await screen.findByRole("grid", { name: "Realms" });
    // 50 realm rows and the header row.
    expect(within(table).getAllByRole("row")).toHaveLength(51);
    expect(within(table).getByText("realm-000")).toBeTruthy();
    expect(within(table).queryByText("realm-050")).toBeNull();

    fireEvent.click(screen.getAllByRole("button", { name: "Go to next page" })[0]!);
    expect(await within(table).findByText("realm-050")).toBeTruthy();
    expect(within(table).queryByText("realm-000")).toBeNull();
  });

  it("shows a small enterprise whole, without pages", async () => {
    renderWith(3);
    const table = await screen.findByRole("grid", { name: "Realms" });
    expect(within(table).getAllByRole("row")).toHaveLength(4);
    expect(screen.queryByRole("navigation", { name: "Realm pages" })).toBeNull();
  });
});
