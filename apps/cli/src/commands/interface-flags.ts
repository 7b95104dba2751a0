import type {
  InterfaceDefinitionInput,
  RealmInterface,
  UpdateInterfaceRequest,
} from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { OptionValues } from "../command.js";

/**
 * Interface flags, named after Enterprise Manager's fields: "Allow for InterRealm" is
 * --allow-inter-realm, "Allow Client Connections" --allow-client-connections, and so on. Each
 * yes/no field has a --no- twin, since Node 20's parseArgs has no negation of its own.
 */
export const interfaceOptions = {
  protocol: { type: "string" },
  bind: { type: "string" },
  port: { type: "string" },
  autostart: { type: "boolean" },
  "no-autostart": { type: "boolean" },
  "allow-inter-realm": { type: "boolean" },
  "no-allow-inter-realm": { type: "boolean" },
  "allow-client-connections": { type: "boolean" },
  "no-allow-client-connections": { type: "boolean" },
  keystore: { type: "string" },
  "key-alias": { type: "string" },
  truststore: { type: "string" },
  "client-cert-validation": { type: "boolean" },
  "no-client-cert-validation": { type: "boolean" },
  "tls-protocols": { type: "string" },
  "cipher-suites": { type: "string" },
} as const;

export const interfaceFlagHelp: Record<string, string> = {
  protocol: "nsp, nhp, nsps or nhps (add: default nsp)",
  bind: "Bind address (add: default 0.0.0.0)",
  port: "Port; 0 lets the host choose",
  autostart: "Autostart Interface (default on)",
  "allow-inter-realm": "Allow for InterRealm (default on)",
  "allow-client-connections": "Allow Client Connections (default on)",
  keystore: "Certificates: the keystore id or name serving the key (nsps/nhps)",
  "key-alias": "Certificates: the certificate alias to serve",
  truststore: "Certificates: the truststore id or name for client certificates",
  "client-cert-validation": "Certificates: Enable Client Cert Validation",
  "tls-protocols": "Certificates: TLSv1.2,TLSv1.3",
  "cipher-suites":
    'Certificates: cipher suites in OpenSSL names, comma-separated; "" for the platform\'s secure defaults',
};

function yesNo(values: OptionValues, name: string): boolean | undefined {
  const on = values[name] === true;
  const off = values[`no-${name}`] === true;
  if (on && off) throw new UsageError(`--${name} and --no-${name} contradict each other`);
  return on ? true : off ? false : undefined;
}

function port(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--port must be 0-65535, not "${value}"`);
  return n;
}

/**
 * The interface definition the flags describe, over `base` (the current definition for
 * `update`, defaults for `add`). Keystore names are resolved by `resolveKeystore`.
 */
export async function interfaceFromFlags(
  values: OptionValues,
  base: Omit<InterfaceDefinitionInput, "alias">,
  resolveKeystore: (idOrName: string) => Promise<string>,
): Promise<UpdateInterfaceRequest> {
  const protocol = (values.protocol as string | undefined) ?? base.protocol;
  if (!["nsp", "nhp", "nsps", "nhps"].includes(protocol)) {
    throw new UsageError(`--protocol must be nsp, nhp, nsps or nhps, not "${protocol}"`);
  }
  const def: UpdateInterfaceRequest = {
    protocol: protocol as UpdateInterfaceRequest["protocol"],
    bindAddress: (values.bind as string | undefined) ?? base.bindAddress,
    port: port(values.port as string | undefined) ?? base.port,
    autostart: yesNo(values, "autostart") ?? base.autostart,
    allowInterRealm: yesNo(values, "allow-inter-realm") ?? base.allowInterRealm,
    allowClientConnections:
      yesNo(values, "allow-client-connections") ?? base.allowClientConnections,
  };
  const secure = protocol === "nsps" || protocol === "nhps";
  const certs = base.certificates;
  const keystore = values.keystore as string | undefined;
  const truststore = values.truststore as string | undefined;
  if (secure) {
    const keystoreId = keystore ? await resolveKeystore(keystore) : certs?.keystoreId;
    if (!keystoreId) throw new UsageError(`A ${protocol} interface needs --keystore`);
    const tls = values["tls-protocols"] as string | undefined;
    const suites = values["cipher-suites"] as string | undefined;
    def.certificates = {
      keystoreId,
      keyAlias: (values["key-alias"] as string | undefined) ?? certs?.keyAlias,
      truststoreId: truststore ? await resolveKeystore(truststore) : certs?.truststoreId,
      enableClientCertValidation:
        yesNo(values, "client-cert-validation") ?? certs?.enableClientCertValidation,
      protocols: tls
        ? (tls.split(",").map((p) => p.trim()) as ("TLSv1.2" | "TLSv1.3")[])
        : certs?.protocols,
      // Kept as they are unless given: an update must not widen the allow-list silently.
      cipherSuites: suites !== undefined ? list(suites) : certs?.cipherSuites,
    };
  } else if (keystore || truststore) {
    throw new UsageError(`A ${protocol} interface is not encrypted: --keystore needs nsps or nhps`);
  }
  return def;
}

const list = (value: string) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);

/** The writable part of an interface as listed (its definition without live state). */
export function definitionOf(current: RealmInterface): Omit<InterfaceDefinitionInput, "alias"> {
  return {
    protocol: current.protocol,
    bindAddress: current.bindAddress,
    port: current.port,
    autostart: current.autostart,
    allowInterRealm: current.allowInterRealm,
    allowClientConnections: current.allowClientConnections,
    certificates: current.certificates,
  };
}
