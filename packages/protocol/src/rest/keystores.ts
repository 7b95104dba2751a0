import { z } from "zod";

/**
 * Keystores and truststores kept by the manager. Passwords and private keys are write-only:
 * no schema here has a field that returns them.
 */

/** The format a keystore was uploaded or created in (JCEKS uploads count as "jks"). */
export const KeystoreTypeSchema = z.enum(["jks", "pkcs12", "pem"]);
export type KeystoreType = z.infer<typeof KeystoreTypeSchema>;

/** Formats a keystore can be downloaded in. */
export const KeystoreDownloadFormatSchema = z.enum(["jks", "pkcs12", "pem"]);
export type KeystoreDownloadFormat = z.infer<typeof KeystoreDownloadFormatSchema>;

export const KeystoreEntryKindSchema = z.enum(["privateKey", "trustedCertificate"]);
export type KeystoreEntryKind = z.infer<typeof KeystoreEntryKindSchema>;

/** Where a certificate stands against today's date. */
export const ExpiryStatusSchema = z.enum(["valid", "expiringSoon", "expired", "notYetValid"]);
export type ExpiryStatus = z.infer<typeof ExpiryStatusSchema>;

/** Key algorithms the manager generates. */
export const KeyTypeSchema = z.enum(["RSA-2048", "RSA-3072", "RSA-4096", "EC-P256", "EC-P384"]);
export type KeyType = z.infer<typeof KeyTypeSchema>;

export const ExtendedKeyUsageSchema = z.enum([
  "serverAuth",
  "clientAuth",
  "codeSigning",
  "emailProtection",
]);
export type ExtendedKeyUsage = z.infer<typeof ExtendedKeyUsageSchema>;

/** A subject as operators type it; CN is required. */
export const SubjectSchema = z.strictObject({
  CN: z.string().trim().min(1, "CN is required").max(64),
  O: z.string().trim().min(1).max(64).optional(),
  OU: z.string().trim().min(1).max(64).optional(),
  L: z.string().trim().min(1).max(128).optional(),
  ST: z.string().trim().min(1).max(128).optional(),
  C: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, "C is a two-letter country code")
    .optional(),
});
export type Subject = z.infer<typeof SubjectSchema>;

/** "dns:realm1.example" or "ip:198.18.0.5"; a bare host name or IP address is accepted too. */
export const SubjectAltNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(260)
  .describe('"dns:host.example" or "ip:198.18.0.5" (bare names and addresses are detected)');

/** A store or key password. Never returned by any route. */
export const KeystorePasswordSchema = z
  .string()
  .min(1, "A password is required")
  .max(1024, "A password is at most 1024 characters");

export const KeystoreNameSchema = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(100, "Name is at most 100 characters")
  .regex(/^[^\p{Cc}/\\]+$/u, "Name may not contain control characters, '/' or '\\'");

/** One certificate of a chain, summarised. */
export const CertificateSummarySchema = z.object({
  subject: z.string(),
  issuer: z.string(),
  serial: z.string().describe("Lower-case hex, as keytool prints it"),
  sha256: z.string().describe("SHA-256 fingerprint, AB:CD:… as keytool prints it"),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  isCA: z.boolean(),
  selfSigned: z.boolean(),
});
export type CertificateSummary = z.infer<typeof CertificateSummarySchema>;

/**
 * One entry of a keystore, as keytool -list -v shows it. A key entry generated here has no
 * certificate until its CA reply is imported (`status: "pendingCaReply"`): its subject and
 * SANs are those of its CSR and the certificate fields are null.
 */
export const KeystoreEntrySchema = z.object({
  alias: z.string(),
  kind: KeystoreEntryKindSchema,
  status: z.enum(["ok", "pendingCaReply"]),
  subject: z.string(),
  issuer: z.string().nullable(),
  sans: z.array(z.string()).describe('"dns:…", "ip:…", "email:…", "uri:…"'),
  notBefore: z.iso.datetime().nullable(),
  notAfter: z.iso.datetime().nullable(),
  sha256: z.string().nullable(),
  serial: z.string().nullable(),
  keyType: z.string().describe('"RSA", "EC" …'),
  keySize: z.number().int(),
  signatureAlgorithm: z.string().nullable(),
  keyUsage: z.array(z.string()),
  extendedKeyUsage: z.array(z.string()),
  isCA: z.boolean(),
  expiry: ExpiryStatusSchema.nullable(),
  chainLength: z.number().int(),
  chain: z.array(CertificateSummarySchema).describe("Leaf first; empty while pending"),
  hasCsr: z.boolean().describe("A CSR generated here is kept for GET …/csr"),
});
export type KeystoreEntry = z.infer<typeof KeystoreEntrySchema>;

export const KeystoreEntryListSchema = z.object({ items: z.array(KeystoreEntrySchema) });
export type KeystoreEntryList = z.infer<typeof KeystoreEntryListSchema>;

/** A keystore with its entries. Never its password or private keys. */
export const KeystoreSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: KeystoreTypeSchema,
  sourceFormat: z
    .enum(["jks", "jceks", "pkcs12", "pem", "new"])
    .describe('The uploaded file\'s format; "new" for stores created empty here'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  entries: z.array(KeystoreEntrySchema),
});
export type Keystore = z.infer<typeof KeystoreSchema>;

/** A keystore as listed. */
export const KeystoreSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  type: KeystoreTypeSchema,
  entryCount: z.number().int(),
  privateKeyCount: z.number().int(),
  trustedCertificateCount: z.number().int(),
  nearestExpiry: z.iso
    .datetime()
    .nullable()
    .describe("The earliest notAfter of its certificates; null when it holds none"),
  expiry: ExpiryStatusSchema.nullable().describe("Status of the certificate that expires first"),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type KeystoreSummary = z.infer<typeof KeystoreSummarySchema>;

export const KeystoreListSchema = z.object({ items: z.array(KeystoreSummarySchema) });
export type KeystoreList = z.infer<typeof KeystoreListSchema>;

/** JSON form of POST /keystores: a new, empty keystore or truststore. */
export const CreateKeystoreRequestSchema = z.strictObject({
  name: KeystoreNameSchema,
  password: KeystorePasswordSchema,
  type: KeystoreTypeSchema.default("pkcs12").describe("The format it is normally downloaded in"),
});
export type CreateKeystoreRequest = z.input<typeof CreateKeystoreRequestSchema>;

/**
 * Text fields of the multipart form of POST /keystores (besides the `file` part). The key
 * password is only needed for JKS/JCEKS/PEM files whose keys have their own password.
 */
export const UploadKeystoreFieldsSchema = z.strictObject({
  password: KeystorePasswordSchema,
  name: KeystoreNameSchema.optional(),
  keyPassword: KeystorePasswordSchema.optional(),
});
export type UploadKeystoreFields = z.input<typeof UploadKeystoreFieldsSchema>;

export const KeystoreIdParamsSchema = z.object({ id: z.string().min(1) });

export const KeystoreEntryParamsSchema = z.object({
  id: z.string().min(1),
  alias: z.string().min(1).max(256),
});

export const RenameEntryRequestSchema = z.strictObject({
  alias: z.string().trim().min(1, "The new alias is required").max(256),
});
export type RenameEntryRequest = z.input<typeof RenameEntryRequestSchema>;

/** JSON form of POST …/trusted-certificates; the multipart form sends `file` (+ `alias`). */
export const ImportTrustedCertificateRequestSchema = z.strictObject({
  alias: z.string().trim().min(1).max(256).optional().describe("Default: derived from the CN"),
  pem: z.string().min(1).max(1_048_576).describe("One PEM certificate (the first is imported)"),
});
export type ImportTrustedCertificateRequest = z.input<typeof ImportTrustedCertificateRequestSchema>;

export const GenerateKeyPairRequestSchema = z.strictObject({
  alias: z.string().trim().min(1).max(256),
  keyType: KeyTypeSchema.default("EC-P256"),
  subject: SubjectSchema,
  sans: z.array(SubjectAltNameSchema).max(100).default([]),
  extendedKeyUsage: z
    .array(ExtendedKeyUsageSchema)
    .max(4)
    .default(["serverAuth", "clientAuth"])
    .describe("Inter-realm links need both serverAuth and clientAuth"),
});
export type GenerateKeyPairRequest = z.input<typeof GenerateKeyPairRequestSchema>;

/** An entry and its CSR. */
export const GeneratedKeyPairSchema = z.object({
  entry: KeystoreEntrySchema,
  csr: z.string().describe("PKCS#10 PEM; sign it and import the reply with …/ca-reply"),
});
export type GeneratedKeyPair = z.infer<typeof GeneratedKeyPairSchema>;

export const CsrSchema = z.object({
  alias: z.string(),
  csr: z.string().describe("PKCS#10 PEM"),
});
export type Csr = z.infer<typeof CsrSchema>;

export const ImportCaReplyRequestSchema = z.strictObject({
  pem: z
    .string()
    .min(1)
    .max(1_048_576)
    .describe("The signed certificate, optionally followed by its CA chain (PEM)"),
});
export type ImportCaReplyRequest = z.input<typeof ImportCaReplyRequestSchema>;

export const ChangeKeystorePasswordRequestSchema = z.strictObject({
  currentPassword: KeystorePasswordSchema,
  newPassword: KeystorePasswordSchema,
});
export type ChangeKeystorePasswordRequest = z.input<typeof ChangeKeystorePasswordRequestSchema>;

export const KeystoreDownloadQuerySchema = z.strictObject({
  format: KeystoreDownloadFormatSchema.default("pkcs12"),
});

/** POST …/download: the file protected by a password given here instead of the stored one. */
export const KeystoreDownloadRequestSchema = z.strictObject({
  format: KeystoreDownloadFormatSchema.default("pkcs12"),
  password: KeystorePasswordSchema.describe(
    "Protects the downloaded file; the stored password does not change",
  ),
});
export type KeystoreDownloadRequest = z.input<typeof KeystoreDownloadRequestSchema>;

export const KeystoreChecksQuerySchema = z.strictObject({
  bindAddress: z
    .string()
    .trim()
    .max(255)
    .optional()
    .describe("The interface's Bind address; default 0.0.0.0"),
  host: z
    .string()
    .trim()
    .max(2048)
    .optional()
    .describe("Host names or addresses peers dial, comma-separated"),
  truststoreId: z.string().min(1).optional().describe("Also validate each chain against it"),
  role: z.enum(["server", "client", "server-client"]).default("server-client"),
  warnDays: z.coerce.number().int().min(0).max(3650).default(30),
});
export type KeystoreChecksQuery = z.input<typeof KeystoreChecksQuerySchema>;

/** One result of a certificate check, worded for the operator. */
export const CheckFindingSchema = z.object({
  id: z.string().describe('e.g. "host-not-covered", "localhost-only-certificate", "expired"'),
  severity: z.enum(["error", "warning", "info"]),
  message: z.string(),
  fix: z.string().optional(),
});
export type CheckFinding = z.infer<typeof CheckFindingSchema>;

export const KeystoreChecksSchema = z.object({
  items: z.array(
    z.object({
      alias: z.string(),
      ok: z.boolean().describe("No error findings"),
      findings: z.array(CheckFindingSchema),
    }),
  ),
});
export type KeystoreChecks = z.infer<typeof KeystoreChecksSchema>;

/** POST /api/v1/keystores/{id}/deploy: push a keystore's key to realms and reload them. */
export const DeployKeystoreRequestSchema = z.strictObject({
  realms: z.array(z.string().min(1)).min(1).max(100).describe("Realm names"),
  keyAlias: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe(
      "Private-key entry to serve; the interfaces' current one (or the only one) if absent",
    ),
  truststoreId: z
    .string()
    .min(1)
    .optional()
    .describe("Point the interfaces at this truststore too; unchanged if absent"),
});
export type DeployKeystoreRequest = z.input<typeof DeployKeystoreRequestSchema>;

/** What deploying did on one realm. */
export const KeystoreDeployResultSchema = z.object({
  realm: z.string(),
  /** Aliases of the nsps/nhps interfaces re-pointed and reloaded. */
  interfaces: z.array(z.string()),
  ok: z.boolean(),
  error: z.string().optional(),
});
export type KeystoreDeployResult = z.infer<typeof KeystoreDeployResultSchema>;

export const KeystoreDeployResultListSchema = z.array(KeystoreDeployResultSchema);
export type KeystoreDeployResultList = z.infer<typeof KeystoreDeployResultListSchema>;
