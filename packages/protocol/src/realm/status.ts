import { z } from "zod";
import { ClusterSummarySchema } from "./cluster.js";
import { InterfaceProtocolSchema } from "./config.js";

/** Running: listening · Stopped: not listening · Error: could not start, with the reason. */
export const InterfaceStateSchema = z.enum(["Running", "Stopped", "Error"]);
export type InterfaceState = z.infer<typeof InterfaceStateSchema>;

/** The certificate an nsps/nhps interface is serving right now. */
export const ServedCertificateSchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  notAfter: z.string(),
  fingerprintSha256: z.string(),
  subjectAltNames: z.array(z.string()),
});
export type ServedCertificate = z.infer<typeof ServedCertificateSchema>;

/** How many client sessions an interface lists in its status (`clientSessions` counts them all). */
export const MAX_LISTED_SESSIONS = 100;

/** One welcomed client session on an interface. */
export const ClientSessionInfoSchema = z.object({
  /** The session id sent in the welcome. */
  id: z.string(),
  /** `host:port` the client connected from. */
  remoteAddress: z.string(),
  /** The `client` text of the client's hello; null when it sent none. */
  clientName: z.string().nullable(),
  /** When the connection was accepted (ISO 8601). */
  connectedAt: z.string(),
  /** True on nsps/nhps. */
  tls: z.boolean(),
  /** Negotiated TLS version (nsps/nhps), e.g. "TLSv1.3". */
  tlsVersion: z.string().nullable(),
});
export type ClientSessionInfo = z.infer<typeof ClientSessionInfoSchema>;

export const InterfaceStatusSchema = z.object({
  name: z.string(),
  protocol: InterfaceProtocolSchema,
  bindAddress: z.string(),
  /** The configured port. */
  port: z.number().int(),
  /** The port actually listened on (differs from `port` when `port` is 0). */
  boundPort: z.number().int().nullable(),
  state: InterfaceStateSchema,
  /** Why the interface is in state Error ("Port 9000 on 127.0.0.1 is already in use"). */
  error: z.string().nullable(),
  /** Open connections, including those that have not sent their hello yet. */
  connections: z.number().int(),
  /** Connections welcomed as client sessions (all of them, also those not in `sessions`). */
  clientSessions: z.number().int(),
  /**
   * The oldest {@link MAX_LISTED_SESSIONS} client sessions, oldest first; absent from older
   * realms. Compare its length with `clientSessions` to see whether the list is cut.
   */
  sessions: z.array(ClientSessionInfoSchema).optional(),
  /** Connections welcomed as inter-realm links. */
  interRealmLinks: z.number().int(),
  allowForInterRealm: z.boolean(),
  allowClientConnections: z.boolean(),
  certificate: ServedCertificateSchema.nullable(),
});
export type InterfaceStatus = z.infer<typeof InterfaceStatusSchema>;

export const ChannelStatusSchema = z.object({
  name: z.string(),
  /** Sequence number of the newest stored event; 0 when the channel is empty. */
  lastSeq: z.number().int(),
  subscribers: z.number().int(),
});
export type ChannelStatus = z.infer<typeof ChannelStatusSchema>;

/** What a realm's admin endpoint answers to GET /status. */
export const RealmStatusSchema = z.object({
  realm: z.string(),
  pid: z.number().int(),
  version: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  /** The realm's clock when it answered (ms since the epoch); the agent derives skew from it. */
  time: z.number(),
  interfaces: z.array(InterfaceStatusSchema),
  channels: z.array(ChannelStatusSchema),
  connections: z.number().int(),
  events: z.object({
    inPerSecond: z.number(),
    outPerSecond: z.number(),
    totalIn: z.number().int(),
    totalOut: z.number().int(),
  }),
  memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number() }),
  eventLoopDelayMs: z.object({ mean: z.number(), p99: z.number(), max: z.number() }),
  /** Cluster summary; null (or absent, from older realms) when the realm is not clustered. */
  cluster: ClusterSummarySchema.nullable().optional(),
});
export type RealmStatus = z.infer<typeof RealmStatusSchema>;

/** The body of every non-2xx answer from a realm's admin endpoint. */
export const AdminErrorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});
export type AdminError = z.infer<typeof AdminErrorSchema>;
