import type { Agent } from "@conclave/protocol";
import type { AgentRecord } from "../../store/agents.repo.js";

/** The API view of an agent: never its report's raw configuration. */
export function toAgent(agent: AgentRecord, realms: string[]): Agent {
  return {
    id: agent.id,
    hostname: agent.hostname,
    addresses: agent.addresses,
    url: agent.url,
    version: agent.version,
    connected: agent.connected,
    lastSeenAt: agent.lastSeenAt?.toISOString() ?? null,
    clockSkewMs: agent.clockSkewMs,
    enrolledAt: agent.enrolledAt.toISOString(),
    certificate: {
      serialNumber: agent.certificateSerial,
      notAfter: agent.certificateNotAfter.toISOString(),
      fingerprintSha256: agent.certificateFingerprint,
    },
    realms,
    driftCount: agent.drift.length,
  };
}
