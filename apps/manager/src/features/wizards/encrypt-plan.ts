import type { InterfaceDefinition } from "@conclave/protocol";
import type { ClusterMemberRecord } from "../../store/clusters.repo.js";

/** Aliases of the interfaces the encryption wizard adds to every member realm. */
export const INTER_REALM_ALIAS = "nsps-interrealm";
export const CLIENT_ALIAS = "nsps-clients";

/** What the wizard decided for one realm (pre-flight), kept in the snapshot. */
export interface RealmPlan {
  /** The host peers dial the realm at (from its current inter-realm address). */
  host: string;
  /** Bind address of the new interfaces: that of the realm's inter-realm nsp interface. */
  bindAddress: string;
  interRealmPort: number;
  clientPort: number | null;
  /** nsps://host:port of the new inter-realm interface. */
  address: string;
  /** Aliases of the plaintext inter-realm interfaces the lock down closes to links. */
  oldInterfaces: string[];
  /** Set by pre-flight (uploaded) or stage (issued). */
  keystoreId: string | null;
  truststoreId: string | null;
}

/** The encryption wizard's snapshot: what rollback restores and what the steps decided. */
export interface EncryptSnapshot {
  /** Cut-over order, the master (when the wizard started) last. */
  order: string[];
  master: string | null;
  plan?: Record<string, RealmPlan>;
  /**
   * Taken by stage before anything changes: each realm's interfaces, the member list, the
   * cluster trust store (absent from wizards started before it was kept: none).
   */
  previous?: {
    realms: Record<string, InterfaceDefinition[]>;
    members: ClusterMemberRecord[];
    trustTruststoreId?: string | null;
  };
  /** The private CA and the shared truststore used with `certificates: "issue"`. */
  caId?: string;
  truststoreId?: string;
  lockedDown?: { realm: string; alias: string; refused: boolean; detail: string }[];
}

const ADDRESS = /^(nsp|nsps|nhp|nhps):\/\/(\[[^\]]+\]|[^:/]+):(\d+)/;

/** Protocol, host (brackets kept for IPv6) and port of an inter-realm address. */
export function parseAddress(
  address: string,
): { protocol: string; host: string; port: number } | null {
  const match = ADDRESS.exec(address);
  if (!match) return null;
  return { protocol: match[1]!, host: match[2]!, port: Number(match[3]) };
}

/** The host without IPv6 brackets (for SANs and sockets). */
export const bareHost = (host: string) => host.replace(/^\[|\]$/g, "");
