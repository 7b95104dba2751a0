import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type ApplyRealmRequest,
  ApplyRealmRequestSchema,
  type ApplyRealmResponse,
  type Interface,
  type RealmConfig,
  RealmConfigSchema,
} from "@conclave/protocol";
import { RealmAdminError } from "@conclave/realm-client";
import { writeFileAtomic } from "./realm-files.js";
import type { Supervisor } from "./supervisor.js";

/** Where delivered key material goes, inside the realm's data dir. */
export const KEYS_DIR = "keys";

/**
 * Makes realm `name` match the requested configuration. A missing realm is created and
 * started. A running realm gets each difference through its admin endpoint, live, with no
 * restart: interfaces it no longer has are deleted first (freeing their ports), then the
 * others are changed or added. Key files are written (0600) before anything refers to them.
 */
export async function applyRealm(
  supervisor: Supervisor,
  name: string,
  input: ApplyRealmRequest,
): Promise<ApplyRealmResponse> {
  const request = ApplyRealmRequestSchema.parse(input);
  const config = { ...request.config, name };
  for (const file of request.files) {
    await writeFileAtomic(
      join(supervisor.dataDir(name), KEYS_DIR, file.name),
      Buffer.from(file.contentBase64, "base64"),
    );
  }
  if (!supervisor.names().includes(name)) {
    const realm = await supervisor.create({ name, config });
    const { interfaces } = await realm.admin.listInterfaces();
    return { created: true, interfaces, failures: [] };
  }
  const realm = supervisor.get(name);
  if (realm.state !== "running") {
    // Not running: the realm reads the new realm.json when it starts. Cluster membership is
    // set through PUT /v1/realms/:name/cluster, so a request without one keeps the stored one.
    const stored = request.config.cluster ? undefined : await storedCluster(supervisor, name);
    await supervisor.writeConfig(name, stored ? { ...config, cluster: stored } : config);
    return { created: false, interfaces: [], failures: [] };
  }
  const current = await realm.admin.config();
  const wanted = new Map(config.interfaces.map((i) => [i.name, i]));
  const failures: ApplyRealmResponse["failures"] = [];
  const attempt = async (iface: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (error) {
      if (!(error instanceof RealmAdminError) || error.status === 0) throw error;
      failures.push({ name: iface, error: error.message });
    }
  };
  for (const iface of current.interfaces) {
    if (!wanted.has(iface.name)) {
      await attempt(iface.name, () => realm.admin.deleteInterface(iface.name));
    }
  }
  const existing = new Set(current.interfaces.map((i) => i.name));
  for (const iface of config.interfaces) {
    if (existing.has(iface.name)) {
      await attempt(iface.name, async () => {
        const changed = await realm.admin.changeInterface(iface.name, iface);
        // Same paths, new bytes: the realm saw no change, so make it re-read the files. One left
        // in Error (say, killed between new key bytes and the config naming their password)
        // starts again with them, as it would on any change.
        if (changed.applied === "unchanged" && usesDeliveredFiles(iface, request.files)) {
          if (changed.status.state === "Running") await realm.admin.reloadInterfaceTls(iface.name);
          else if (changed.status.state === "Error" && iface.autostart) {
            await realm.admin.startInterface(iface.name);
          }
        }
      });
    } else {
      await attempt(iface.name, () => realm.admin.addInterface(iface));
    }
  }
  const { interfaces } = await realm.admin.listInterfaces();
  return { created: false, interfaces, failures };
}

async function storedCluster(
  supervisor: Supervisor,
  name: string,
): Promise<RealmConfig["cluster"] | undefined> {
  try {
    const text = await readFile(join(supervisor.dataDir(name), "realm.json"), "utf8");
    return RealmConfigSchema.parse(JSON.parse(text)).cluster;
  } catch {
    return undefined;
  }
}

function usesDeliveredFiles(iface: Interface, files: { name: string }[]): boolean {
  if (!iface.tls) return false;
  const paths = new Set(files.map((f) => `${KEYS_DIR}/${f.name}`));
  return paths.has(iface.tls.keyStorePath) || paths.has(iface.tls.trustStorePath ?? "");
}
