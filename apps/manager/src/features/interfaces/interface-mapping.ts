import type {
  Interface,
  InterfaceCertificates,
  InterfaceDefinition,
  InterfaceDetail,
  InterfaceStatus,
  RealmFile,
  RealmInterface,
} from "@conclave/protocol";
import { HttpError } from "../../http/errors.js";
import type { KeyMaterial, KeyMaterialSource, StoreMaterial } from "./key-material-source.js";

/**
 * The one place where the REST vocabulary meets the realm's: REST `alias` is the realm
 * config's interface `name`, `allowInterRealm` is `allowForInterRealm`, and `certificates`
 * (keystore ids) becomes `tls` (file paths and passwords inside the realm's data dir).
 */

/** 422: the referenced keystore does not exist (or the keystores feature is not there yet). */
export class KeystoreNotFoundError extends HttpError {
  constructor(id: string) {
    super(
      422,
      "invalid_input",
      `keystore not found: ${id}. Upload it on the Keystores page (or POST /api/v1/keystores) first`,
    );
  }
}

const EXTENSION: Record<StoreMaterial["format"], string> = {
  pkcs12: "p12",
  jks: "jks",
  jceks: "jceks",
  pem: "pem",
};

/** Where the agent writes the files, relative to the realm's data dir. */
export const KEYS_DIR = "keys";

/** A realm interface for a REST definition, and the key files it needs on the host. */
export async function toRealmInterface(
  definition: InterfaceDefinition,
  keyMaterial: KeyMaterialSource | undefined,
): Promise<{ iface: Interface; files: RealmFile[] }> {
  const base = {
    name: definition.alias,
    protocol: definition.protocol,
    adapterAlias: [],
    bindAddress: definition.bindAddress,
    port: definition.port,
    autostart: definition.autostart,
    allowForInterRealm: definition.allowInterRealm,
    allowClientConnections: definition.allowClientConnections,
    advertise: true,
    backlog: 100,
    acceptThreads: 2,
    authTime: 10_000,
  };
  const certificates = definition.certificates;
  if (!certificates) return { iface: base, files: [] };
  let material: KeyMaterial | null = null;
  try {
    material = keyMaterial
      ? await keyMaterial.materialFor(
          certificates.keystoreId,
          certificates.truststoreId,
          certificates.keyAlias,
        )
      : null;
  } catch (error) {
    // An unknown keystore, truststore or alias is a problem with this request's references
    // (422); anything else (a key that cannot serve TLS, a secret that does not open) passes on.
    if (error instanceof HttpError && error.status === 404) {
      throw new HttpError(422, "invalid_input", `keystore not found: ${error.message}`);
    }
    throw error;
  }
  if (!material) throw new KeystoreNotFoundError(certificates.keystoreId);
  const files: RealmFile[] = [];
  const file = (kind: string, store: StoreMaterial) => {
    const name = `${definition.alias}-${kind}.${EXTENSION[store.format]}`;
    files.push({ name, contentBase64: Buffer.from(store.data).toString("base64") });
    return `${KEYS_DIR}/${name}`;
  };
  const tls: NonNullable<Interface["tls"]> = {
    keyStorePath: file("keystore", material.keyStore),
    keyStorePassword: material.keyStore.password,
    enableClientCertValidation: certificates.enableClientCertValidation,
    protocols: certificates.protocols,
    cipherSuites: cipherSuitesOf(certificates),
    trustStorePassword: material.trustStore?.password ?? "",
  };
  if (material.privateKeyPassword !== undefined)
    tls.privateKeyPassword = material.privateKeyPassword;
  const alias = certificates.keyAlias ?? material.certificateAlias;
  if (alias !== undefined) tls.certificateAlias = alias;
  if (material.trustStore) tls.trustStorePath = file("truststore", material.trustStore);
  return { iface: { ...base, tls }, files };
}

/**
 * Cipher suites of a definition; definitions stored before the field existed have none, which
 * means the same as an empty list (the platform's defaults).
 */
function cipherSuitesOf(certificates: InterfaceCertificates): string[] {
  return certificates.cipherSuites ?? [];
}

/**
 * The fields of a realm interface that the REST definition carries, for comparing desired and
 * actual state. Certificates are compared by their settings, not by file paths.
 */
export function comparableFields(iface: Interface): Record<string, unknown> {
  return {
    protocol: iface.protocol,
    bindAddress: iface.bindAddress,
    port: iface.port,
    autostart: iface.autostart,
    allowInterRealm: iface.allowForInterRealm,
    allowClientConnections: iface.allowClientConnections,
    ...(iface.tls
      ? {
          enableClientCertValidation: iface.tls.enableClientCertValidation,
          protocols: [...iface.tls.protocols].sort(),
          cipherSuites: iface.tls.cipherSuites ?? [],
        }
      : {}),
  };
}

/** The same fields of a REST definition. */
export function comparableDefinition(definition: InterfaceDefinition): Record<string, unknown> {
  return {
    protocol: definition.protocol,
    bindAddress: definition.bindAddress,
    port: definition.port,
    autostart: definition.autostart,
    allowInterRealm: definition.allowInterRealm,
    allowClientConnections: definition.allowClientConnections,
    ...(definition.certificates
      ? {
          enableClientCertValidation: definition.certificates.enableClientCertValidation,
          protocols: [...definition.certificates.protocols].sort(),
          cipherSuites: cipherSuitesOf(definition.certificates),
        }
      : {}),
  };
}

/** The REST view of an interface: its desired definition and its live status, when known. */
export function toRealmInterfaceView(
  definition: InterfaceDefinition,
  status: InterfaceStatus | undefined,
  unknownReason?: string,
): RealmInterface {
  const view: RealmInterface = {
    alias: definition.alias,
    protocol: definition.protocol,
    bindAddress: definition.bindAddress,
    port: definition.port,
    autostart: definition.autostart,
    allowInterRealm: definition.allowInterRealm,
    allowClientConnections: definition.allowClientConnections,
    ...(definition.certificates
      ? {
          certificates: {
            ...definition.certificates,
            cipherSuites: cipherSuitesOf(definition.certificates),
          },
        }
      : {}),
    status: status?.state ?? (unknownReason ? "Error" : "Stopped"),
  };
  if (status) {
    if (status.error) view.error = status.error;
    view.boundPort = status.boundPort;
    view.connections = status.connections;
  } else if (unknownReason) {
    view.error = unknownReason;
  }
  return view;
}

/** The status of `alias` among an apply answer's interfaces. */
export function statusIn(
  details: InterfaceDetail[] | undefined,
  alias: string,
): InterfaceStatus | undefined {
  return details?.find((d) => d.interface.name === alias)?.status;
}
