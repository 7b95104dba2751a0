import { createHash, X509Certificate } from "node:crypto";
import { generateCsr } from "@conclave/pki";
import { EnrolResponseSchema, GatewayCaSchema } from "@conclave/protocol";
import type { AgentIdentity } from "./agent-identity.js";
import { httpsJson } from "./https-json.js";
import { AGENT_VERSION } from "./version.js";

/** Enrolment failed; the message says what to do. */
export class EnrolError extends Error {
  override name = "EnrolError";
}

/**
 * Enrols this host with the manager: fetches the manager's CA and checks it against the pin
 * in the token, generates a key pair and a CSR (the key stays here), and sends the CSR with the
 * one-time token over a connection that now verifies the manager. Answers the new identity.
 */
export async function enrol(options: {
  managerUrl: string;
  /** As shown by the manager: `<secret>.<CA pin>`. */
  token: string;
  hostname: string;
  /** Addresses the manager reaches this agent on; they become the certificate's SANs. */
  addresses: string[];
}): Promise<AgentIdentity> {
  const [secret, pin] = options.token.trim().split(".");
  if (!secret || !pin || !/^[0-9a-f]{64}$/.test(pin)) {
    throw new EnrolError(
      "The token is malformed: copy the whole token the manager showed (<secret>.<CA pin>)",
    );
  }
  const base = options.managerUrl.replace(/\/+$/, "");
  // Before enrolment the agent has no CA to verify the manager with; the pin stands in for it.
  const { caPem } = GatewayCaSchema.parse(
    await httpsJson(`${base}/agent/v1/ca`, "GET", undefined, { insecureSkipVerify: true }),
  );
  const actualPin = createHash("sha256").update(new X509Certificate(caPem).raw).digest("hex");
  if (actualPin !== pin) {
    throw new EnrolError(
      `The manager at ${base} presented a CA that does not match the token's pin; refusing to enrol`,
    );
  }
  const { csrPem, privateKeyPem } = await generateCsr({
    subject: {
      commonName: `conclave-agent ${options.hostname}`.slice(0, 64),
      organization: "Conclave",
    },
    key: { type: "ec", curve: "P-256" },
    subjectAltNames: options.addresses,
    extendedKeyUsage: ["serverAuth", "clientAuth"],
  });
  const answer = EnrolResponseSchema.parse(
    await httpsJson(
      `${base}/agent/v1/enrol`,
      "POST",
      {
        token: secret,
        csrPem,
        hostname: options.hostname,
        addresses: options.addresses,
        version: AGENT_VERSION,
      },
      { ca: caPem },
    ),
  );
  return {
    agentId: answer.agentId,
    managerUrl: base,
    certPem: answer.certificatePem,
    keyPem: privateKeyPem,
    caPem: answer.caPem,
  };
}
