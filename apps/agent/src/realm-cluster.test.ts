import { generateKeyPairSync, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeCa } from "@conclave/pki/test-support";
import { REDACTED, RealmConfigSchema } from "@conclave/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyRealm } from "./apply-realm.js";
import { collectRealms } from "./collect-realms.js";
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

/** The cluster trust store: delivered like interface key material, its password never reported. */
describe("cluster trust store delivery and redaction", () => {
  const PASSWORD = "cluster-trust-s3cret";
  let stateDir: string;
  let supervisor: Supervisor;
  let caPem: string;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "conclave-agent-trust-"));
    supervisor = await Supervisor.open({ stateDir, realmEntry });
    caPem = (await makeCa(stateDir, "cluster-ca")).certPem;
  });
  afterEach(async () => {
    await supervisor.shutdown();
    await rm(stateDir, { recursive: true, force: true });
  });

  const trustFile = () => ({
    name: "cluster-ca.pem",
    contentBase64: Buffer.from(caPem).toString("base64"),
  });

  it("stopped realm: writes the trust file 0600 into keys/, and the report redacts its password", async () => {
    await supervisor.create(
      { name: "realm-a", config: RealmConfigSchema.parse({ name: "realm-a", interfaces }) },
      { start: false },
    );
    await setRealmCluster(supervisor, "realm-a", {
      name: "demo",
      members: [{ name: "realm-a", addresses: [], publicKey: publicKey() }],
      trustStorePath: "keys/cluster-ca.pem",
      trustStorePassword: PASSWORD,
      files: [trustFile()],
    });
    const file = join(supervisor.dataDir("realm-a"), "keys", "cluster-ca.pem");
    expect(await readFile(file, "utf8")).toBe(caPem);
    expect((await stat(file)).mode & 0o777).toBe(0o600);

    const [reported] = await collectRealms(supervisor);
    expect(reported?.config?.cluster).toMatchObject({
      trustStorePath: "keys/cluster-ca.pem",
      trustStorePassword: REDACTED,
    });
    expect(JSON.stringify(await collectRealms(supervisor))).not.toContain(PASSWORD);
  });

  it("running realm: the trust store applies live (status shows its CA), and neither report nor status carries the password", async () => {
    await supervisor.create({
      name: "realm-b",
      config: RealmConfigSchema.parse({ name: "realm-b", interfaces }),
    });
    const identity = await readRealmIdentity(supervisor, "realm-b");
    const change = await setRealmCluster(supervisor, "realm-b", {
      name: "demo",
      members: [{ name: "realm-b", addresses: [], publicKey: identity.publicKeyPem }],
      trustStorePath: "keys/cluster-ca.pem",
      trustStorePassword: PASSWORD,
      files: [trustFile()],
    });
    expect(change.applied).toBe("live");
    expect(change.status?.trustStore).toMatchObject({
      path: "keys/cluster-ca.pem",
      certificates: [
        { subject: "CN=cluster-ca", fingerprintSha256: new X509Certificate(caPem).fingerprint256 },
      ],
    });
    const reports = await collectRealms(supervisor);
    expect(reports[0]?.config?.cluster?.trustStorePassword).toBe(REDACTED);
    expect(reports[0]?.cluster?.trustStore?.path).toBe("keys/cluster-ca.pem");
    expect(JSON.stringify(reports)).not.toContain(PASSWORD);
  });
});
