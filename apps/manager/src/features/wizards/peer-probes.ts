import {
  type InterRealmHelloProbeResult,
  PROBE_TIMEOUT_MS,
  type TlsProbeResult,
} from "@conclave/protocol";
import { NotFoundError } from "../../http/errors.js";
import type { AgentRecord } from "../../store/agents.repo.js";
import { AgentCallError, type AgentClient } from "../agents/agent-client.js";
import { type ClusterOperations, type MemberView, waitUntil } from "./cluster-operations.js";
import { probePlaintextHello, probeTls } from "./probes.js";

/** Where a probe ran from: one agent's host, on behalf of the peer realms it runs. */
export interface PeerProbeOrigin {
  /** The peer realms on that host, which dial the target as this probe did. */
  from: string[];
  /** The agent's hostname ("unknown" when a peer has no agent on record). */
  agent: string;
  agentId: string | null;
  /** "agent": from the peers' host; "manager": the agent is too old to probe (HTTP 404). */
  via: "agent" | "manager";
  /**
   * Why the probe could not run from that host at all (agent not reporting, unreachable,
   * failing): the result then proves nothing either way. Null when it ran.
   */
  error: string | null;
}

/**
 * A TLS handshake with the target as one peer host saw it. The field names follow
 * probes.ts's `TlsProbeResult`; `protocol`, `cipher` and `certificateSha256` are null when no
 * handshake completed (refused connection, or `error`).
 */
export interface PeerTlsProbe extends PeerProbeOrigin {
  /** The handshake completed and the certificate verified. */
  ok: boolean;
  protocol: string | null;
  cipher: string | null;
  /** SHA-256 of the certificate served, colon-separated upper-case hex. */
  certificateSha256: string | null;
  /** Chains to the given CAs and covers the host the peers dial. */
  verified: boolean;
  /** Why not verified, or why no handshake completed. */
  verifyError: string | null;
}

/** A plaintext inter-realm hello to the target as one peer host saw it (see probes.ts). */
export interface PeerHelloProbe extends PeerProbeOrigin {
  /** False when welcomed, when no answer came in time, and when the probe could not run. */
  refused: boolean;
  /** "INTER_REALM_NOT_ALLOWED: …", "welcomed a plaintext inter-realm hello", … */
  detail: string;
}

/**
 * A TLS handshake with `host:port` (the address peers dial for `target`) from the host of
 * every other member of `cluster`, one per agent (realms sharing a host share the probe); a
 * cluster of one probes from `target`'s own host. An agent older than the probes (404) is
 * replaced by the same probe from the manager, marked `via: "manager"`.
 *
 * Never throws for one host: a peer whose agent cannot be asked gets a result with `error`
 * (and `ok: false`), so a step can say which host could not check and why. Throws only when
 * `cluster` or `target` is unknown.
 */
export async function probeTlsFromPeers(
  ops: ClusterOperations,
  input: { cluster: string; target: string; host: string; port: number; caPems: string[] },
): Promise<PeerTlsProbe[]> {
  const { host, port, caPems } = input;
  const caPem = caPems.length > 0 ? caPems.join("\n") : undefined;
  return fromPeers(ops, input.cluster, input.target, {
    agent: async (client) =>
      fromAgentTls(
        await client.probe({ kind: "tls", host, port, ...(caPem ? { caPem } : {}) }),
        caPems.length > 0,
      ),
    manager: () => fromManagerTls(host, port, caPems),
    failed: (error) => ({
      ok: false,
      protocol: null,
      cipher: null,
      certificateSha256: null,
      verified: false,
      verifyError: error,
    }),
  });
}

/**
 * A plaintext inter-realm hello to `host:port` from every peer host of `target`, as
 * {@link probeTlsFromPeers} chooses them (same fallback and failures). `refused` has the
 * meaning of probes.ts's `probePlaintextHello`: an error frame, or a connection refused or
 * closed without a welcome; a hello left unanswered is not a refusal.
 */
export async function probeHelloFromPeers(
  ops: ClusterOperations,
  input: { cluster: string; target: string; host: string; port: number },
): Promise<PeerHelloProbe[]> {
  const { cluster, host, port } = input;
  return fromPeers(ops, cluster, input.target, {
    agent: async (client) =>
      fromAgentHello(await client.probe({ kind: "interRealmHello", host, port, cluster })),
    manager: () => probePlaintextHello(host, port, { cluster, timeoutMs: PROBE_TIMEOUT_MS }),
    failed: (error) => ({ refused: false, detail: `not probed: ${error}` }),
  });
}

/**
 * {@link probeTlsFromPeers} again every 250 ms until every peer host completed a handshake
 * (verified or not: the caller judges), for at most 15 s; `what` names the interface.
 */
export function handshakesFromPeers(
  ops: ClusterOperations,
  input: { cluster: string; target: string; host: string; port: number; caPems: string[] },
  what: string,
  signal: AbortSignal,
): Promise<PeerTlsProbe[]> {
  return waitUntil(
    `a TLS handshake with ${what} on ${input.host}:${input.port} from its peers' hosts`,
    async () => {
      const results = await probeTlsFromPeers(ops, input);
      const waiting = results.find((r) => r.error || !r.protocol);
      return waiting ? { pending: describePeerTls(waiting) } : results;
    },
    { timeoutMs: 15_000, signal },
  );
}

/** One line of evidence: "from realm-b's host (host-b): TLSv1.3, …, A1:B2:… verified". */
export function describePeerTls(result: PeerTlsProbe): string {
  const where = describeOrigin(result);
  if (result.error) return `${where}: not probed (${result.error})`;
  if (!result.protocol) return `${where}: no TLS handshake (${result.verifyError})`;
  const verdict = result.verified ? "verified" : `not verified (${result.verifyError})`;
  return `${where}: ${result.protocol}, ${result.cipher}, ${result.certificateSha256} ${verdict}`;
}

/** One line of evidence: "from realm-b's host (host-b): refused (INTER_REALM_NOT_ALLOWED: …)". */
export function describePeerHello(result: PeerHelloProbe): string {
  const where = describeOrigin(result);
  if (result.error) return `${where}: not probed (${result.error})`;
  return `${where}: ${result.refused ? "refused" : "not refused"} (${result.detail})`;
}

function describeOrigin(origin: PeerProbeOrigin): string {
  const realms = origin.from.join(", ");
  const by = origin.via === "manager" ? ", probed from the manager: its agent cannot probe" : "";
  return `from ${realms}'s host (${origin.agent}${by})`;
}

interface ProbeWays<R> {
  /** The probe through the agent's POST /v1/probe. */
  agent(client: AgentClient): Promise<R>;
  /** The same probe from the manager, for agents that answer 404. */
  manager(): Promise<R>;
  /** The result for a host the probe could not run from. */
  failed(error: string): R;
}

/** A peer host: its agent (if any) and the member realms it runs. */
interface PeerHost {
  agent: AgentRecord | undefined;
  realms: string[];
}

async function fromPeers<R>(
  ops: ClusterOperations,
  cluster: string,
  target: string,
  ways: ProbeWays<R>,
): Promise<(PeerProbeOrigin & R)[]> {
  const { members } = await ops.look(cluster);
  if (!members.some((m) => m.realm === target)) {
    throw new NotFoundError(`${target} is not a member of cluster ${cluster}`);
  }
  const peers = members.filter((m) => m.realm !== target);
  const hosts = groupByAgent(peers.length > 0 ? peers : members.filter((m) => m.realm === target));
  return Promise.all(hosts.map((peerHost) => probeFrom(ops, peerHost, ways)));
}

/** One probe per agent; a peer without an agent on record is a host of its own. */
function groupByAgent(views: MemberView[]): PeerHost[] {
  const byKey = new Map<string, PeerHost>();
  for (const view of views) {
    const key = view.agent ? `agent:${view.agent.id}` : `realm:${view.realm}`;
    const host = byKey.get(key) ?? { agent: view.agent, realms: [] };
    host.realms.push(view.realm);
    byKey.set(key, host);
  }
  return [...byKey.values()];
}

async function probeFrom<R>(
  ops: ClusterOperations,
  { agent, realms }: PeerHost,
  ways: ProbeWays<R>,
): Promise<PeerProbeOrigin & R> {
  const origin = (via: "agent" | "manager", error: string | null): PeerProbeOrigin => ({
    from: realms,
    agent: agent?.hostname ?? "unknown",
    agentId: agent?.id ?? null,
    via,
    error,
  });
  const failed = (error: string) => ({ ...origin("agent", error), ...ways.failed(error) });
  if (!agent) return failed(`${realms.join(", ")} has no agent on record`);
  // A silent agent would hold the step for the client's whole timeout; its host is unknown.
  if (!agent.connected) return failed(`agent ${agent.hostname} (${agent.id}) is not reporting`);
  try {
    const client = await ops.fleet.clientFor(agent);
    return { ...origin("agent", null), ...(await ways.agent(client)) };
  } catch (error) {
    if (error instanceof AgentCallError && error.status === 404) {
      return { ...origin("manager", null), ...(await ways.manager()) };
    }
    const reason = error instanceof Error ? error.message : String(error);
    return failed(`agent ${agent.hostname} (${agent.id}) could not probe: ${reason}`);
  }
}

function fromAgentTls(answer: TlsProbeResult, withCa: boolean) {
  // Without a CA the agent does not check the certificate: handshake alone is not "verified".
  const verified = withCa && answer.ok;
  const verifyError = verified
    ? null
    : (answer.error ?? (answer.tlsVersion ? "not checked: no CA given" : "no TLS handshake"));
  return {
    ok: verified,
    protocol: answer.tlsVersion,
    cipher: answer.cipher,
    certificateSha256: answer.peerCertificateSha256,
    verified,
    verifyError,
  };
}

async function fromManagerTls(host: string, port: number, caPems: string[]) {
  try {
    const result = await probeTls(host, port, { caPems, timeoutMs: PROBE_TIMEOUT_MS });
    const verified = caPems.length > 0 && result.verified;
    return {
      ok: verified,
      protocol: result.protocol,
      cipher: result.cipher,
      certificateSha256: result.certificateSha256 || null,
      verified,
      verifyError: verified ? null : (result.verifyError ?? "not checked: no CA given"),
    };
  } catch (error) {
    return {
      ok: false,
      protocol: null,
      cipher: null,
      certificateSha256: null,
      verified: false,
      verifyError: error instanceof Error ? error.message : String(error),
    };
  }
}

function fromAgentHello(answer: InterRealmHelloProbeResult) {
  if (answer.accepted || !answer.refusal) {
    return { refused: false, detail: "welcomed a plaintext inter-realm hello" };
  }
  const { code, message } = answer.refusal;
  // As in probePlaintextHello: silence proves nothing, so the lock down keeps waiting.
  return { refused: code !== "TIMEOUT", detail: `${code}: ${message}` };
}
