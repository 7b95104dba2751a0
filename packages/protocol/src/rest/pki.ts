import { z } from "zod";
import {
  CertificateSummarySchema,
  ExtendedKeyUsageSchema,
  KeystoreEntrySchema,
  KeyTypeSchema,
  SubjectAltNameSchema,
  SubjectSchema,
} from "./keystores.js";

/** A private certificate authority kept by the manager. Never its private key. */
export const CertificateAuthoritySchema = z.object({
  id: z.string(),
  name: z.string(),
  parentId: z.string().nullable().describe("The CA that signed this one; null for a root"),
  subject: z.string(),
  issuer: z.string(),
  serial: z.string(),
  sha256: z.string(),
  keyType: z.string(),
  keySize: z.number().int(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  pathLength: z.number().int().nullable(),
  chain: z.array(CertificateSummarySchema).describe("This CA first, the root last"),
  issuedCount: z.number().int().describe("Certificates signed so far"),
  createdAt: z.iso.datetime(),
});
export type CertificateAuthority = z.infer<typeof CertificateAuthoritySchema>;

export const CertificateAuthorityListSchema = z.object({
  items: z.array(CertificateAuthoritySchema),
});
export type CertificateAuthorityList = z.infer<typeof CertificateAuthorityListSchema>;

export const CreateCertificateAuthorityRequestSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "Name is required")
    .max(100)
    .regex(/^[^\p{Cc}/\\]+$/u, "Name may not contain control characters, '/' or '\\'"),
  subject: SubjectSchema,
  keyType: KeyTypeSchema.default("EC-P256"),
  validityDays: z
    .number()
    .int()
    .min(1)
    .max(36_500)
    .optional()
    .describe("Default 3650 for a root, 1825 for an intermediate"),
  intermediateOf: z.string().min(1).optional().describe("Id of the CA that signs this one"),
  pathLength: z.number().int().min(0).max(10).optional(),
});
export type CreateCertificateAuthorityRequest = z.input<
  typeof CreateCertificateAuthorityRequestSchema
>;

export const CertificateAuthorityIdParamsSchema = z.object({ id: z.string().min(1) });

export const CaCertificateQuerySchema = z.strictObject({
  chain: z
    .enum(["true", "false"])
    .default("false")
    .transform((v) => v === "true")
    .describe("Include the CA's issuers (root last)"),
});

export const SignCsrRequestSchema = z.strictObject({
  csr: z.string().min(1).max(1_048_576).describe("PKCS#10 PEM"),
  validityDays: z.number().int().min(1).max(3650).default(397),
  extendedKeyUsage: z
    .array(ExtendedKeyUsageSchema)
    .max(4)
    .optional()
    .describe("Default: what the CSR requests, else serverAuth + clientAuth"),
  sans: z
    .array(SubjectAltNameSchema)
    .max(100)
    .optional()
    .describe("Replace the CSR's SANs; by default they are copied"),
});
export type SignCsrRequest = z.input<typeof SignCsrRequestSchema>;

export const SignedCertificateSchema = z.object({
  certificate: CertificateSummarySchema,
  sans: z.array(z.string()),
  chainPem: z.string().describe("The new certificate followed by the CA chain: the CA reply"),
});
export type SignedCertificate = z.infer<typeof SignedCertificateSchema>;

export const IssueCertificateRequestSchema = z.strictObject({
  keystoreId: z.string().min(1),
  alias: z.string().min(1).max(256).describe("A key entry of that keystore"),
  validityDays: z.number().int().min(1).max(3650).default(397),
  extendedKeyUsage: z.array(ExtendedKeyUsageSchema).max(4).optional(),
  sans: z.array(SubjectAltNameSchema).max(100).optional(),
});
export type IssueCertificateRequest = z.input<typeof IssueCertificateRequestSchema>;

/** The key entry after its new certificate was imported, and the certificate chain. */
export const IssuedCertificateSchema = z.object({
  entry: KeystoreEntrySchema,
  chainPem: z.string(),
});
export type IssuedCertificate = z.infer<typeof IssuedCertificateSchema>;
