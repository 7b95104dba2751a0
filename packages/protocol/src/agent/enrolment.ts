import { z } from "zod";

/**
 * POST /agent/v1/enrol on the manager's agent gateway. The agent generated the key pair behind
 * `csrPem` itself; the private key never leaves its host.
 */
export const EnrolRequestSchema = z.strictObject({
  /** The secret part of the one-time token (before the "."). */
  token: z.string().min(1).max(200),
  csrPem: z.string().min(1).max(20_000),
  hostname: z.string().min(1).max(255),
  /** Addresses the manager uses to reach the agent; they become the certificate's SANs. */
  addresses: z.array(z.string().min(1).max(255)).min(1).max(16),
  version: z.string().max(50),
});
export type EnrolRequest = z.infer<typeof EnrolRequestSchema>;

export const EnrolResponseSchema = z.object({
  agentId: z.string(),
  /** The agent's certificate (client and server), signed by the manager's internal CA. */
  certificatePem: z.string(),
  /** The internal CA: the agent trusts only the manager certificates it issued. */
  caPem: z.string(),
});
export type EnrolResponse = z.infer<typeof EnrolResponseSchema>;

/** GET /agent/v1/ca: the CA certificate, fetched before enrolment and checked against the pin. */
export const GatewayCaSchema = z.object({ caPem: z.string() });

/** Subject common name of the manager's client certificate; agents accept no other caller. */
export const MANAGER_CLIENT_CN = "conclave-manager";
