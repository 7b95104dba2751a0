import { z } from "zod";
import { ClusterConfigSchema } from "./cluster.js";
import { InterfaceNameSchema, RealmNameSchema } from "./names.js";

/** nsp: framed TCP · nhp: WebSocket over HTTP · nsps: framed TLS · nhps: WebSocket over HTTPS. */
export const InterfaceProtocolSchema = z.enum(["nsp", "nhp", "nsps", "nhps"]);
export type InterfaceProtocol = z.infer<typeof InterfaceProtocolSchema>;

export const TLS_PROTOCOLS = ["TLSv1.2", "TLSv1.3"] as const;
export const TlsProtocolSchema = z.enum(TLS_PROTOCOLS);
export type TlsProtocol = z.infer<typeof TlsProtocolSchema>;

export function isTlsProtocol(protocol: InterfaceProtocol): boolean {
  return protocol === "nsps" || protocol === "nhps";
}

/**
 * The Certificates tab of a secure (nsps/nhps) interface. Field names follow Universal
 * Messaging's Enterprise Manager: Key store path, Key Store Passwd, Private key password,
 * Certificate alias, Trust store path, Trust Store Passwd, Enable Client Cert Validation,
 * Protocols, Cipher suites, CRL.
 */
export const InterfaceTlsSchema = z.object({
  /** Key store path: PKCS#12 (.p12/.pfx), JKS (.jks) or PEM (key and chain in one file). */
  keyStorePath: z.string().min(1, "Key store path is required for a secure interface"),
  /** Key Store Passwd. */
  keyStorePassword: z.string().default(""),
  /** Private key password; the key store password when empty. */
  privateKeyPassword: z.string().optional(),
  /** Certificate alias: which private-key entry to serve; the only one when empty. */
  certificateAlias: z.string().optional(),
  /** Trust store path: CAs trusted for client certificates (PKCS#12, JKS or a PEM bundle). */
  trustStorePath: z.string().optional(),
  /** Trust Store Passwd. */
  trustStorePassword: z.string().default(""),
  /** Enable Client Cert Validation: request a client certificate and verify it. */
  enableClientCertValidation: z.boolean().default(false),
  /** Protocols: never below TLSv1.2. */
  protocols: z
    .array(TlsProtocolSchema)
    .min(1, "Choose at least one TLS protocol")
    .default(["TLSv1.2", "TLSv1.3"]),
  /** Cipher suites in OpenSSL names; empty means the platform's secure defaults. */
  cipherSuites: z.array(z.string().min(1)).default([]),
  /** CRL: path to a PEM certificate revocation list checked against client certificates. */
  crlPath: z.string().optional(),
});
export type InterfaceTls = z.infer<typeof InterfaceTlsSchema>;
export type InterfaceTlsInput = z.input<typeof InterfaceTlsSchema>;

const InterfaceBaseSchema = z.object({
  /** The interface's name within its realm (UM: nsp0, nhps1, …). */
  name: InterfaceNameSchema,
  protocol: InterfaceProtocolSchema,
  /** Adapter alias: host names under which the interface is advertised to clients. */
  adapterAlias: z.array(z.string().min(1)).default([]),
  /** Bind address: an IPv4/IPv6 address, or 0.0.0.0 / :: for every adapter. */
  bindAddress: z.string().min(1).default("0.0.0.0"),
  /** Port: 0 lets the system choose one (tests); status reports the bound port. */
  port: z.number().int().min(0).max(65535),
  /** Autostart Interface: start with the realm. */
  autostart: z.boolean().default(true),
  /** Allow for InterRealm: peers may open inter-realm links here. */
  allowForInterRealm: z.boolean().default(true),
  /** Allow Client Connections: clients may open sessions here. */
  allowClientConnections: z.boolean().default(true),
  /** Advertise Interface: list it to clients as a place to connect. */
  advertise: z.boolean().default(true),
  /** Backlog: the listen queue length. */
  backlog: z.number().int().min(1).max(65535).default(100),
  /**
   * Accept Threads: kept for Universal Messaging parity; a realm accepts connections on one
   * event loop, so this is advisory.
   */
  acceptThreads: z.number().int().min(1).max(64).default(2),
  /** Auth Time (ms): how long a new connection has to complete its hello before it is closed. */
  authTime: z.number().int().min(100).max(600_000).default(10_000),
  /** Certificates tab; required for nsps and nhps, not allowed for nsp and nhp. */
  tls: InterfaceTlsSchema.optional(),
});

export const InterfaceSchema = InterfaceBaseSchema.superRefine((value, ctx) => {
  const secure = isTlsProtocol(value.protocol);
  if (secure && !value.tls) {
    ctx.addIssue({
      code: "custom",
      path: ["tls"],
      message: `A ${value.protocol} interface needs a key store (Certificates tab)`,
    });
  }
  if (!secure && value.tls) {
    ctx.addIssue({
      code: "custom",
      path: ["tls"],
      message: `A ${value.protocol} interface is not encrypted and takes no certificates`,
    });
  }
});
export type Interface = z.infer<typeof InterfaceSchema>;
export type InterfaceInput = z.input<typeof InterfaceSchema>;

/** Limits that protect a realm from misbehaving clients. */
export const RealmLimitsSchema = z.object({
  /** Largest frame accepted on any interface, in bytes. */
  maxFrameBytes: z
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Bytes queued for one slow connection before it is dropped. */
  maxQueuedBytesPerConnection: z
    .number()
    .int()
    .min(64 * 1024)
    .default(16 * 1024 * 1024),
});
export type RealmLimits = z.infer<typeof RealmLimitsSchema>;

/** realm.json: a realm's whole configuration. */
export const RealmConfigSchema = z
  .object({
    name: RealmNameSchema,
    interfaces: z.array(InterfaceSchema).default([]),
    limits: RealmLimitsSchema.default(() => RealmLimitsSchema.parse({})),
    /** Cluster membership; absent for a realm that is not clustered. */
    cluster: ClusterConfigSchema.optional(),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.interfaces.forEach((iface, index) => {
      if (seen.has(iface.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["interfaces", index, "name"],
          message: `Interface name ${iface.name} is used twice`,
        });
      }
      seen.add(iface.name);
    });
    if (value.cluster && !value.cluster.members.some((m) => m.name === value.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["cluster", "members"],
        message: `The cluster's members must include this realm (${value.name})`,
      });
    }
  });
export type RealmConfig = z.infer<typeof RealmConfigSchema>;
export type RealmConfigInput = z.input<typeof RealmConfigSchema>;

/** Secrets in an interface, replaced by this marker whenever configuration leaves a realm. */
export const REDACTED = "********";

/** A copy of an interface with its passwords replaced by {@link REDACTED}. */
export function redactInterface(iface: Interface): Interface {
  if (!iface.tls) return iface;
  const tls = { ...iface.tls };
  if (tls.keyStorePassword) tls.keyStorePassword = REDACTED;
  if (tls.trustStorePassword) tls.trustStorePassword = REDACTED;
  if (tls.privateKeyPassword) tls.privateKeyPassword = REDACTED;
  return { ...iface, tls };
}

/**
 * A copy of a realm's configuration with every password replaced by {@link REDACTED}: the
 * interfaces' key and trust store passwords and the cluster trust store's password.
 */
export function redactRealmConfig(config: RealmConfig): RealmConfig {
  const cluster = config.cluster;
  return {
    ...config,
    interfaces: config.interfaces.map(redactInterface),
    ...(cluster
      ? {
          cluster: cluster.trustStorePassword
            ? { ...cluster, trustStorePassword: REDACTED }
            : cluster,
        }
      : {}),
  };
}
