import type { InterfaceDefinition } from "@conclave/protocol";
import type { ClusterMemberRecord } from "../../store/clusters.repo.js";

/** What the rotation decided for one realm (pre-flight), kept in the snapshot. */
export interface RotateRealmPlan {
  /** The host peers dial the realm at. */
  host: string;
  /** The realm's inter-realm address as the member list had it when pre-flight ran. */
  address: string;
  /**
   * The same interface spelled differently (a trailing slash added or removed): pushing it
   * makes the dialling peers open fresh links, which present the new certificate.
   */
  rotatedAddress: string;
  /** The nsps/nhps interfaces that serve the cluster credentials (they share its keystore). */
  aliases: string[];
  oldKeystoreId: string;
  /** SHA-256 of the leaf the inter-realm interface served at pre-flight, when reported. */
  oldCertificateSha256: string | null;
  /** SHA-256 of every CA certificate trusted or chained before the rotation. */
  oldCaSha256: string[];
  /** The new leaf: uploaded (pre-flight) or issued (swap step). */
  keystoreId: string | null;
  /** Trusts only the new CA: the realm's truststore once the old CA is dropped. */
  truststoreId: string | null;
  /** Old CAs plus the new one, while leaves are swapped (created by trust-new-ca). */
  transitionTruststoreId: string | null;
}

/** The rotation's snapshot: what rollback restores and what the steps decided. */
export interface RotateSnapshot {
  /** Leaf swap order, the master (when the wizard started) last. */
  order: string[];
  master: string | null;
  plan?: Record<string, RotateRealmPlan>;
  /** Taken by trust-new-ca before anything changes (trust store absent from older wizards: none). */
  previous?: {
    realms: Record<string, InterfaceDefinition[]>;
    members: ClusterMemberRecord[];
    trustTruststoreId?: string | null;
  };
  /** The cluster trust store while leaves are swapped: the previous one plus the new CAs. */
  clusterTransitionTruststoreId?: string;
  /** The new CA with `certificates: "issue"`. */
  caId?: string;
}

const SECURE = new Set(["nsps", "nhps"]);

export const isSecure = (definition: InterfaceDefinition) => SECURE.has(definition.protocol);

/**
 * The other spelling of an inter-realm address: `nsps://h:p` ↔ `nsps://h:p/`. Realms dial both
 * the same way, but a link whose address left the member list is moved (new link first, the
 * old one closed a second later: ADR 0003), so this re-handshakes links without a gap.
 */
export function respell(address: string): string {
  return address.endsWith("/") ? address.slice(0, -1) : `${address}/`;
}

/**
 * The interfaces that carry the cluster credentials: every nsps/nhps interface using the same
 * keystore as the inter-realm interface peers dial.
 */
export function credentialAliases(interfaces: InterfaceDefinition[], keystoreId: string): string[] {
  return interfaces
    .filter((d) => isSecure(d) && d.certificates?.keystoreId === keystoreId)
    .map((d) => d.alias);
}

/**
 * `interfaces` with the certificates of `aliases` pointed at `keystoreId` (its only key: any
 * key alias chosen for the old keystore is dropped) and `truststoreId`.
 */
export function withCredentials(
  interfaces: InterfaceDefinition[],
  aliases: string[],
  ids: { keystoreId?: string; truststoreId: string },
): InterfaceDefinition[] {
  return interfaces.map((d) => {
    if (!aliases.includes(d.alias) || !d.certificates) return d;
    const { keyAlias, ...rest } = d.certificates;
    const certificates = ids.keystoreId
      ? { ...rest, keystoreId: ids.keystoreId, truststoreId: ids.truststoreId }
      : { ...d.certificates, truststoreId: ids.truststoreId };
    return { ...d, certificates };
  });
}
