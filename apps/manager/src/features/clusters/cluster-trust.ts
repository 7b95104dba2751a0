import type { RealmFile } from "@conclave/protocol";
import { ConflictError } from "../../http/errors.js";
import type { Fleet } from "../agents/fleet.js";

/** Where every member finds the cluster trust store: one PEM bundle in its `keys/` directory. */
export const CLUSTER_TRUST_FILE = "cluster-trust.pem";

/** The part of PUT /v1/realms/:name/cluster that carries the cluster trust store. */
export interface ClusterTrustDelivery {
  trustStorePath?: string;
  files?: RealmFile[];
}

/**
 * The cluster trust store as the agent delivers it: the truststore's trusted certificates as
 * one PEM bundle plus the `trustStorePath` naming it. Realms re-read it on every member-list
 * push and a push without `trustStorePath` switches verification off, so every push of a
 * cluster's members must carry this (empty when the cluster has no trust store).
 */
export async function clusterTrustDelivery(
  fleet: Fleet,
  truststoreId: string | null,
): Promise<ClusterTrustDelivery> {
  if (!truststoreId) return {};
  const read = fleet.keyMaterial?.trustedCertificates?.bind(fleet.keyMaterial);
  if (!read) {
    throw new ConflictError(
      "The cluster trust store cannot be read: keystores are not available (no master key)",
    );
  }
  const pems = await read(truststoreId);
  if (pems.length === 0) {
    throw new ConflictError(
      `Truststore ${truststoreId} holds no trusted certificate, so it cannot be the cluster trust store; import the CA certificate into it first`,
    );
  }
  const bundle = `${pems.map((pem) => pem.trim()).join("\n")}\n`;
  return {
    trustStorePath: `keys/${CLUSTER_TRUST_FILE}`,
    files: [{ name: CLUSTER_TRUST_FILE, contentBase64: Buffer.from(bundle).toString("base64") }],
  };
}
