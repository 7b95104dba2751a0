import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type RealmConfig,
  RealmConfigSchema,
  type ReportedRealm,
  redactRealmConfig,
} from "@conclave/protocol";
import type { Supervisor } from "./supervisor.js";

/**
 * A realm's configuration with every password redacted (interfaces' and the cluster trust
 * store's): from its admin endpoint, else realm.json. The realm redacts its own answer too;
 * redacting again here keeps reports clean even if it did not (an older realm).
 */
export async function redactedConfig(
  supervisor: Supervisor,
  name: string,
): Promise<RealmConfig | null> {
  const realm = supervisor.get(name);
  if (realm.state === "running") {
    const live = await realm.admin.config().catch(() => null);
    if (live) return redactRealmConfig(live);
  }
  try {
    const text = await readFile(join(supervisor.dataDir(name), "realm.json"), "utf8");
    return redactRealmConfig(RealmConfigSchema.parse(JSON.parse(text)));
  } catch {
    return null;
  }
}

/** Every realm on this host as the manager sees it in reports: process, status, config. */
export async function collectRealms(supervisor: Supervisor): Promise<ReportedRealm[]> {
  const report = await supervisor.report();
  return Promise.all(
    report.map(async (realm) => ({
      ...realm,
      wanted: supervisor.isWanted(realm.name),
      config: await redactedConfig(supervisor, realm.name),
      // Links and member states for the manager's cluster status, only for clustered realms.
      cluster: realm.status?.cluster
        ? await supervisor
            .get(realm.name)
            .admin.cluster()
            .catch(() => null)
        : null,
    })),
  );
}
