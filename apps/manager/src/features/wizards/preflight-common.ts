import type { PrivateKeyEntry } from "@conclave/pki";
import type { ClusterStatusView, WizardFinding, WizardFindingCheck } from "@conclave/protocol";
import { CLOCK_SKEW_LIMIT_MS, CLOCK_SKEW_WARNING_MS } from "../clusters/preflight.js";
import type { KeystoresService } from "../keystores/keystores.service.js";
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

type OpenedStore = Awaited<ReturnType<KeystoresService["open"]>>;

/**
 * Opens an uploaded keystore/truststore pair for `realm`; the keystore must hold exactly the
 * one key the realm will serve. Problems become findings and the answer is null.
 */
export async function openUploadedPair(
  keystores: KeystoresService,
  realm: string,
  ids: { keystoreId: string; truststoreId: string },
  add: AddFinding,
): Promise<{ keystore: OpenedStore; truststore: OpenedStore; key: PrivateKeyEntry } | null> {
  const open = async (id: string, withKeys: boolean) => {
    try {
      return await keystores.open(id, { withKeys });
    } catch (error) {
      add(
        "error",
        realm,
        "keystore",
        `Keystore ${id} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
        "Pick a keystore from GET /api/v1/keystores",
      );
      return null;
    }
  };
  const keystore = await open(ids.keystoreId, true);
  const truststore = await open(ids.truststoreId, false);
  if (!keystore || !truststore) return null;
  const keys = keystore.store.entries.filter((e): e is PrivateKeyEntry => e.kind === "private-key");
  if (keys.length !== 1 || !keys[0]) {
    add(
      "error",
      realm,
      "keystore",
      `Keystore ${keystore.record.name} holds ${keys.length} private keys; the wizard needs exactly one`,
      "Use a keystore with the one key the realm should serve",
    );
    return null;
  }
  return { keystore, truststore, key: keys[0] };
}
