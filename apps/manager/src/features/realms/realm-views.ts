import type {
  AgentReport,
  RealmDetail,
  RealmState,
  RealmSummary,
  ReportedRealm,
} from "@conclave/protocol";
import type { AgentRecord } from "../../store/agents.repo.js";
import type { RealmRecord } from "../../store/realms.repo.js";
import { toRealmInterfaceView } from "../interfaces/interface-mapping.js";

/** The realm as its agent last reported it, or undefined. */
export function reportedRealm(report: AgentReport | null, name: string): ReportedRealm | undefined {
  return report?.realms.find((r) => r.name === name);
}

/** The realm's state: its process state, `unknown` while its agent is silent, `missing` when absent. */
export function realmState(
  agent: AgentRecord | undefined,
  reported: ReportedRealm | undefined,
): RealmState {
  if (!agent?.connected) return "unknown";
  return reported?.state ?? "missing";
}

/** GET /api/v1/realms entry: desired interfaces with the live state from the last report. */
export function toRealmSummary(
  realm: RealmRecord,
  agent: AgentRecord | undefined,
  cluster: string | null = null,
): RealmSummary {
  const reported = reportedRealm(agent?.lastReport ?? null, realm.name);
  const state = realmState(agent, reported);
  const unknownReason =
    state === "unknown"
      ? `Agent ${agent?.hostname ?? realm.agentId} is not reporting`
      : reported?.status
        ? undefined
        : `Realm ${realm.name} is ${state}`;
  const statuses = new Map((reported?.status?.interfaces ?? []).map((i) => [i.name, i]));
  return {
    name: realm.name,
    host: agent?.hostname ?? "",
    agent: realm.agentId,
    state,
    pid: state === "unknown" ? null : (reported?.pid ?? null),
    interfaces: realm.interfaces.map((d) =>
      toRealmInterfaceView(d, statuses.get(d.alias), unknownReason),
    ),
    cluster,
  };
}

/** GET /api/v1/realms/{realm} */
export function toRealmDetail(
  realm: RealmRecord,
  agent: AgentRecord | undefined,
  cluster: string | null = null,
): RealmDetail {
  const reported = reportedRealm(agent?.lastReport ?? null, realm.name);
  let process: RealmDetail["process"] = null;
  if (reported) {
    const { dataDir: _d, status: _s, config: _c, wanted: _w, ...info } = reported;
    process = info;
  }
  return {
    ...toRealmSummary(realm, agent, cluster),
    process,
    createdAt: realm.createdAt.toISOString(),
    updatedAt: realm.updatedAt.toISOString(),
  };
}
