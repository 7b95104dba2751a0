// @vitest-environment happy-dom
import type { PreflightFinding, WizardFinding } from "@conclave/protocol";
import { cleanup, render, screen, within } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it } from "vitest";
import { FindingsTable } from "./FindingsTable";

afterEach(cleanup);

function rows() {
  const table = screen.getByRole("grid", { name: "Pre-flight findings" });
  return within(table)
    .getAllByRole("row")
    .map((row) =>
      within(row)
        .queryAllByRole("cell")
        .map((cell) => cell.textContent),
    )
    .filter((cells) => cells.length > 0);
}

const header = () =>
  within(screen.getByRole("grid", { name: "Pre-flight findings" }))
    .getAllByRole("columnheader")
    .map((h) => h.textContent);

describe("FindingsTable", () => {
  it("lists a cluster's findings errors first, a cluster-wide one for all realms", () => {
    const findings: PreflightFinding[] = [
      {
        severity: "warning",
        realm: "realm-b",
        check: "clockSkew",
        problem: "Clock 1.5 s ahead",
        fix: "Run chrony",
      },
      {
        severity: "error",
        realm: null,
        check: "names",
        problem: "The name is taken",
        fix: "Choose another name",
      },
    ];
    render(createElement(FindingsTable, { findings }));
    expect(header()).toEqual(["Severity", "Realm", "Problem", "How to fix"]);
    expect(rows()).toEqual([
      ["Error", "all", "The name is taken", "Choose another name"],
      ["Warning", "realm-b", "Clock 1.5 s ahead", "Run chrony"],
    ]);
  });

  it("says which of a wizard's warnings are acknowledged", () => {
    const finding = (patch: Partial<WizardFinding>): WizardFinding => ({
      id: "expiry:realm-a",
      severity: "warning",
      realm: "realm-a",
      check: "expiry",
      problem: "Expires in 12 days",
      fix: "Renew it",
      acknowledged: false,
      ...patch,
    });
    render(
      createElement(FindingsTable, {
        findings: [
          finding({}),
          finding({ id: "expiry:realm-b", realm: "realm-b", acknowledged: true }),
          finding({ id: "quorum:realm-c", severity: "error", realm: "realm-c" }),
        ],
        withAcknowledged: true,
      }),
    );
    expect(header()).toEqual(["Severity", "Realm", "Problem", "How to fix", "Acknowledged"]);
    expect(rows().map((cells) => [cells[0], cells[1], cells[4]])).toEqual([
      ["Error", "realm-c", "—"],
      ["Warning", "realm-a", "No"],
      ["Warning", "realm-b", "Yes"],
    ]);
  });
});
