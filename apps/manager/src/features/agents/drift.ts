import type { AgentReport, SyncChange } from "@conclave/protocol";
import type { RealmRecord } from "../../store/realms.repo.js";
import { comparableDefinition, comparableFields } from "../interfaces/interface-mapping.js";

/**
 * What "synchronise node" would change: the manager's desired realms on one agent against
 * what the agent last reported. The desired state wins, so every difference is a change to
 * the host: realms or interfaces to create, to delete, or to update.
 */
export function computeDrift(desired: RealmRecord[], report: AgentReport | null): SyncChange[] {
  if (!report) return [];
  const changes: SyncChange[] = [];
  const reported = new Map(report.realms.map((r) => [r.name, r]));
  for (const realm of desired) {
    const actual = reported.get(realm.name);
    if (!actual) {
      changes.push({ realm: realm.name, action: "create" });
      continue;
    }
    // A realm whose configuration cannot be read right now is not drift: nothing to compare.
    if (!actual.config) continue;
    const actualIfaces = new Map(actual.config.interfaces.map((i) => [i.name, i]));
    for (const definition of realm.interfaces) {
      const iface = actualIfaces.get(definition.alias);
      if (!iface) {
        changes.push({ realm: realm.name, alias: definition.alias, action: "create" });
        continue;
      }
      const want = comparableDefinition(definition);
      const have = comparableFields(iface);
      const fields: Record<string, { desired: unknown; actual: unknown }> = {};
      for (const key of new Set([...Object.keys(want), ...Object.keys(have)])) {
        if (JSON.stringify(want[key]) !== JSON.stringify(have[key])) {
          fields[key] = { desired: want[key] ?? null, actual: have[key] ?? null };
        }
      }
      if (Object.keys(fields).length > 0) {
        changes.push({ realm: realm.name, alias: definition.alias, action: "update", fields });
      }
    }
    const wanted = new Set(realm.interfaces.map((d) => d.alias));
    for (const name of actualIfaces.keys()) {
      if (!wanted.has(name)) changes.push({ realm: realm.name, alias: name, action: "delete" });
    }
  }
  const desiredNames = new Set(desired.map((r) => r.name));
  for (const name of reported.keys()) {
    if (!desiredNames.has(name)) changes.push({ realm: name, action: "delete" });
  }
  return changes;
}
