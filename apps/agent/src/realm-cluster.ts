import { createHash, createPublicKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  type AgentClusterChange,
  AgentClusterFilesSchema,
  type AgentRealmIdentity,
  ClusterConfigSchema,
  type RealmConfig,
  RealmConfigSchema,
} from "@conclave/protocol";
import { RealmAdminError } from "@conclave/realm-client";
import { KEYS_DIR } from "./apply-realm.js";
import { writeFileAtomic } from "./realm-files.js";
import type { Supervisor } from "./supervisor.js";
import { SupervisorError } from "./supervisor-errors.js";

/** The file the realm writes its identity public key to on every start (apps/realm identity.ts). */
const IDENTITY_PUBLIC_KEY_FILE = "identity.pub";

/**
 * The realm's identity public key, read from its data directory: the realm writes
 * `identity.pub` beside its private `identity.key` when it starts, so a realm that has
 * started once has one.
 */
export async function readRealmIdentity(
  supervisor: Supervisor,
  name: string,
): Promise<AgentRealmIdentity> {
  supervisor.get(name);
  let publicKeyPem: string;
  try {
    publicKeyPem = await readFile(join(supervisor.dataDir(name), IDENTITY_PUBLIC_KEY_FILE), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    throw new SupervisorError(
      "NO_IDENTITY",
      `Realm ${name} has no identity key yet: it creates one when it first starts; start it and retry`,
    );
  }
  const der = createPublicKey(publicKeyPem).export({ type: "spki", format: "der" });
  return {
    realm: name,
    publicKeyPem,
    fingerprintSha256: createHash("sha256").update(der).digest("hex"),
  };
}

/** realm.json as stored (passwords included: it never leaves this host). */
async function readStoredConfig(supervisor: Supervisor, name: string): Promise<RealmConfig> {
  const text = await readFile(join(supervisor.dataDir(name), "realm.json"), "utf8");
  return RealmConfigSchema.parse(JSON.parse(text));
}

/**
 * Sets realm `name`'s cluster membership: live through its admin endpoint when it runs (the
 * realm validates it and persists it in realm.json itself), else in realm.json for its next
 * start. `files` in the body (the cluster trust store) are written 0600 into `<data>/keys/`
 * first, the way PUT /v1/realms/:name delivers interface key material; the realm re-reads its
 * trust store on every PUT /cluster, so new bytes under the same name apply live.
 */
export async function setRealmCluster(
  supervisor: Supervisor,
  name: string,
  input: unknown,
): Promise<AgentClusterChange> {
  const cluster = ClusterConfigSchema.parse(input);
  const { files } = AgentClusterFilesSchema.parse(input);
  const realm = supervisor.get(name);
  for (const file of files) {
    await writeFileAtomic(
      join(supervisor.dataDir(name), KEYS_DIR, file.name),
      Buffer.from(file.contentBase64, "base64"),
    );
  }
  if (realm.state === "running") {
    try {
      return { applied: "live", status: await realm.admin.setCluster(cluster) };
    } catch (error) {
      // The process may have died between the state check and the call: fall back to the file.
      if (!(error instanceof RealmAdminError) || error.status !== 0) throw error;
    }
  }
  const stored = await readStoredConfig(supervisor, name);
  await supervisor.writeConfig(name, RealmConfigSchema.parse({ ...stored, cluster, name }));
  return { applied: "file", status: null };
}

/** Takes realm `name` out of its cluster (live, or in realm.json when it is not running). */
export async function leaveRealmCluster(
  supervisor: Supervisor,
  name: string,
): Promise<AgentClusterChange> {
  const realm = supervisor.get(name);
  if (realm.state === "running") {
    try {
      await realm.admin.leaveCluster();
      return { applied: "live", status: null };
    } catch (error) {
      if (!(error instanceof RealmAdminError) || error.status !== 0) throw error;
    }
  }
  const { cluster: _left, ...rest } = await readStoredConfig(supervisor, name);
  await supervisor.writeConfig(name, rest);
  return { applied: "file", status: null };
}
