import type { ClusterStatusView, PreflightFinding, PreflightReport } from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import {
  type ClusterWizardState,
  canEnter,
  clusterNameProblem,
  findingsOf,
  isWatchDone,
  nextBlocker,
} from "./cluster-wizard-steps";

const finding = (severity: PreflightFinding["severity"]): PreflightFinding => ({
  severity,
  realm: "realm-a",
  check: "clockSkew",
  problem: "Clock is 3 s ahead",
  fix: "Run NTP",
});
const report = (...severities: PreflightFinding["severity"][]): PreflightReport => ({
  ok: !severities.includes("error"),
  findings: severities.map(finding),
});

const state = (over: Partial<ClusterWizardState> = {}): ClusterWizardState => ({
  name: "east",
  realms: ["realm-a", "realm-b"],
  preflight: report(),
  warningsAcknowledged: false,
  created: false,
  ...over,
});

const status = (over: Partial<ClusterStatusView> = {}): ClusterStatusView => ({
  name: "east",
  status: "Active",
  master: "realm-a",
  connectedServers: 1,
  disconnectedServers: 0,
  members: [
    { realm: "realm-a", state: "connected", role: "master" },
    { realm: "realm-b", state: "connected", role: "follower" },
  ],
  links: [],
  ...over,
});

describe("clusterNameProblem", () => {
  it("asks for a name, rejects what the shared schema rejects, accepts a valid one", () => {
    expect(clusterNameProblem("")).toBe("Enter a cluster name");
    expect(clusterNameProblem("-east")).toMatch(/starting with a letter or digit/);
    expect(clusterNameProblem("east west")).toMatch(/letters, digits/);
    expect(clusterNameProblem("x".repeat(64))).toBeDefined();
    expect(clusterNameProblem("east-1.dc_2")).toBeUndefined();
  });
});

describe("nextBlocker", () => {
  it("holds Members until the name is valid and a realm is chosen", () => {
    expect(nextBlocker("members", state({ name: "" }))).toBe("Enter a cluster name");
    expect(nextBlocker("members", state({ realms: [] }))).toBe("Choose at least one realm");
    expect(nextBlocker("members", state({ realms: ["realm-a"] }))).toBeNull();
  });

  it("holds Pre-flight while it runs and while an error finding stands", () => {
    expect(nextBlocker("preflight", state({ preflight: undefined }))).toMatch(/not finished/);
    expect(nextBlocker("preflight", state({ preflight: report("error", "warning") }))).toMatch(
      /Fix the errors/,
    );
    // Acknowledging warnings does not wave an error through.
    expect(
      nextBlocker("preflight", state({ preflight: report("error"), warningsAcknowledged: true })),
    ).not.toBeNull();
    expect(nextBlocker("preflight", state({ preflight: report() }))).toBeNull();
  });

  it("lets warnings through only once they are acknowledged", () => {
    const warned = state({ preflight: report("warning") });
    expect(nextBlocker("preflight", warned)).toMatch(/warnings/);
    expect(nextBlocker("preflight", { ...warned, warningsAcknowledged: true })).toBeNull();
  });

  it("holds Form until the cluster is created", () => {
    expect(nextBlocker("form", state())).toMatch(/Create/);
    expect(nextBlocker("form", state({ created: true }))).toBeNull();
  });
});

describe("canEnter", () => {
  it("opens each step only when every earlier one lets Next through", () => {
    const fresh = state({ name: "", preflight: undefined });
    expect(canEnter("members", fresh)).toBe(true);
    expect(canEnter("preflight", fresh)).toBe(false);
    const named = state({ preflight: undefined });
    expect(canEnter("preflight", named)).toBe(true);
    expect(canEnter("form", named)).toBe(false);
    expect(canEnter("form", state({ preflight: report("error") }))).toBe(false);
    expect(canEnter("form", state())).toBe(true);
    expect(canEnter("watch", state())).toBe(false);
  });

  it("leaves only Watch once the cluster exists", () => {
    const created = state({ created: true });
    expect(canEnter("watch", created)).toBe(true);
    expect(canEnter("members", created)).toBe(false);
    expect(canEnter("preflight", created)).toBe(false);
    expect(canEnter("form", created)).toBe(false);
  });
});

describe("isWatchDone", () => {
  it("is done when the cluster is Active with a master and every member connected", () => {
    expect(isWatchDone(status())).toBe(true);
    expect(isWatchDone(undefined)).toBe(false);
    expect(isWatchDone(status({ status: "Forming", master: null }))).toBe(false);
    expect(isWatchDone(status({ status: "Degraded" }))).toBe(false);
    expect(
      isWatchDone(
        status({ members: [{ realm: "realm-a", state: "recovering", role: "follower" }] }),
      ),
    ).toBe(false);
  });
});

describe("findingsOf", () => {
  const finding = {
    severity: "error",
    realm: "realm-b",
    check: "interRealmInterface",
    problem: "No interface allows InterRealm",
    fix: "Add one",
  } as const;

  it("reads the findings of a pre-flight 422", () => {
    const error = new ApiError(422, "invalid_input", "Cannot form", [], { findings: [finding] });
    expect(findingsOf(error)).toEqual([finding]);
  });

  it("has none for other errors", () => {
    expect(findingsOf(new ApiError(409, "conflict", "Exists"))).toEqual([]);
    expect(findingsOf(new Error("network"))).toEqual([]);
  });
});
