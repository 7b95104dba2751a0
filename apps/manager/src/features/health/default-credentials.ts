import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { type CertificateInfo, parseCertificates } from "@conclave/pki";
import type {
  DefaultCredentialReason,
  DefaultCredentials,
  RealmInterface,
  RealmSummary,
} from "@conclave/protocol";
import type { Db } from "../../store/db.js";
import type { SecretBox } from "../../store/secrets.js";
import { secretContexts } from "../keystores/keystores.service.js";

/**
 * Keystore passwords that ship with products, samples and tutorials (compared lower-cased):
 * the JDK's and Orchestra's "changeit", Universal Messaging's "nirvana", and the usual guesses.
 */
export const KNOWN_PASSWORDS: ReadonlySet<string> = new Set([
  "",
  "changeit",
  "changeme",
  "nirvana",
  "password",
  "passw0rd",
  "secret",
  "admin",
  "default",
  "keystore",
  "truststore",
  "storepass",
  "storepwd",
  "test",
  "demo",
  "1234",
  "123456",
  "12345678",
  "123456789",
]);

/** Words of sample and demo certificates' names (subject or issuer). */
const SAMPLE_NAME =
  /\b(demo|sample|example|examples|test ca|testca|software ag|nirvana|snakeoil|dummy|do not trust)\b/i;

export const isKnownPassword = (password: string) =>
  KNOWN_PASSWORDS.has(password.trim().toLowerCase());

export const isSampleName = (name: string | null | undefined) => !!name && SAMPLE_NAME.test(name);

const LOOPBACK_NAMES = new Set(["localhost", "localhost.localdomain", "ip6-localhost"]);

/** localhost, 127.0.0.0/8, ::1 (with or without brackets). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  if (LOOPBACK_NAMES.has(h) || h.endsWith(".localhost")) return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || /^(0+:){7}0*1$/.test(h);
  return false;
}

/** What a leaf certificate gives away about being a demo one. */
export interface LeafFacts {
  selfSigned: boolean;
  /** Every host name and address it covers is a loopback one. */
  loopbackOnly: boolean;
}

function commonName(dn: string): string | null {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? null;
}

export function leafFacts(leaf: CertificateInfo): LeafFacts {
  const sans = leaf.subjectAltNames
    .filter((s) => s.type === "dns" || s.type === "ip")
    .map((s) => s.value);
  // Demo generators that set no subjectAltName put the host in the CN.
  const hosts = sans.length > 0 ? sans : [commonName(leaf.subject) ?? ""].filter(Boolean);
  let selfSigned = false;
  try {
    const x509 = new X509Certificate(leaf.pem);
    selfSigned = x509.checkIssued(x509) && x509.verify(x509.publicKey);
  } catch {
    // A key type Node cannot verify with: judge by the names alone.
    selfSigned = leaf.subject === leaf.issuer;
  }
  return { selfSigned, loopbackOnly: hosts.length > 0 && hosts.every(isLoopback) };
}

/** One entry of a keystore as the checks see it: a key with its chain, or a trusted certificate. */
export interface CredentialEntry {
  alias: string;
  kind: "key" | "trusted";
  /** Leaf first for a key; the one certificate for a trusted entry; empty while a CSR is pending. */
  certificates: CertificateInfo[];
}

/** What one version of a keystore gives away, worked out once (see DefaultCredentialsScan). */
export interface KeystoreFacts {
  id: string;
  name: string;
  /** null when the password cannot be opened here (no master key). */
  knownPassword: boolean | null;
  /** Some certificate in it has a sample's subject or issuer. */
  sample: boolean;
  keys: { alias: string; leaf: LeafFacts | null }[];
}

export function keystoreFacts(input: {
  id: string;
  name: string;
  password: string | null;
  entries: CredentialEntry[];
  /** SHA-256 of the CAs this manager holds: what they issued is no sample, whatever its name. */
  ownCas?: ReadonlySet<string>;
}): KeystoreFacts {
  const ours = (e: CredentialEntry) =>
    e.certificates.some((c) => input.ownCas?.has(c.fingerprintSha256));
  const certificates = input.entries.filter((e) => !ours(e)).flatMap((e) => e.certificates);
  return {
    id: input.id,
    name: input.name,
    knownPassword: input.password === null ? null : isKnownPassword(input.password),
    sample: certificates.some((c) => isSampleName(c.subject) || isSampleName(c.issuer)),
    keys: input.entries
      .filter((e) => e.kind === "key")
      .map((e) => ({
        alias: e.alias,
        leaf: e.certificates[0] ? leafFacts(e.certificates[0]) : null,
      })),
  };
}

/** How an interface uses a keystore: serving its key (bound where), or trusting its CAs. */
export type KeystoreUse =
  | { role: "keystore"; keyAlias?: string | undefined; bindAddress: string }
  | { role: "truststore" };

const WILDCARD_BINDS = new Set(["", "*", "0.0.0.0", "::", "[::]"]);

/** Does an interface bound here take connections from other hosts? */
export const bindsBeyondLoopback = (bindAddress: string) =>
  WILDCARD_BINDS.has(bindAddress) || !isLoopback(bindAddress);

/**
 * Why a keystore counts as default or demo credentials in one use (none: it does not). A
 * keystore in no use is judged by all its keys; localhostOnly needs an interface's bind address.
 */
export function defaultCredentialReasons(
  facts: KeystoreFacts,
  use?: KeystoreUse,
): DefaultCredentialReason[] {
  const reasons: DefaultCredentialReason[] = [];
  if (facts.knownPassword) reasons.push("knownPassword");
  if (use?.role !== "truststore") {
    const served =
      use?.keyAlias !== undefined
        ? facts.keys.filter((k) => k.alias.toLowerCase() === use.keyAlias!.toLowerCase())
        : use
          ? facts.keys.filter((k) => k.leaf).slice(0, 1)
          : facts.keys;
    if (served.some((k) => k.leaf?.selfSigned)) reasons.push("selfSigned");
    if (
      use?.role === "keystore" &&
      bindsBeyondLoopback(use.bindAddress) &&
      served.some((k) => k.leaf?.loopbackOnly)
    ) {
      reasons.push("localhostOnly");
    }
  }
  if (facts.sample) reasons.push("sampleSubject");
  return reasons;
}

/** Reasons in the operator's words, for problems and evidence text. */
export const REASON_TEXT: Record<DefaultCredentialReason, string> = {
  knownPassword: "a well-known keystore password",
  selfSigned: "a self-signed certificate",
  localhostOnly: "a certificate for localhost only on an interface other hosts reach",
  sampleSubject: "a sample certificate (demo or example in its name)",
};

export const describeReasons = (reasons: DefaultCredentialReason[]) =>
  reasons.map((r) => REASON_TEXT[r]).join(", ");

/** The entries of a keystore opened by KeystoresService (the pki model). */
export function entriesOfStore(
  entries: (
    | { kind: "private-key"; alias: string; chain: CertificateInfo[] }
    | { kind: "trusted-certificate"; alias: string; certificate: CertificateInfo }
  )[],
): CredentialEntry[] {
  return entries.map((e) =>
    e.kind === "private-key"
      ? { alias: e.alias, kind: "key", certificates: e.chain }
      : { alias: e.alias, kind: "trusted", certificates: [e.certificate] },
  );
}

function fixFor(
  facts: KeystoreFacts,
  reasons: DefaultCredentialReason[],
  where: { realm: string | null; interface: string | null; cluster: string | null },
  rotates: boolean,
): string {
  if (where.cluster && rotates) {
    return `Rotate the credentials of cluster ${where.cluster} (Clusters → ${where.cluster} → Rotate credentials): it issues new certificates from a new CA under random keystore passwords, realm by realm, without dropping links`;
  }
  const steps: string[] = [];
  if (reasons.some((r) => r !== "knownPassword")) {
    steps.push(
      where.interface
        ? `Issue ${where.realm}/${where.interface} a certificate from your CA (or a private CA on the PKI page) that covers the addresses peers and clients dial, and point the interface at it`
        : `Replace the certificates in ${facts.name} with ones issued by your CA (or a private CA on the PKI page), or delete the keystore if it is only a sample`,
    );
  }
  if (reasons.includes("knownPassword")) {
    steps.push(
      `Change the password of keystore ${facts.name} (Keystores → ${facts.name} → Change password)`,
    );
  }
  return steps.join("; ");
}

interface KeystoreRow {
  id: string;
  name: string;
  passwordSealed: string;
  updatedAt: Date;
}

interface EntryRow {
  keystoreId: string;
  alias: string;
  kind: "privateKey" | "trustedCertificate";
  chainPem: string;
}

/**
 * Finds default or demo credentials among stored keystores and the interfaces that use them,
 * from the store alone (no network). What a keystore gives away is kept per id and updatedAt
 * (every change of a keystore touches updatedAt), so a summary opens only changed ones.
 */
export class DefaultCredentialsScan {
  private cache = new Map<string, { version: number; facts: KeystoreFacts }>();
  /** The manager's CAs the cached facts were worked out with. */
  private casKey = "";

  /** Without `secrets` (no master key) passwords cannot be judged: knownPassword is never set. */
  constructor(
    private readonly db: Db,
    private readonly secrets?: SecretBox | undefined,
  ) {}

  /** Each realm's `cluster` decides whether the rotation wizard is the fix. */
  async list(realms: RealmSummary[]): Promise<DefaultCredentials[]> {
    const facts = await this.facts();
    const uses = new Map<
      string,
      { realm: RealmSummary; iface: RealmInterface; use: KeystoreUse }[]
    >();
    const addUse = (id: string, realm: RealmSummary, iface: RealmInterface, use: KeystoreUse) => {
      const list = uses.get(id) ?? [];
      list.push({ realm, iface, use });
      uses.set(id, list);
    };
    for (const realm of realms) {
      for (const iface of realm.interfaces) {
        const c = iface.certificates;
        if (!c) continue;
        addUse(c.keystoreId, realm, iface, {
          role: "keystore",
          keyAlias: c.keyAlias,
          bindAddress: iface.bindAddress,
        });
        if (c.truststoreId) addUse(c.truststoreId, realm, iface, { role: "truststore" });
      }
    }
    const found: DefaultCredentials[] = [];
    for (const f of facts) {
      const inUse = uses.get(f.id) ?? [];
      if (inUse.length === 0) {
        const reasons = defaultCredentialReasons(f);
        const where = { realm: null, interface: null, cluster: null };
        if (reasons.length > 0) {
          found.push({
            ...where,
            keystoreId: f.id,
            keystore: f.name,
            reasons,
            fix: fixFor(f, reasons, where, false),
          });
        }
        continue;
      }
      for (const { realm, iface, use } of inUse) {
        const reasons = defaultCredentialReasons(f, use);
        if (reasons.length === 0) continue;
        const where = { realm: realm.name, interface: iface.alias, cluster: realm.cluster };
        found.push({
          ...where,
          keystoreId: f.id,
          keystore: f.name,
          reasons,
          fix: fixFor(f, reasons, where, rotatedByWizard(realm, iface)),
        });
      }
    }
    // Realms first (by realm, interface), then keystores in no use (by name).
    const order = (a: string | null, b: string | null) =>
      a === b ? 0 : a === null ? 1 : b === null ? -1 : a.localeCompare(b);
    return found.sort(
      (a, b) =>
        order(a.realm, b.realm) ||
        order(a.interface, b.interface) ||
        a.keystore.localeCompare(b.keystore),
    );
  }

  private async facts(): Promise<KeystoreFacts[]> {
    const rows = await this.db.query<KeystoreRow>(
      `SELECT id, name, password_sealed AS "passwordSealed", updated_at AS "updatedAt"
         FROM keystores ORDER BY name`,
    );
    const cas = await this.db.query<{ sha256: string }>(
      "SELECT sha256 FROM certificate_authorities",
    );
    const ownCas = new Set(cas.map((c) => c.sha256));
    const casKey = [...ownCas].sort().join(",");
    if (casKey !== this.casKey) this.cache.clear();
    this.casKey = casKey;
    const stale = rows.filter((r) => this.cache.get(r.id)?.version !== r.updatedAt.getTime());
    const entries =
      stale.length === 0
        ? []
        : await this.db.query<EntryRow>(
            `SELECT keystore_id AS "keystoreId", alias, kind, chain_pem AS "chainPem"
               FROM keystore_entries WHERE keystore_id = ANY($1::text[]) ORDER BY seq`,
            [stale.map((r) => r.id)],
          );
    const next = new Map<string, { version: number; facts: KeystoreFacts }>();
    for (const row of rows) {
      const cached = this.cache.get(row.id);
      const version = row.updatedAt.getTime();
      if (cached && cached.version === version) {
        next.set(row.id, cached);
        continue;
      }
      const facts = keystoreFacts({
        id: row.id,
        name: row.name,
        ownCas,
        password: this.password(row),
        entries: entries
          .filter((e) => e.keystoreId === row.id)
          .map((e) => ({
            alias: e.alias,
            kind: e.kind === "privateKey" ? "key" : "trusted",
            certificates: certificatesOf(e.chainPem),
          })),
      });
      next.set(row.id, { version, facts });
    }
    // Rebuilt from the current rows, so deleted keystores drop out.
    this.cache = next;
    return [...next.values()].map((v) => v.facts);
  }

  private password(row: KeystoreRow): string | null {
    if (!this.secrets) return null;
    try {
      return this.secrets.openString(row.passwordSealed, secretContexts.keystorePassword(row.id));
    } catch {
      // Sealed under another master key: keystore routes say so; the flag just stays unknown.
      return null;
    }
  }
}

function certificatesOf(chainPem: string): CertificateInfo[] {
  if (!chainPem) return [];
  try {
    return parseCertificates(chainPem);
  } catch {
    return [];
  }
}

/** The rotation wizard replaces what the inter-realm interface serves and what shares its keystore. */
function rotatedByWizard(realm: RealmSummary, iface: RealmInterface): boolean {
  if (!realm.cluster || !iface.certificates) return false;
  const secure = (i: RealmInterface) => i.protocol === "nsps" || i.protocol === "nhps";
  const clusterKeystores = new Set(
    realm.interfaces
      .filter((i) => secure(i) && i.allowInterRealm && i.certificates)
      .map((i) => i.certificates!.keystoreId),
  );
  return clusterKeystores.has(iface.certificates.keystoreId);
}
