import { z } from "zod";
import { InterfaceDetailSchema } from "../realm/admin.js";
import { type ClusterConfigInput, ClusterStatusSchema } from "../realm/cluster.js";
import { RealmConfigSchema } from "../realm/config.js";
import { RealmStatusSchema } from "../realm/status.js";
import { SupervisedRealmSchema } from "./realm-process.js";

/**
 * The node agent's API (HTTPS with mutual TLS, called only by the manager). See docs/agent.md.
 */

/** A file the agent writes into a realm's data dir, mode 0600 (key and trust stores). */
export const RealmFileSchema = z.strictObject({
  /** Path relative to the realm's `keys/` directory: a plain file name. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$/, "a plain file name"),
  contentBase64: z.string(),
});
export type RealmFile = z.infer<typeof RealmFileSchema>;

/**
 * PUT /v1/realms/:name: makes the realm match `config` (creating it when absent). A running
 * realm gets the differences through its admin endpoint, live; files go into
 * `<data>/keys/` first, so `tls.keyStorePath: "keys/<file>"` resolves.
 */
export const ApplyRealmRequestSchema = z.strictObject({
  config: RealmConfigSchema,
  files: z.array(RealmFileSchema).default([]),
});
export type ApplyRealmRequest = z.input<typeof ApplyRealmRequestSchema>;

/** What applying did, interface by interface, and the resulting interface states. */
export const ApplyRealmResponseSchema = z.object({
  created: z.boolean(),
  interfaces: z.array(InterfaceDetailSchema),
  /** Interfaces the realm refused, with its reason (the rest were applied). */
  failures: z.array(z.object({ name: z.string(), error: z.string() })),
});
export type ApplyRealmResponse = z.infer<typeof ApplyRealmResponseSchema>;

/** GET /v1/realms/:name */
export const AgentRealmSchema = SupervisedRealmSchema.extend({ wanted: z.boolean() });
export type AgentRealm = z.infer<typeof AgentRealmSchema>;

/** GET /v1/realms/:name/status */
export const AgentRealmStatusSchema = z.object({
  process: SupervisedRealmSchema,
  status: RealmStatusSchema.nullable(),
});

/** GET /v1/realms/:name/logs */
export const AgentRealmLogsSchema = z.object({ lines: z.array(z.string()) });

/** GET /v1/info */
export const AgentInfoSchema = z.object({
  agentId: z.string(),
  hostname: z.string(),
  version: z.string(),
  time: z.number(),
});
export type AgentInfo = z.infer<typeof AgentInfoSchema>;

/** Body of every non-2xx answer of the agent API. */
export const AgentErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type AgentError = z.infer<typeof AgentErrorSchema>;

/**
 * GET /v1/realms/:name/identity: the realm's identity public key (its `identity.pub`, written
 * on first start), which cluster members need to accept its links. Public, not a secret.
 */
export const AgentRealmIdentitySchema = z.object({
  realm: z.string(),
  /** SPKI PEM of the Ed25519 identity key. */
  publicKeyPem: z.string(),
  /** SHA-256 of the DER public key (hex), as realms show it in GET /cluster. */
  fingerprintSha256: z.string(),
});
export type AgentRealmIdentity = z.infer<typeof AgentRealmIdentitySchema>;

/**
 * PUT /v1/realms/:name/cluster (body: the realm's `ClusterConfigSchema`) and
 * DELETE /v1/realms/:name/cluster. A running realm takes the change live through its admin
 * endpoint (`live`); a stopped one gets it in realm.json for its next start (`file`).
 */
export const AgentClusterChangeSchema = z.object({
  applied: z.enum(["live", "file"]),
  /** The realm's cluster status after a live change; null otherwise or after leaving. */
  status: ClusterStatusSchema.nullable(),
});
export type AgentClusterChange = z.infer<typeof AgentClusterChangeSchema>;

/**
 * The optional part of PUT /v1/realms/:name/cluster beside the `ClusterConfigSchema` fields:
 * trust material for the cluster's `trustStorePath`. The agent writes the files (0600) into
 * `<data>/keys/` before it applies the membership, so `trustStorePath: "keys/<file>"` resolves;
 * the realm re-reads its trust store on every PUT /cluster, so new bytes under the same name
 * take effect too.
 */
export const AgentClusterFilesSchema = z.object({
  files: z.array(RealmFileSchema).default([]),
});

/** Body of PUT /v1/realms/:name/cluster. */
export type AgentClusterRequest = ClusterConfigInput & { files?: RealmFile[] };
