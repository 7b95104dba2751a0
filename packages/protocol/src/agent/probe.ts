import { z } from "zod";

/**
 * POST /v1/probe on the agent API: checks made from the agent's host (so they see the network
 * as the realms there do). Every probe gives up after {@link PROBE_TIMEOUT_MS}. See docs/agent.md.
 */
export const PROBE_TIMEOUT_MS = 5_000;

const Host = z.string().min(1).max(255);
const Port = z.number().int().min(1).max(65535);

/** A real TLS handshake with host:port, verifying the chain against `caPem` when given. */
export const TlsProbeRequestSchema = z.strictObject({
  kind: z.literal("tls"),
  host: Host,
  port: Port,
  /** SNI and the name the certificate must cover; the host itself when absent. */
  servername: z.string().min(1).max(255).optional(),
  /** CA certificates (PEM bundle) the server's chain must lead to; without it: not verified. */
  caPem: z.string().min(1).optional(),
});

/** A plaintext inter-realm hello sent to host:port, as a peer realm would send it. */
export const InterRealmHelloProbeRequestSchema = z.strictObject({
  kind: z.literal("interRealmHello"),
  host: Host,
  port: Port,
  /** The cluster named in the hello; none by default. */
  cluster: z.string().min(1).max(63).optional(),
});

/** Whether host:port could be listened on from the agent's host right now. */
export const PortFreeProbeRequestSchema = z.strictObject({
  kind: z.literal("portFree"),
  host: Host,
  port: Port,
});

export const ProbeRequestSchema = z.discriminatedUnion("kind", [
  TlsProbeRequestSchema,
  InterRealmHelloProbeRequestSchema,
  PortFreeProbeRequestSchema,
]);
export type ProbeRequest = z.infer<typeof ProbeRequestSchema>;
export type TlsProbeRequest = z.infer<typeof TlsProbeRequestSchema>;
export type InterRealmHelloProbeRequest = z.infer<typeof InterRealmHelloProbeRequestSchema>;
export type PortFreeProbeRequest = z.infer<typeof PortFreeProbeRequestSchema>;

/**
 * Answer to a `tls` probe. `ok` is true when the handshake completed and, with `caPem`, the
 * chain verified and the certificate covers the host (or `servername`); `error` says why not.
 * The negotiated details are filled in whenever the handshake completed, even unverified.
 */
export const TlsProbeResultSchema = z.object({
  ok: z.boolean(),
  tlsVersion: z.string().nullable(),
  cipher: z.string().nullable(),
  /** SHA-256 of the server's certificate, colon-separated upper-case hex (as link status shows it). */
  peerCertificateSha256: z.string().nullable(),
  /** Subjects of the chain the server sent, leaf first. */
  chainSubjects: z.array(z.string()),
  error: z.string().optional(),
});
export type TlsProbeResult = z.infer<typeof TlsProbeResultSchema>;

/**
 * Answer to an `interRealmHello` probe: `accepted` when the interface welcomed the hello.
 * `refusal` is the error frame it answered with (e.g. `INTER_REALM_NOT_ALLOWED`), or a code of
 * the agent's own when the connection itself failed: `CONNECTION_REFUSED`, `CONNECTION_CLOSED`
 * (closed without a welcome), `TIMEOUT`, `CONNECTION_FAILED`, `NOT_FRAMES`.
 */
export const InterRealmHelloProbeResultSchema = z.object({
  accepted: z.boolean(),
  refusal: z
    .object({
      /** The realm's error code (`ErrorCodeSchema`), or one of the agent's codes above. */
      code: z.string(),
      message: z.string(),
    })
    .nullable(),
});
export type InterRealmHelloProbeResult = z.infer<typeof InterRealmHelloProbeResultSchema>;

/** Answer to a `portFree` probe: `error` names why not (`EADDRINUSE`, `EADDRNOTAVAIL`, …). */
export const PortFreeProbeResultSchema = z.object({
  free: z.boolean(),
  error: z.string().optional(),
});
export type PortFreeProbeResult = z.infer<typeof PortFreeProbeResultSchema>;

export type ProbeResult = TlsProbeResult | InterRealmHelloProbeResult | PortFreeProbeResult;
