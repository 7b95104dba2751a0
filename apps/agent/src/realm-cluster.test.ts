import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RealmConfigSchema } from "@conclave/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyRealm } from "./apply-realm.js";
import { leaveRealmCluster, readRealmIdentity, setRealmCluster } from "./realm-cluster.js";
import { Supervisor } from "./supervisor.js";

const realmEntry = fileURLToPath(new URL("../../realm/dist/main.js", import.meta.url));
const interfaces = [{ name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 }];
const publicKey = () =>
  generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();

/** Cluster pass-through on a realm that is not running: realm.json carries the change. */
describe("realm cluster pass-through (stopped realm)", () => {
  let stateDir: string;
  let supervisor: Supervisor;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "conclave-agent-cluster-"));
    supervisor = await Supervisor.open({ stateDir, realmEntry });
    await supervisor.create(
      { name: "realm-a", config: RealmConfigSchema.parse({ name: "realm-a", interfaces }) },
      { start: false },
    );
  });
  afterEach(async () => {
    await supervisor.shutdown();
    await rm(stateDir, { recursive: true, force: true });
  });

  const stored = async () =>
    RealmConfigSchema.parse(
      JSON.parse(await readFile(join(supervisor.dataDir("realm-a"), "realm.json"), "utf8")),
    );

  it("reads identity.pub, and says what to do before the realm's first start", async () => {
    await expect(readRealmIdentity(supervisor, "realm-a")).rejects.toThrow(
      /no identity key yet.*start it/,
    );
    const pem = publicKey();
    await writeFile(join(supervisor.dataDir("realm-a"), "identity.pub"), pem);
    const identity = await readRealmIdentity(supervisor, "realm-a");
    expect(identity.publicKeyPem).toBe(pem);
    expect(identity.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("writes the cluster into realm.json, keeps it across interface changes, and removes it", async () => {
    const cluster = {
      name: "demo",
      members: [
        { name: "realm-a", addresses: ["nsp://127.0.0.1:9000"], publicKey: publicKey() },
        { name: "realm-b", addresses: ["nsp://127.0.0.1:9010"], publicKey: publicKey() },
      ],
    };
    expect(await setRealmCluster(supervisor, "realm-a", cluster)).toEqual({
      applied: "file",
      status: null,
    });
    expect((await stored()).cluster?.members.map((m) => m.name)).toEqual(["realm-a", "realm-b"]);

    // The manager's interface changes carry no cluster: the stored one stays.
    await applyRealm(supervisor, "realm-a", { config: { name: "realm-a", interfaces: [] } });
    const after = await stored();
    expect(after.interfaces).toEqual([]);
    expect(after.cluster?.name).toBe("demo");

    await leaveRealmCluster(supervisor, "realm-a");
    expect((await stored()).cluster).toBeUndefined();
  });
});
