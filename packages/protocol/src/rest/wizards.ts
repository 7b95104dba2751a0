import { z } from "zod";
import { ClusterNameSchema } from "../realm/cluster.js";
import { TlsProtocolSchema } from "../realm/config.js";
import { RealmNameSchema } from "../realm/names.js";

/**
 * Wizards: long, resumable changes to a whole cluster that keep it serving clients
 * (/api/v1/wizards). The manager persists each wizard as a state machine of idempotent steps
 * and resumes it after a restart. See docs/wizards.md.
 */

/** encrypt-inter-realm: move inter-realm links from nsp to nsps · rotate-credentials: new CA and leaves. */
export const WizardKindSchema = z.enum(["encrypt-inter-realm", "rotate-credentials"]);
export type WizardKind = z.infer<typeof WizardKindSchema>;

/**
 * The wizard as a whole.
 * - awaitingAcknowledgement: pre-flight found warnings only; POST …/acknowledge to go on.
 * - blocked: pre-flight found an error; nothing was changed (cancel, fix, start a new one).
 * - running / paused: steps are being run / the engine stops before the next step.
 * - failed: a step failed; resume retries it, rollback restores the previous configuration.
 * - completed · cancelled · rollingBack · rolledBack: terminal or on the way to it.
 */
export const WizardStateSchema = z.enum([
  "awaitingAcknowledgement",
  "blocked",
  "running",
  "paused",
  "failed",
  "completed",
  "cancelled",
  "rollingBack",
  "rolledBack",
]);
export type WizardState = z.infer<typeof WizardStateSchema>;

export const WizardStepStatusSchema = z.enum([
  "pending",
  "running",
  "done",
  "failed",
  "rolledBack",
]);
export type WizardStepStatus = z.infer<typeof WizardStepStatusSchema>;

/** One observation a step recorded, shown under the step in the console. */
export const WizardEvidenceSchema = z.object({
  at: z.iso.datetime(),
  message: z.string(),
  /** The realm it concerns, if one. */
  realm: z.string().nullable(),
});
export type WizardEvidence = z.infer<typeof WizardEvidenceSchema>;

export const WizardStepSchema = z.object({
  /** Stable identifier: preflight, stage, probe, cut-over:<realm>, lock-down, report, … */
  name: z.string(),
  /** What the console shows: "Cut over realm-b (master)". */
  title: z.string(),
  status: WizardStepStatusSchema,
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  evidence: z.array(WizardEvidenceSchema),
  /** Why the step failed, in operator words; null unless failed. */
  error: z.string().nullable(),
});
export type WizardStep = z.infer<typeof WizardStepSchema>;

export const WizardFindingCheckSchema = z.enum([
  "certificateCoverage",
  "chain",
  "keyMatch",
  "expiry",
  "keyUsage",
  "tlsPolicy",
  "portInUse",
  "membership",
  "quorum",
  "clockSkew",
  "plaintextClients",
  "keystore",
  "defaultCredentials",
]);
export type WizardFindingCheck = z.infer<typeof WizardFindingCheckSchema>;

/** A pre-flight finding: which realm, what is wrong, how to fix it. Errors stop the wizard. */
export const WizardFindingSchema = z.object({
  /** Stable within the wizard, e.g. "expiry:realm-b". */
  id: z.string(),
  severity: z.enum(["error", "warning"]),
  realm: z.string().nullable(),
  check: WizardFindingCheckSchema,
  problem: z.string(),
  fix: z.string(),
  /** Warnings only: true once acknowledged. */
  acknowledged: z.boolean(),
});
export type WizardFinding = z.infer<typeof WizardFindingSchema>;

/** Keystore and truststore (GET /api/v1/keystores ids) for one realm. */
export const RealmCertificatesSchema = z.strictObject({
  keystoreId: z.string().min(1),
  truststoreId: z.string().min(1),
});

/**
 * "issue": a private CA issues every realm a certificate for the addresses its peers dial
 * (caId picks the CA; without it the wizard creates one named after the cluster). Or one
 * keystore/truststore pair per member realm.
 */
export const WizardCertificatesSchema = z.union([
  z.literal("issue"),
  z.record(RealmNameSchema, RealmCertificatesSchema),
]);
export type WizardCertificates = z.infer<typeof WizardCertificatesSchema>;

/** What happens to the old nsp interfaces: keep serving clients, loopback only, or removed. */
export const PlaintextPolicySchema = z.enum(["keep", "loopback", "remove"]);
export type PlaintextPolicy = z.infer<typeof PlaintextPolicySchema>;

const PortSchema = z.number().int().min(1).max(65535);

export const EncryptInterRealmOptionsSchema = z.strictObject({
  certificates: WizardCertificatesSchema.default("issue"),
  caId: z.string().min(1).optional(),
  /**
   * Ports of the new interfaces per realm; without an entry the wizard picks the first free
   * ports above the realm's inter-realm nsp port.
   */
  ports: z
    .record(
      RealmNameSchema,
      z.strictObject({ interRealm: PortSchema, client: PortSchema.optional() }),
    )
    .default({}),
  /** Also add an nsps interface for clients on each realm. */
  clientInterface: z.boolean().default(true),
  protocols: z.array(TlsProtocolSchema).min(1).default(["TLSv1.2", "TLSv1.3"]),
  cipherSuites: z.array(z.string().min(1)).default([]),
  plaintext: PlaintextPolicySchema.default("keep"),
});
export type EncryptInterRealmOptions = z.infer<typeof EncryptInterRealmOptionsSchema>;

export const RotateCredentialsOptionsSchema = z.strictObject({
  certificates: WizardCertificatesSchema.default("issue"),
  caId: z.string().min(1).optional(),
});
export type RotateCredentialsOptions = z.infer<typeof RotateCredentialsOptionsSchema>;

/** POST /api/v1/wizards → 201 {id} */
export const CreateWizardRequestSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("encrypt-inter-realm"),
    cluster: ClusterNameSchema,
    options: EncryptInterRealmOptionsSchema.default(EncryptInterRealmOptionsSchema.parse({})),
  }),
  z.strictObject({
    kind: z.literal("rotate-credentials"),
    cluster: ClusterNameSchema,
    options: RotateCredentialsOptionsSchema.default(RotateCredentialsOptionsSchema.parse({})),
  }),
]);
export type CreateWizardRequest = z.input<typeof CreateWizardRequestSchema>;

export const CreateWizardResponseSchema = z.object({ id: z.string() });

/** POST /api/v1/wizards/{id}/acknowledge: the warning findings the operator accepts (all when omitted). */
export const AcknowledgeFindingsRequestSchema = z.strictObject({
  findings: z.array(z.string()).optional(),
});

/** One inter-realm link in the final report. */
export const WizardLinkReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  protocol: z.enum(["nsp", "nsps", "nhp", "nhps"]),
  tlsVersion: z.string().nullable(),
  cipher: z.string().nullable(),
  /** SHA-256 of the certificate the peer presented (hex, colon-separated). */
  peerCertificateSha256: z.string().nullable(),
  /**
   * The dialling realm checked that certificate against the cluster trust store (chain and
   * the address dialled). False for plaintext links and for reports made before it was kept.
   */
  peerCertificateVerified: z.boolean().default(false),
});
export type WizardLinkReport = z.infer<typeof WizardLinkReportSchema>;

export const WizardReportSchema = z.object({
  generatedAt: z.iso.datetime(),
  links: z.array(WizardLinkReportSchema),
  /** Old plaintext interfaces that refused a plaintext inter-realm hello at lock down. */
  lockedDown: z.array(z.object({ realm: z.string(), alias: z.string(), refused: z.boolean() })),
});
export type WizardReport = z.infer<typeof WizardReportSchema>;

/** GET /api/v1/wizards/{id} (and each item of GET /api/v1/wizards). */
export const WizardSchema = z.object({
  id: z.string(),
  kind: WizardKindSchema,
  cluster: z.string(),
  state: WizardStateSchema,
  /** The options as given, defaults filled in (no secrets: keystores are referred to by id). */
  options: z.record(z.string(), z.unknown()),
  steps: z.array(WizardStepSchema),
  findings: z.array(WizardFindingSchema),
  /** Set by the report step; GET /api/v1/wizards/{id}/report downloads it as JSON. */
  report: WizardReportSchema.nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Wizard = z.infer<typeof WizardSchema>;
export const WizardListSchema = z.array(WizardSchema);

export const WizardParamsSchema = z.object({ id: z.string().min(1) });
export const WizardActionSchema = z.enum(["pause", "resume", "rollback", "cancel", "acknowledge"]);
export type WizardAction = z.infer<typeof WizardActionSchema>;
