import { z } from "zod";
import { ClusterNameSchema, ClusterSiteSchema, MemberStateSchema } from "../realm/cluster.js";
import { RealmNameSchema } from "../realm/names.js";

/**
 * Clusters as the manager's REST API shows them (/api/v1/clusters). The manager keeps the
 * desired membership; the realms' own view comes from the agents' reports. See
 * docs/clusters.md.
 */

/**
 * Forming: created, not yet converged · Active: every member connected, a master ·
 * Degraded: a master with quorum, but a member is disconnected or recovering ·
 * NoQuorum: no master with a quorum.
 */
export const ClusterHealthSchema = z.enum(["Forming", "Active", "Degraded", "NoQuorum"]);
export type ClusterHealth = z.infer<typeof ClusterHealthSchema>;

/** POST /api/v1/clusters */
export const CreateClusterRequestSchema = z
  .strictObject({
    name: ClusterNameSchema,
    /** The member realms (GET /api/v1/realms), at least one. */
    realms: z.array(RealmNameSchema).min(1).max(64),
    /** Optional sites (groups of members, e.g. data centres). */
    sites: z.array(ClusterSiteSchema).default([]),
    /** The site whose members form a quorum with exactly half of the members. */
    primeSite: z.string().min(1).optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.realms.forEach((realm, index) => {
      if (seen.has(realm)) {
        ctx.addIssue({
          code: "custom",
          path: ["realms", index],
          message: `${realm} is listed twice; list each member once`,
        });
      }
      seen.add(realm);
    });
  });
export type CreateClusterRequest = z.input<typeof CreateClusterRequestSchema>;

/** POST /api/v1/clusters/{name}/members */
export const AddClusterMemberRequestSchema = z.strictObject({ realm: RealmNameSchema });
export type AddClusterMemberRequest = z.infer<typeof AddClusterMemberRequestSchema>;

export const ClusterParamsSchema = z.object({ name: ClusterNameSchema });
export const ClusterMemberParamsSchema = z.object({
  name: ClusterNameSchema,
  realm: RealmNameSchema,
});

/** One member as the manager distributes it. */
export const ClusterMemberViewSchema = z.object({
  realm: z.string(),
  /** Inter-realm addresses peers dial (from the realm's interfaces with Allow for InterRealm). */
  addresses: z.array(z.string()),
  /** SHA-256 of the realm's identity public key (hex). */
  identityFingerprintSha256: z.string(),
});

/** A cluster: its desired membership and its current status. */
export const ClusterSchema = z.object({
  name: z.string(),
  status: ClusterHealthSchema,
  members: z.array(ClusterMemberViewSchema),
  sites: z.array(ClusterSiteSchema),
  primeSite: z.string().nullable(),
  /**
   * The truststore (GET /api/v1/keystores id) whose CAs every member checks its peers'
   * certificates against on TLS links; null: links may be encrypted, certificates unchecked.
   * Set by the encryption and rotation wizards.
   */
  trustStoreId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Cluster = z.infer<typeof ClusterSchema>;
export const ClusterListSchema = z.array(ClusterSchema);

/** One inter-realm link, as the members report it. */
export const ClusterLinkViewSchema = z.object({
  from: z.string(),
  to: z.string(),
  protocol: z.enum(["nsp", "nsps", "nhp", "nhps"]),
  encrypted: z.boolean(),
  tlsVersion: z.string().nullable(),
  cipher: z.string().nullable(),
  /** TLS links only: the dialling realm checked the peer's certificate with the cluster trust store. */
  verified: z.boolean(),
  rttMs: z.number().nullable(),
});
export type ClusterLinkView = z.infer<typeof ClusterLinkViewSchema>;

/** GET /api/v1/clusters/{name}/status, derived from the agents' latest reports. */
export const ClusterStatusViewSchema = z.object({
  name: z.string(),
  status: ClusterHealthSchema,
  /** The master the members agree on; null while there is none. */
  master: z.string().nullable(),
  /** Eclipse Amlen's figures, seen from the master: other members connected / not connected. */
  connectedServers: z.number().int(),
  disconnectedServers: z.number().int(),
  members: z.array(
    z.object({
      realm: z.string(),
      /** connected / recovering / disconnected; `unknown` while its agent is silent. */
      state: z.union([MemberStateSchema, z.literal("unknown")]),
      /** master / follower / candidate; null when the realm does not answer. */
      role: z.enum(["master", "follower", "candidate"]).nullable(),
    }),
  ),
  links: z.array(ClusterLinkViewSchema),
});
export type ClusterStatusView = z.infer<typeof ClusterStatusViewSchema>;

/** How serious a pre-flight finding is: errors stop the formation (422). */
export const PreflightSeveritySchema = z.enum(["error", "warning"]);

/** One pre-flight finding: which realm, what is wrong, how to fix it. */
export const PreflightFindingSchema = z.object({
  severity: PreflightSeveritySchema,
  realm: z.string().nullable(),
  check: z.enum([
    "names",
    "realm",
    "agent",
    "interRealmInterface",
    "clockSkew",
    "identity",
    "membership",
  ]),
  problem: z.string(),
  fix: z.string(),
});
export type PreflightFinding = z.infer<typeof PreflightFindingSchema>;

/** POST /api/v1/clusters/preflight: the checks alone, nothing changes. */
export const PreflightReportSchema = z.object({
  /** True when no finding is an error: POST /api/v1/clusters would go ahead. */
  ok: z.boolean(),
  findings: z.array(PreflightFindingSchema),
});
export type PreflightReport = z.infer<typeof PreflightReportSchema>;

/**
 * The body of the 422 answer when pre-flight finds an error: the usual error body, with every
 * finding in `details.findings` (and, for generic clients, as `details.issues`).
 */
export const PreflightFailedSchema = z.object({
  error: z.object({
    code: z.literal("invalid_input"),
    message: z.string(),
    details: z.object({ findings: z.array(PreflightFindingSchema) }),
  }),
});
export type PreflightFailed = z.infer<typeof PreflightFailedSchema>;
