import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import { RealmConfigSchema } from "@conclave/protocol";
import { type RealmAdminError, RealmClient } from "@conclave/realm-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanUp,
  type RealmProcess,
  runRealmCommand,
  startRealm,
  tempDir,
} from "./test-support/realm-process.js";

afterAll(cleanUp);

const nsp = (name: string) => ({
  name,
  protocol: "nsp" as const,
  bindAddress: "127.0.0.1",
  port: 0,
});

async function savedConfig(realm: RealmProcess) {
  return RealmConfigSchema.parse(
    JSON.parse(await readFile(path.join(realm.dataDir, "realm.json"), "utf8")),
  );
}

describe("the admin endpoint changes interfaces live and saves realm.json", () => {
  let realm: RealmProcess;

  beforeAll(async () => {
    realm = await startRealm({ args: ["--name", "admin-realm"] });
  });

  it("creates the data directory with private files on first start", async () => {
    const mode = async (file: string) => (await stat(path.join(realm.dataDir, file))).mode & 0o777;
    expect(await mode("identity.key")).toBe(0o600);
    expect(await mode("admin.sock")).toBe(0o600);
    expect(await mode("realm.json")).toBe(0o600);
    expect(await realm.admin.config()).toMatchObject({ name: "admin-realm", interfaces: [] });
    const key = await readFile(path.join(realm.dataDir, "identity.key"), "utf8");
    expect(key).toContain(`BEGIN ${["PRIVATE", "KEY"].join(" ")}`);
  });

  it("adds an interface, starts it and saves it", async () => {
    const added = await realm.admin.addInterface(nsp("nsp0"));
    expect(added.status).toMatchObject({ name: "nsp0", state: "Running", error: null });
    expect(added.status.boundPort).toBeGreaterThan(0);
    expect((await savedConfig(realm)).interfaces.map((i) => i.name)).toEqual(["nsp0"]);
    const duplicate = await realm.admin.addInterface(nsp("nsp0")).catch((e: RealmAdminError) => e);
    expect(duplicate).toMatchObject({ status: 409, code: "CONFLICT" });
  });

  it("applies Allow Client Connections off live, closing client sessions with the refusal", async () => {
    const client = await RealmClient.connect(await realm.url("nsp0"));
    const current = (await realm.admin.getInterface("nsp0")).interface;
    const changed = await realm.admin.changeInterface("nsp0", {
      ...current,
      allowClientConnections: false,
    });
    expect(changed.applied).toBe("live");
    expect(await client.closed).toMatchObject({ code: "CLIENT_CONNECTIONS_NOT_ALLOWED" });
    await expect(RealmClient.connect(await realm.url("nsp0"))).rejects.toMatchObject({
      code: "CLIENT_CONNECTIONS_NOT_ALLOWED",
    });
    expect((await savedConfig(realm)).interfaces[0]?.allowClientConnections).toBe(false);
    await realm.admin.changeInterface("nsp0", { ...current, allowClientConnections: true });
  });

  it("restarts just the listener when a listener field changes", async () => {
    await realm.admin.addInterface(nsp("nsp1"));
    const bystander = await RealmClient.connect(await realm.url("nsp1"));
    const client = await RealmClient.connect(await realm.url("nsp0"));
    const current = (await realm.admin.getInterface("nsp0")).interface;
    const changed = await realm.admin.changeInterface("nsp0", { ...current, backlog: 50 });
    expect(changed.applied).toBe("restarted");
    expect(changed.status.state).toBe("Running");
    expect(await client.closed).toMatchObject({ code: "SHUTTING_DOWN" });
    const again = await RealmClient.connect(await realm.url("nsp0"));
    expect(await again.ping()).toBeGreaterThanOrEqual(0);
    // The other interface's session was not touched.
    expect(await bystander.ping()).toBeGreaterThanOrEqual(0);
    await Promise.all([again.close(), bystander.close()]);
  });

  it("stops and starts an interface", async () => {
    const stopped = await realm.admin.stopInterface("nsp1");
    expect(stopped.status).toMatchObject({ state: "Stopped", boundPort: null });
    const started = await realm.admin.startInterface("nsp1");
    expect(started.status.state).toBe("Running");
  });

  it("deletes an interface", async () => {
    expect(await realm.admin.deleteInterface("nsp1")).toEqual({ deleted: "nsp1" });
    const missing = await realm.admin.getInterface("nsp1").catch((e: RealmAdminError) => e);
    expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND" });
    expect((await savedConfig(realm)).interfaces.map((i) => i.name)).toEqual(["nsp0"]);
  });

  it("answers bad requests with clear errors", async () => {
    const rename = await realm.admin
      .changeInterface("nsp0", { ...nsp("other") })
      .catch((e: RealmAdminError) => e);
    expect(rename).toMatchObject({ status: 409, code: "CONFLICT" });
    const invalid = await realm.admin
      .changeInterface("nsp0", { protocol: "nsp", port: -1 })
      .catch((e: RealmAdminError) => e);
    expect(invalid).toMatchObject({ status: 400, code: "VALIDATION" });
    expect((invalid as Error).message).toMatch(/^port: /);
    const secureWithoutTls = await realm.admin
      .addInterface({ name: "nsps9", protocol: "nsps", port: 0 })
      .catch((e: RealmAdminError) => e);
    expect((secureWithoutTls as Error).message).toMatch(/^tls: A nsps interface needs a key store/);
    const noTls = await realm.admin.reloadInterfaceTls("nsp0").catch((e: RealmAdminError) => e);
    expect(noTls).toMatchObject({ status: 409, code: "NOT_TLS" });
  });

  it("redacts passwords in GET /config", async () => {
    const dir = await tempDir("realm-admin-tls-");
    const ca = await makeCa(dir, "ca");
    const leaf = await makeLeaf(dir, ca, "server");
    const keyStore = await makePkcs12(dir, leaf, ca, "server.p12", "very-secret", "server");
    await realm.admin.addInterface({
      name: "nsps0",
      protocol: "nsps",
      bindAddress: "127.0.0.1",
      port: 0,
      tls: { keyStorePath: keyStore, keyStorePassword: "very-secret" },
    });
    const config = await realm.admin.config();
    expect(config.interfaces.find((i) => i.name === "nsps0")?.tls?.keyStorePassword).toBe(
      "********",
    );
    expect(JSON.stringify(config)).not.toContain("very-secret");
    expect(JSON.stringify(realm.lines)).not.toContain("very-secret");
    // realm.json itself keeps the password (mode 0600) so the realm can restart on its own.
    const saved = await savedConfig(realm);
    expect(saved.interfaces.find((i) => i.name === "nsps0")?.tls?.keyStorePassword).toBe(
      "very-secret",
    );
  });

  it("keeps its configuration and identity across a restart", async () => {
    const ready = realm.events("realm.ready")[0]!;
    expect(await realm.stop("SIGTERM")).toBe(0);
    realm = await startRealm({ dataDir: realm.dataDir });
    const again = realm.events("realm.ready")[0]!;
    expect(again.identityFingerprintSha256).toBe(ready.identityFingerprintSha256);
    const status = await realm.admin.status();
    expect(status.interfaces.map((i) => [i.name, i.state])).toEqual([
      ["nsp0", "Running"],
      ["nsps0", "Running"],
    ]);
  });
});

describe("the command line", () => {
  it("exits 1 with a message naming the field when realm.json is invalid", async () => {
    const dir = await tempDir("realm-cli-");
    await writeFile(
      path.join(dir, "realm.json"),
      JSON.stringify({
        name: "bad",
        interfaces: [{ name: "nsp0", protocol: "nsp", port: "9000" }],
      }),
    );
    const result = await runRealmCommand(["--data", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/realm\.json is invalid: interfaces\.0\.port: /);
  });

  it("exits 1 when realm.json is not JSON", async () => {
    const dir = await tempDir("realm-cli-");
    await writeFile(path.join(dir, "realm.json"), "{ name: ");
    const result = await runRealmCommand(["--data", dir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/is not valid JSON/);
  });

  it("exits 1 and explains how to create a new data directory", async () => {
    const dir = await tempDir("realm-cli-");
    const result = await runRealmCommand(["--data", path.join(dir, "new")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--name <realm> or --config <realm\.json>/);
    const noData = await runRealmCommand([]);
    expect(noData.code).toBe(1);
    expect(noData.stderr).toMatch(/--data <dir> is required/);
  });

  it("refuses a second realm on the same data directory", async () => {
    const first = await startRealm({ args: ["--name", "only-one"] });
    const second = await runRealmCommand(["--data", first.dataDir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Another realm process is already serving/);
    expect((await first.admin.status()).realm).toBe("only-one");
  });
});
