import type { ClusterStatusView, WizardFinding, WizardFindingCheck } from "@conclave/protocol";
import { CLOCK_SKEW_LIMIT_MS, CLOCK_SKEW_WARNING_MS } from "../clusters/preflight.js";
import type { MemberView } from "./cluster-operations.js";

/** Records one finding; ids are `<check>:<realm>` made unique with a counter. */
export type AddFinding = (
  severity: "error" | "warning",
  realm: string | null,
  check: WizardFindingCheck,
  problem: string,
  fix: string,
) => void;

/** A finding list and the function that adds to it. */
export function findingList(): { findings: WizardFinding[]; add: AddFinding } {
  const findings: WizardFinding[] = [];
  const add: AddFinding = (severity, realm, check, problem, fix) => {
    const base = `${check}:${realm ?? "cluster"}`;
    let id = base;
    for (let n = 2; findings.some((f) => f.id === id); n++) id = `${base}:${n}`;
    findings.push({ id, severity, realm, check, problem, fix, acknowledged: false });
  };
  return { findings, add };
}

/** pki certificate-check ids → the wizards' finding checks. */
export const CERTIFICATE_CHECK_OF: Record<string, WizardFindingCheck> = {
  "localhost-only-certificate": "certificateCoverage",
  "host-not-covered": "certificateCoverage",
  "host-coverage-unknown": "certificateCoverage",
  "no-subject-alt-name": "certificateCoverage",
  "key-mismatch": "keyMatch",
  "no-certificate": "keyMatch",
  expired: "expiry",
  "not-yet-valid": "expiry",
  "expiring-soon": "expiry",
  "missing-server-auth": "keyUsage",
  "missing-client-auth": "keyUsage",
  "key-usage-unsuitable": "keyUsage",
  "ca-as-leaf": "keyUsage",
  "weak-key": "keyUsage",
  "weak-signature": "keyUsage",
  "chain-broken": "chain",
  "untrusted-chain": "chain",
  "trust-anchor-expired": "chain",
  "empty-truststore": "chain",
};

/**
 * The cluster must be whole before links move or re-handshake one realm at a time: a master
 * with quorum (a warning when one more loss would stop it) and every member connected.
 * `during` names what the wizard does, for the warning ("while links move").
 */
export function checkClusterWhole(
  cluster: string,
  status: ClusterStatusView,
  members: MemberView[],
  add: AddFinding,
  during: string,
): void {
  const master = members.find((m) => m.realm === status.master);
  const quorum = master?.cluster?.quorum;
  if (!status.master || !quorum?.hasQuorum) {
    add(
      "error",
      null,
      "quorum",
      `Cluster ${cluster} has no master with a quorum (status ${status.status})`,
      "Bring members back until the cluster is Active, then start the wizard again",
    );
  } else if (quorum.margin <= 0) {
    add(
      "warning",
      null,
      "quorum",
      `Quorum is at risk: losing one more member of ${cluster} stops it serving ${during}`,
      "Bring every member back (the cluster should be Active) before starting the wizard",
    );
  }
  for (const view of status.members) {
    if (view.state !== "connected") {
      add(
        "error",
        view.realm,
        "membership",
        `${view.realm} is ${view.state} in cluster ${cluster}`,
        "Start the realm (and its agent) and wait until the cluster status shows it connected",
      );
    }
  }
}

/** A host clock far off the manager's makes new certificates look not yet valid. */
export function checkClock(view: MemberView, add: AddFinding): void {
  const skew = view.agent?.clockSkewMs;
  if (skew === null || skew === undefined) return;
  const host = view.agent?.hostname ?? view.realm;
  if (Math.abs(skew) > CLOCK_SKEW_LIMIT_MS) {
    add(
      "error",
      view.realm,
      "clockSkew",
      `The clock of ${host} is ${Math.round(skew)} ms off the manager's (limit ${CLOCK_SKEW_LIMIT_MS} ms): new certificates may look not yet valid`,
      "Synchronise the host's clock (NTP/chrony) and start the wizard again",
    );
  } else if (Math.abs(skew) > CLOCK_SKEW_WARNING_MS) {
    add(
      "warning",
      view.realm,
      "clockSkew",
      `The clock of ${host} is ${Math.round(skew)} ms off the manager's`,
      "Synchronise the host's clock (NTP/chrony)",
    );
  }
}
