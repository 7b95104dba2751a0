import { z } from "zod";
import { RealmNameSchema } from "./names.js";

/**
 * Realm clustering: membership (part of realm.json, changed live through the admin endpoint),
 * the inter-realm frames of the identity handshake and of replication, and cluster status.
 * See docs/realm.md "Clustering", docs/protocol.md "Inter-realm links" and
 * docs/adr/0003-cluster-protocol.md.
 */

/** A cluster name: shared by every member, bound into each link's identity handshake. */
export const ClusterNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/,
    "Cluster names are 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit",
  );

/** Where a peer accepts inter-realm links: `nsp://host:port`, `nsps://…`, `nhp://…`, `nhps://…`. */
export const InterRealmAddressSchema = z
  .string()
  .regex(
    /^(nsp|nsps|nhp|nhps):\/\/[^\s/]+:\d{1,5}(\/\S*)?$/,
    "An inter-realm address is <nsp|nsps|nhp|nhps>://<host>:<port>, e.g. nsp://10.0.0.2:9000",
  );

/** One member of a cluster, as every member's realm.json lists it. */
export const ClusterMemberSchema = z.object({
  /** The member realm's name. */
  name: RealmNameSchema,
  /**
   * Inter-realm addresses of the member, in order of preference; peers dial the first one that
   * answers. Changing this list moves the links to the member live (e.g. nsp → nsps).
   */
  addresses: z.array(InterRealmAddressSchema).default([]),
  /** The member's Ed25519 identity public key (SPKI PEM, the content of its identity.pub). */
  publicKey: z
    .string()
    .regex(/-----BEGIN PUBLIC KEY-----/, "publicKey must be a PEM public key (identity.pub)"),
});
export type ClusterMember = z.infer<typeof ClusterMemberSchema>;
export type ClusterMemberInput = z.input<typeof ClusterMemberSchema>;

/** A site: a group of members (a data centre). With a prime site, exactly 50 % can be a quorum. */
export const ClusterSiteSchema = z.object({
  name: z.string().min(1).max(63),
  members: z.array(RealmNameSchema).min(1),
});
export type ClusterSite = z.infer<typeof ClusterSiteSchema>;

/** Timers of the failure detector and of elections (ms); defaults suit a LAN. */
export const ClusterTimingSchema = z
  .object({
    /** The master sends a heartbeat (an empty append) this often. */
    heartbeatIntervalMs: z.number().int().min(20).max(10_000).default(150),
    /** A follower that hears no master for a random time in [min, max] starts an election. */
    electionTimeoutMinMs: z.number().int().min(100).max(60_000).default(600),
    electionTimeoutMaxMs: z.number().int().min(100).max(120_000).default(1200),
  })
  .refine((t) => t.electionTimeoutMaxMs > t.electionTimeoutMinMs, {
    message: "electionTimeoutMaxMs must be above electionTimeoutMinMs",
  })
  .refine((t) => t.electionTimeoutMinMs >= 3 * t.heartbeatIntervalMs, {
    message: "electionTimeoutMinMs must be at least three heartbeat intervals",
  });
export type ClusterTiming = z.infer<typeof ClusterTimingSchema>;

/** realm.json `cluster`, and the body of PUT /cluster. */
export const ClusterConfigSchema = z
  .object({
    name: ClusterNameSchema,
    /** Every member, this realm included. */
    members: z.array(ClusterMemberSchema).min(1),
    sites: z.array(ClusterSiteSchema).default([]),
    /** The site whose members, all together, form a quorum with exactly half of the members. */
    primeSite: z.string().min(1).optional(),
    /**
     * Trust store (any key store format or a PEM bundle) used to verify the certificates of
     * peers dialled over nsps/nhps. Without one, TLS links are encrypted but the peer's
     * certificate is not checked (the identity handshake still authenticates the peer).
     */
    trustStorePath: z.string().min(1).optional(),
    trustStorePassword: z.string().default(""),
    timing: ClusterTimingSchema.default(() => ClusterTimingSchema.parse({})),
  })
  .superRefine((value, ctx) => {
    const names = new Set<string>();
    value.members.forEach((member, index) => {
      if (names.has(member.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["members", index, "name"],
          message: `duplicate realm name ${member.name}: every member needs its own name`,
        });
      }
      names.add(member.name);
    });
    const keys = new Map<string, string>();
    value.members.forEach((member, index) => {
      const key = member.publicKey.replace(/\s+/g, "");
      const other = keys.get(key);
      if (other) {
        ctx.addIssue({
          code: "custom",
          path: ["members", index, "publicKey"],
          message: `${member.name} and ${other} have the same identity key; each realm has its own`,
        });
      }
      keys.set(key, member.name);
    });
    const siteNames = new Set<string>();
    const placed = new Set<string>();
    value.sites.forEach((site, index) => {
      if (siteNames.has(site.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["sites", index, "name"],
          message: `Site ${site.name} is defined twice`,
        });
      }
      siteNames.add(site.name);
      for (const member of site.members) {
        if (!names.has(member)) {
          ctx.addIssue({
            code: "custom",
            path: ["sites", index, "members"],
            message: `Site ${site.name} names ${member}, which is not a member`,
          });
        }
        if (placed.has(member)) {
          ctx.addIssue({
            code: "custom",
            path: ["sites", index, "members"],
            message: `${member} is in more than one site`,
          });
        }
        placed.add(member);
      }
    });
    if (value.primeSite !== undefined && !siteNames.has(value.primeSite)) {
      ctx.addIssue({
        code: "custom",
        path: ["primeSite"],
        message: `primeSite ${value.primeSite} is not one of the sites (${[...siteNames].join(", ") || "none defined"})`,
      });
    }
  });
export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;
export type ClusterConfigInput = z.input<typeof ClusterConfigSchema>;

/** Body of PUT /cluster/members/:name: the member's new definition (name from the path). */
export const ClusterMemberRequestSchema = ClusterMemberSchema.extend({
  name: RealmNameSchema.optional(),
});

/* ------------------------------------------------------------------------------------------ */
/* Inter-realm frames (after the hello/welcome exchange of docs/protocol.md)                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * Identity proof: the sender's identity public key and its Ed25519 signature over
 * {@link linkSignaturePayload} for this link. The answering realm sends its proof first (with
 * its own nonce); the dialling realm answers with its proof.
 */
export const LinkAuthFrameSchema = z.object({
  type: z.literal("link-auth"),
  cluster: ClusterNameSchema,
  realm: RealmNameSchema,
  /** Random per process start: tells a reconnecting realm from a second realm with its name. */
  instance: z.string().min(1).max(64),
  /** The answering realm's challenge (absent in the dialling realm's proof). */
  nonce: z.string().min(16).max(200).optional(),
  publicKey: z.string().min(1).max(2000),
  /** base64 Ed25519 signature. */
  signature: z.string().min(1).max(200),
});
export type LinkAuthFrame = z.infer<typeof LinkAuthFrameSchema>;

/** The answering realm accepted the dialling realm's proof: the link is up. */
export const LinkReadyFrameSchema = z.object({ type: z.literal("link-ready") });

/**
 * What each side signs: it binds the signature to this cluster, these two realms and both
 * nonces, so it cannot be replayed on another link. `signer` is the realm signing.
 */
export function linkSignaturePayload(parts: {
  cluster: string;
  dialer: string;
  acceptor: string;
  dialerNonce: string;
  acceptorNonce: string;
  signer: string;
}): string {
  return [
    "conclave inter-realm link v1",
    parts.cluster,
    parts.dialer,
    parts.acceptor,
    parts.dialerNonce,
    parts.acceptorNonce,
    parts.signer,
  ].join("\n");
}

/** Liveness and round-trip time, both directions, on every established link. */
export const LinkPingFrameSchema = z.object({
  type: z.literal("link-ping"),
  id: z.number().int(),
});
export const LinkPongFrameSchema = z.object({
  type: z.literal("link-pong"),
  id: z.number().int(),
});

/** RequestVote; `pre` marks a pre-vote, which changes no term and no vote. */
export const VoteRequestFrameSchema = z.object({
  type: z.literal("vote-request"),
  term: z.number().int().nonnegative(),
  candidate: RealmNameSchema,
  lastIndex: z.number().int().nonnegative(),
  lastTerm: z.number().int().nonnegative(),
  pre: z.boolean(),
});
export const VoteReplyFrameSchema = z.object({
  type: z.literal("vote-reply"),
  term: z.number().int().nonnegative(),
  granted: z.boolean(),
  pre: z.boolean(),
});

/**
 * One entry of the replicated log: a channel event (`c` channel, `e` eventId, `tm` time,
 * `d` base64 data, `h` headers) or, without `c`, the no-op a new master appends.
 */
export const LogEntrySchema = z.object({
  t: z.number().int().nonnegative(),
  c: z.string().optional(),
  e: z.string().optional(),
  tm: z.number().optional(),
  d: z.string().optional(),
  h: z.record(z.string(), z.string()).optional(),
});
export type LogEntry = z.infer<typeof LogEntrySchema>;

/** AppendEntries (also the heartbeat, with no entries). The master's term is in every one. */
export const AppendFrameSchema = z.object({
  type: z.literal("append"),
  term: z.number().int().nonnegative(),
  master: RealmNameSchema,
  prevIndex: z.number().int().nonnegative(),
  prevTerm: z.number().int().nonnegative(),
  /** The master's commit index. */
  commit: z.number().int().nonnegative(),
  entries: z.array(LogEntrySchema),
  /** Members the master sees catching up (shown as "recovering" in every member's status). */
  recovering: z.array(RealmNameSchema).optional(),
});
export const AppendReplyFrameSchema = z.object({
  type: z.literal("append-reply"),
  term: z.number().int().nonnegative(),
  success: z.boolean(),
  /** On success: the index up to which the follower stores the master's log. */
  matchIndex: z.number().int().nonnegative(),
  /**
   * On success the follower's last index; on a mismatch the index up to which the follower's
   * log may still match (where the master resumes).
   */
  lastIndex: z.number().int().nonnegative(),
  /** prevIndex of the append answered (a master ignores answers to appends it superseded). */
  prevIndex: z.number().int().nonnegative(),
});

/** A client publish that reached a follower, forwarded to the master. */
export const ForwardFrameSchema = z.object({
  type: z.literal("forward"),
  id: z.number().int().nonnegative(),
  channel: z.string(),
  eventId: z.string(),
  data: z.string(),
  headers: z.record(z.string(), z.string()).optional(),
});
/** The master's answer to a forward, sent once the event is committed and applied. */
export const ForwardReplyFrameSchema = z.object({
  type: z.literal("forward-reply"),
  id: z.number().int().nonnegative(),
  seq: z.number().int().positive().optional(),
  eventId: z.string(),
  duplicate: z.boolean().optional(),
  /** Set when the master could not take the event (e.g. it is no longer master). */
  error: z.string().optional(),
});

/** Every frame of an established inter-realm link. */
export const ClusterFrameSchema = z.discriminatedUnion("type", [
  LinkPingFrameSchema,
  LinkPongFrameSchema,
  VoteRequestFrameSchema,
  VoteReplyFrameSchema,
  AppendFrameSchema,
  AppendReplyFrameSchema,
  ForwardFrameSchema,
  ForwardReplyFrameSchema,
]);
export type ClusterFrame = z.infer<typeof ClusterFrameSchema>;
export type VoteRequestFrame = z.infer<typeof VoteRequestFrameSchema>;
export type VoteReplyFrame = z.infer<typeof VoteReplyFrameSchema>;
export type AppendFrame = z.infer<typeof AppendFrameSchema>;
export type AppendReplyFrame = z.infer<typeof AppendReplyFrameSchema>;
export type ForwardFrame = z.infer<typeof ForwardFrameSchema>;
export type ForwardReplyFrame = z.infer<typeof ForwardReplyFrameSchema>;

/* ------------------------------------------------------------------------------------------ */
/* Status (GET /cluster, and the summary in GET /status)                                        */
/* ------------------------------------------------------------------------------------------ */

/** master: orders events · follower: replicates · candidate: election in progress. */
export const ClusterRoleSchema = z.enum(["master", "follower", "candidate"]);
export type ClusterRole = z.infer<typeof ClusterRoleSchema>;

export const MemberStateSchema = z.enum(["connected", "disconnected", "recovering"]);
export type MemberState = z.infer<typeof MemberStateSchema>;

export const ClusterMemberStatusSchema = z.object({
  name: RealmNameSchema,
  /** True for the realm answering. */
  self: z.boolean(),
  state: MemberStateSchema,
  addresses: z.array(z.string()),
  site: z.string().nullable(),
  /** SHA-256 of the member's identity public key (hex). */
  identityFingerprintSha256: z.string(),
  /** Known on the master: the highest log index the member stores. */
  matchIndex: z.number().int().nullable(),
});
export type ClusterMemberStatus = z.infer<typeof ClusterMemberStatusSchema>;

/** One inter-realm link, as operators (and the encryption wizard) check it. */
export const ClusterLinkStatusSchema = z.object({
  peer: RealmNameSchema,
  /** outbound: this realm dialled `address`; inbound: the peer dialled one of our interfaces. */
  direction: z.enum(["outbound", "inbound"]),
  /** handshaking → established; a moved link is closing while its successor takes over. */
  state: z.enum(["handshaking", "established", "closing"]),
  /** True for the link replication uses (the newest established one to the peer). */
  active: z.boolean(),
  /** The address dialled (outbound links). */
  address: z.string().nullable(),
  localAddress: z.string(),
  remoteAddress: z.string(),
  protocol: z.enum(["nsp", "nsps", "nhp", "nhps"]),
  encrypted: z.boolean(),
  tlsVersion: z.string().nullable(),
  cipher: z.string().nullable(),
  /** SHA-256 fingerprint of the certificate the peer served (outbound TLS links). */
  peerCertificateFingerprintSha256: z.string().nullable(),
  roundTripMs: z.number().nullable(),
  connectedSince: z.string(),
});
export type ClusterLinkStatus = z.infer<typeof ClusterLinkStatusSchema>;

/** A refused link attempt, newest last. */
export const ClusterRefusalSchema = z.object({
  at: z.string(),
  peer: z.string().nullable(),
  remoteAddress: z.string().nullable(),
  /** "refused: realm X presented an unknown identity key", "refused by X: …", … */
  reason: z.string(),
});
export type ClusterRefusal = z.infer<typeof ClusterRefusalSchema>;

export const ClusterQuorumSchema = z.object({
  members: z.number().int(),
  /** Members reachable from here, this realm included. */
  reachable: z.number().int(),
  /** Members needed for a quorum given who is reachable (ceil(51 %), or 50 % with the prime site). */
  required: z.number().int(),
  /** reachable − required: how many more members may fail before quorum is lost (negative: lost). */
  margin: z.number().int(),
  hasQuorum: z.boolean(),
  /** The rule, in words. */
  rule: z.string(),
});

/** The cluster trust store a realm verifies its peers' certificates with, as loaded. */
export const ClusterTrustStatusSchema = z.object({
  /** `trustStorePath` as configured. */
  path: z.string(),
  /** The CA certificates it holds: subject and SHA-256 (colon-separated upper-case hex). */
  certificates: z.array(z.object({ subject: z.string(), fingerprintSha256: z.string() })),
  /** When it was last (re)loaded: at start and on every PUT /cluster. */
  loadedAt: z.string(),
});
export type ClusterTrustStatus = z.infer<typeof ClusterTrustStatusSchema>;

/** GET /cluster */
export const ClusterStatusSchema = z.object({
  cluster: ClusterNameSchema,
  realm: RealmNameSchema,
  role: ClusterRoleSchema,
  /** The master this realm follows (itself when master); null while there is none. */
  master: RealmNameSchema.nullable(),
  term: z.number().int(),
  /** Highest log index known committed, and the last index stored / applied here. */
  commitIndex: z.number().int(),
  lastIndex: z.number().int(),
  appliedIndex: z.number().int(),
  /** This realm catches up from the master before serving. */
  recovering: z.boolean(),
  quorum: ClusterQuorumSchema,
  members: z.array(ClusterMemberStatusSchema),
  links: z.array(ClusterLinkStatusSchema),
  /** Eclipse Amlen's figures: other members connected / not connected to this realm. */
  connectedServers: z.number().int(),
  disconnectedServers: z.number().int(),
  refusals: z.array(ClusterRefusalSchema),
  /**
   * The trust store outbound TLS links are verified with; null when none is configured (links
   * are encrypted, certificates unchecked). Absent from older realms.
   */
  trustStore: ClusterTrustStatusSchema.nullable().optional(),
});
export type ClusterStatus = z.infer<typeof ClusterStatusSchema>;

/** The cluster part of GET /status (null when the realm is not in a cluster). */
export const ClusterSummarySchema = z.object({
  cluster: ClusterNameSchema,
  role: ClusterRoleSchema,
  master: RealmNameSchema.nullable(),
  term: z.number().int(),
  hasQuorum: z.boolean(),
  quorumMargin: z.number().int(),
  connectedServers: z.number().int(),
  disconnectedServers: z.number().int(),
});
export type ClusterSummary = z.infer<typeof ClusterSummarySchema>;

/** DELETE /cluster */
export const ClusterLeftResponseSchema = z.object({ left: ClusterNameSchema.nullable() });
export type ClusterLeftResponse = z.infer<typeof ClusterLeftResponseSchema>;
