// @vitest-environment happy-dom
import type { Wizard } from "@conclave/protocol";
import { cleanup, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { WizardList } from "./WizardList";

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const wizard = (id: string, cluster: string, createdAt: string, patch: Partial<Wizard> = {}) =>
  ({
    id,
    kind: "encrypt-inter-realm",
    cluster,
    state: "completed",
    options: {},
    steps: [],
    findings: [],
    report: null,
    createdBy: "admin",
    createdAt,
    updatedAt: createdAt,
    ...patch,
  }) satisfies Wizard;

describe("WizardList", () => {
  it("lists the cluster's wizards newest first, each linking to its page", async () => {
    stubFetch({
      "GET /api/v1/wizards": [
        wizard("w1", "cluster-a", "2026-11-20T10:00:00.000Z"),
        wizard("w2", "cluster-b", "2026-11-21T10:00:00.000Z"),
        wizard("w3", "cluster-a", "2026-11-22T10:00:00.000Z", {
          kind: "rotate-credentials",
          state: "running",
        }),
      ],
    });
    renderWithQueries(
      createElement(MemoryRouter, null, createElement(WizardList, { cluster: "cluster-a" })),
    );
    const table = await screen.findByRole("grid", { name: "Wizards of cluster-a" });
    const links = within(table).getAllByRole("link");
    expect(links.map((l) => [l.textContent, l.getAttribute("href")])).toEqual([
      ["Rotate cluster credentials", "/wizards/w3"],
      ["Switch inter-realm communication to TLS", "/wizards/w1"],
    ]);
    expect(within(table).getByText("Running")).toBeTruthy();
    expect(within(table).getByText("Completed")).toBeTruthy();
  });
});
