import {
  type CreateWizardRequest,
  CreateWizardRequestSchema,
  type PlaintextPolicy,
  PlaintextPolicySchema,
  TLS_PROTOCOLS,
  type TlsProtocol,
  type WizardCertificates,
  type WizardKind,
} from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { OptionValues } from "../command.js";

/** Flags both wizards take. */
export const commonWizardOptions = {
  cluster: { type: "string" },
  certificates: { type: "string" },
  ca: { type: "string" },
  follow: { type: "boolean" },
  interval: { type: "string" },
} as const;

export const commonWizardFlagHelp = {
  cluster: "The cluster (required)",
  certificates:
    "issue (default: a private CA issues every realm's certificate) or realm=keystore:truststore,… (ids or names)",
  ca: "With --certificates issue: the CA (id or name) that issues; default: one named after the cluster",
  follow: "Show progress until the wizard ends; exit 0 only when it completed",
  interval: "Seconds between polls with --follow (default 2)",
} satisfies Record<keyof typeof commonWizardOptions, string>;

/** Flags of `wizard encrypt` only. */
export const encryptWizardOptions = {
  plaintext: { type: "string" },
  "no-client-interface": { type: "boolean" },
  "tls-protocols": { type: "string" },
  "cipher-suites": { type: "string" },
} as const;

export const encryptWizardFlagHelp = {
  plaintext:
    "What happens to the old nsp interfaces: keep (serve clients, default), loopback, remove",
  "no-client-interface": "Do not add an nsps interface for clients on each realm",
  "tls-protocols": "TLSv1.2,TLSv1.3 (default both)",
  "cipher-suites": "Comma-separated cipher suites (default: the realm's)",
} satisfies Record<keyof typeof encryptWizardOptions, string>;

/** Turns a keystore id or name into its id. */
export type KeystoreResolver = (idOrName: string) => Promise<string>;

const list = (value: string) =>
  value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * `--certificates`: "issue", or `realm=keystore:truststore` pairs separated by commas, where
 * keystore and truststore are ids or names (a name holding ":" must be given by id).
 */
export async function certificatesFromFlag(
  value: string | undefined,
  resolve: KeystoreResolver,
): Promise<WizardCertificates | undefined> {
  if (value === undefined || value === "issue") return value;
  const result: Record<string, { keystoreId: string; truststoreId: string }> = {};
  for (const pair of list(value)) {
    const match = /^([^=]+)=([^:]+):(.+)$/.exec(pair);
    if (!match) {
      throw new UsageError(
        `--certificates: "${pair}" is not realm=keystore:truststore (or use --certificates issue)`,
      );
    }
    const [, realm, keystore, truststore] = match as unknown as [string, string, string, string];
    if (result[realm]) throw new UsageError(`--certificates names ${realm} twice`);
    result[realm] = {
      keystoreId: await resolve(keystore),
      truststoreId: await resolve(truststore),
    };
  }
  if (Object.keys(result).length === 0) throw new UsageError("--certificates is empty");
  return result;
}

function protocolsFromFlag(value: string | undefined): TlsProtocol[] | undefined {
  if (value === undefined) return undefined;
  const protocols = list(value);
  for (const p of protocols) {
    if (!(TLS_PROTOCOLS as readonly string[]).includes(p)) {
      throw new UsageError(`--tls-protocols: ${p} is not one of ${TLS_PROTOCOLS.join(", ")}`);
    }
  }
  return protocols as TlsProtocol[];
}

function plaintextFromFlag(value: string | undefined): PlaintextPolicy | undefined {
  if (value === undefined) return undefined;
  const parsed = PlaintextPolicySchema.safeParse(value);
  if (!parsed.success) {
    throw new UsageError(`--plaintext must be keep, loopback or remove, not "${value}"`);
  }
  return parsed.data;
}

/**
 * The POST /wizards body for the flags, checked with the shared schema before anything is sent.
 * Only what the flags give is sent: the manager fills in the defaults.
 */
export async function wizardRequestFromFlags(
  kind: WizardKind,
  values: OptionValues,
  resolve: { keystore: KeystoreResolver; ca: (idOrName: string) => Promise<string> },
): Promise<CreateWizardRequest> {
  const cluster = values.cluster as string | undefined;
  if (!cluster) throw new UsageError("Name the cluster: --cluster NAME");
  const options: Record<string, unknown> = {};
  const certificates = await certificatesFromFlag(
    values.certificates as string | undefined,
    resolve.keystore,
  );
  if (certificates !== undefined) options.certificates = certificates;
  const ca = values.ca as string | undefined;
  if (ca !== undefined) {
    if (certificates !== undefined && certificates !== "issue") {
      throw new UsageError("--ca only applies to --certificates issue");
    }
    options.caId = await resolve.ca(ca);
  }
  if (kind === "encrypt-inter-realm") {
    const plaintext = plaintextFromFlag(values.plaintext as string | undefined);
    if (plaintext) options.plaintext = plaintext;
    if (values["no-client-interface"] === true) options.clientInterface = false;
    const protocols = protocolsFromFlag(values["tls-protocols"] as string | undefined);
    if (protocols) options.protocols = protocols;
    const ciphers = values["cipher-suites"] as string | undefined;
    if (ciphers !== undefined) options.cipherSuites = list(ciphers);
  }
  const body = { kind, cluster, options };
  const checked = CreateWizardRequestSchema.safeParse(body);
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new UsageError(`The wizard request is not valid:\n  ${issues.join("\n  ")}`);
  }
  return body as CreateWizardRequest;
}

/** `--interval` in milliseconds (default 2 s). */
export function intervalFromFlag(value: OptionValues[string]): number {
  if (value === undefined) return 2000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`--interval must be a number of seconds (0-3600], not "${value}"`);
  }
  return Math.round(seconds * 1000);
}
