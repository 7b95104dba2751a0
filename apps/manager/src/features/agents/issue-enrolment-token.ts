import { randomBytes } from "node:crypto";
import type { EnrolmentToken } from "@conclave/protocol";
import { type AuditActor, AuditRepo } from "../../store/audit.repo.js";
import { EnrolmentTokensRepo } from "../../store/enrolment-tokens.repo.js";
import type { Fleet } from "./fleet.js";

/**
 * Creates a one-time enrolment token and audits it. The token shown to the operator is
 * `<secret>.<CA pin>`: the agent sends the secret, and checks the manager's CA against the pin
 * before it trusts the gateway (like kubeadm's discovery token CA hash).
 */
export async function issueEnrolmentToken(
  fleet: Fleet,
  input: { ttlSeconds: number; note?: string | undefined; actor: AuditActor; ip?: string | null },
): Promise<EnrolmentToken> {
  // Hex, not base64url: a token starting with "-" would read as an option on the agent's
  // command line (`--token -abc…` is refused as ambiguous).
  const secret = randomBytes(32).toString("hex");
  const pin = await fleet.pki.caPin();
  const created = await fleet.db.transaction(async (tx) => {
    const row = await new EnrolmentTokensRepo(tx).create({
      secret,
      ttlSeconds: input.ttlSeconds,
      note: input.note,
      createdBy: input.actor?.username ?? "system",
    });
    await new AuditRepo(tx).record({
      actor: input.actor,
      action: "agent.enrolment_token.create",
      target: `enrolment:${row.id}`,
      after: { expiresAt: row.expiresAt.toISOString(), note: input.note ?? null },
      ip: input.ip ?? null,
    });
    return row;
  });
  const token = `${secret}.${pin}`;
  return {
    id: created.id,
    token,
    expiresAt: created.expiresAt.toISOString(),
    managerUrl: fleet.gatewayUrl,
    command: `conclave-agent --state /var/lib/conclave-agent --manager ${fleet.gatewayUrl} --token ${token}`,
  };
}
