import { isIP } from "node:net";
import {
  ClusterConfigSchema,
  type ClusterSite,
  type PreflightFinding,
  type RealmStatus,
} from "@conclave/protocol";
import { type AgentRecord, AgentsRepo } from "../../store/agents.repo.js";
import type { ClusterMemberRecord, ClusterRecord } from "../../store/clusters.repo.js";
import { ClustersRepo } from "../../store/clusters.repo.js";
import { type RealmRecord, RealmsRepo } from "../../store/realms.repo.js";
import { AgentCallError } from "../agents/agent-client.js";
import type { Fleet } from "../agents/fleet.js";

/** Agents whose clocks differ from the manager's by more than this fail pre-flight. */
export const CLOCK_SKEW_LIMIT_MS = 2_000;
/** …and by more than this get a warning. */
export const CLOCK_SKEW_WARNING_MS = 500;

/** What pre-flight found, and the member list to distribute when nothing is an error. */
export interface PreflightResult {
  findings: PreflightFinding[];
  members: ClusterMemberRecord[];
}

const LOOPBACK = /^(127\.|::1$|localhost$)/;
const ANY = new Set(["0.0.0.0", "::", ""]);

/**
 * Checks that `realms` can form (or stay in) cluster `cluster` and collects what every member
 * needs: each realm exists and runs, its agent reports and its clock is in step, it has a
 * running interface with Allow for InterRealm on that its peers can dial, it is in no other
 * cluster, and its identity public key can be read through its agent. Every problem is a
 * finding with the realm, what is wrong and how to fix it.
 */
export async function preflight(
  fleet: Fleet,
  input: { cluster: string; realms: string[]; sites: ClusterSite[]; primeSite?: string },
): Promise<PreflightResult> {
  const findings: PreflightFinding[] = [];
  const error = (
    realm: string | null,
    check: PreflightFinding["check"],
    problem: string,
    fix: string,
  ) => findings.push({ severity: "error", realm, check, problem, fix });

  const seen = new Set<string>();
  for (const name of input.realms) {
    if (seen.has(name)) {
      error(name, "names", `${name} is listed twice`, "List each member realm once");
    }
    seen.add(name);
  }

  const realmsRepo = new RealmsRepo(fleet.db);
  const agents = new Map((await new AgentsRepo(fleet.db).list()).map((a) => [a.id, a]));
  const others = (await new ClustersRepo(fleet.db).list()).filter((c) => c.name !== input.cluster);
  const found: { realm: RealmRecord; agent: AgentRecord }[] = [];
  for (const name of seen) {
    const realm = await realmsRepo.find(name);
    if (!realm) {
      error(name, "realm", `No realm named ${name}`, "Check the name in GET /api/v1/realms");
      continue;
    }
    const elsewhere = others.find((c: ClusterRecord) => c.members.some((m) => m.realm === name));
    if (elsewhere) {
      error(
        name,
        "membership",
        `${name} is already a member of cluster ${elsewhere.name}`,
        `Remove it from ${elsewhere.name} first (DELETE /api/v1/clusters/${elsewhere.name}/members/${name})`,
      );
      continue;
    }
    const agent = agents.get(realm.agentId);
    if (!agent?.connected) {
      error(
        name,
        "agent",
        `The agent on ${agent?.hostname ?? realm.agentId} is not reporting`,
        "Start conclave-agent on that host and wait until it shows connected",
      );
      continue;
    }
    found.push({ realm, agent });
  }

  // Peers on other hosts cannot dial a loopback address.
  const hosts = new Set(found.map((f) => f.agent.id));
  const members: ClusterMemberRecord[] = [];
  for (const { realm, agent } of found) {
    const name = realm.name;
    const skew = agent.clockSkewMs;
    if (skew !== null && Math.abs(skew) > CLOCK_SKEW_LIMIT_MS) {
      error(
        name,
        "clockSkew",
        `The clock of ${agent.hostname} is ${Math.round(skew)} ms off the manager's (limit ${CLOCK_SKEW_LIMIT_MS} ms)`,
        "Synchronise the host's clock (NTP/chrony) and retry",
      );
    } else if (skew !== null && Math.abs(skew) > CLOCK_SKEW_WARNING_MS) {
      findings.push({
        severity: "warning",
        realm: name,
        check: "clockSkew",
        problem: `The clock of ${agent.hostname} is ${Math.round(skew)} ms off the manager's`,
        fix: "Synchronise the host's clock (NTP/chrony)",
      });
    }
    const reported = agent.lastReport?.realms.find((r) => r.name === name);
    if (reported?.state !== "running" || !reported.status) {
      error(
        name,
        "realm",
        `Realm ${name} is ${reported?.state ?? "missing"} on ${agent.hostname}`,
        `Start it (POST /api/v1/realms/${name}/restart) and retry`,
      );
      continue;
    }
    const addresses = interRealmAddresses(realm, reported.status, agent, hosts.size > 1);
    if ("fix" in addresses) {
      error(name, "interRealmInterface", addresses.problem, addresses.fix);
      continue;
    }
    try {
      const client = await fleet.clientFor(agent);
      const identity = await client.realmIdentity(name);
      members.push({
        realm: name,
        addresses: addresses.list,
        publicKey: identity.publicKeyPem,
        identityFingerprintSha256: identity.fingerprintSha256,
      });
    } catch (cause) {
      const why =
        cause instanceof AgentCallError || cause instanceof Error ? cause.message : String(cause);
      error(
        name,
        "identity",
        `The identity public key of ${name} could not be read: ${why}`,
        "Check that the realm has started once and that its agent answers, then retry",
      );
    }
  }

  const byKey = new Map<string, string>();
  for (const member of members) {
    const other = byKey.get(member.identityFingerprintSha256);
    if (other) {
      error(
        member.realm,
        "identity",
        `${member.realm} and ${other} have the same identity key (a copied data directory)`,
        `Give ${member.realm} its own data directory (delete identity.key there and restart it)`,
      );
    }
    byKey.set(member.identityFingerprintSha256, member.realm);
  }

  if (!findings.some((f) => f.severity === "error")) {
    const parsed = ClusterConfigSchema.safeParse(toClusterConfig(input.cluster, members, input));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        error(
          null,
          "membership",
          `${issue.path.join(".")}: ${issue.message}`,
          "Correct the sites and primeSite",
        );
      }
    }
  }
  return { findings, members };
}

/** The realm-side cluster configuration (realm.json `cluster`) every member receives. */
export function toClusterConfig(
  name: string,
  members: ClusterMemberRecord[],
  options: { sites: ClusterSite[]; primeSite?: string | null | undefined },
) {
  return {
    name,
    members: members.map((m) => ({
      name: m.realm,
      addresses: m.addresses,
      publicKey: m.publicKey,
    })),
    sites: options.sites,
    ...(options.primeSite ? { primeSite: options.primeSite } : {}),
  };
}

/**
 * Where peers dial `realm`: its running interfaces with Allow for InterRealm on, in the order
 * they are defined. A wildcard bind is dialled at the host's first address (loopback when
 * every member runs on one host).
 */
export function interRealmAddresses(
  realm: RealmRecord,
  status: RealmStatus,
  agent: AgentRecord,
  severalHosts: boolean,
): { list: string[] } | { problem: string; fix: string } {
  const candidates = realm.interfaces.filter((d) => d.allowInterRealm);
  if (candidates.length === 0) {
    return {
      problem: `Realm ${realm.name} has no interface with Allow for InterRealm on`,
      fix: `Add one (e.g. POST /api/v1/realms/${realm.name}/interfaces {"alias":"nsp0","protocol":"nsp","bindAddress":"0.0.0.0","port":9000,"allowInterRealm":true}) or turn Allow for InterRealm on for an existing interface`,
    };
  }
  const list: string[] = [];
  const problems: string[] = [];
  for (const definition of candidates) {
    const live = status.interfaces.find((i) => i.name === definition.alias);
    if (live?.state !== "Running") {
      problems.push(
        `${definition.alias} is ${live?.state ?? "not reported"}${live?.error ? ` (${live.error})` : ""}`,
      );
      continue;
    }
    let host = definition.bindAddress;
    if (ANY.has(host)) {
      host = severalHosts
        ? (agent.addresses.find((a) => !LOOPBACK.test(a)) ?? "127.0.0.1")
        : "127.0.0.1";
    } else if (severalHosts && LOOPBACK.test(host)) {
      problems.push(
        `${definition.alias} listens on ${host} only, which peers on other hosts cannot dial`,
      );
      continue;
    }
    const port = live.boundPort ?? definition.port;
    list.push(`${definition.protocol}://${isIP(host) === 6 ? `[${host}]` : host}:${port}`);
  }
  if (list.length === 0) {
    return {
      problem: `No inter-realm interface of ${realm.name} can take links: ${problems.join("; ")}`,
      fix: "Start the interface (or fix its error, e.g. a port in use), or bind it to an address the other members can reach",
    };
  }
  return { list };
}
