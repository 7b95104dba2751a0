import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fingerprint, type Issued, makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import { RealmClient, type RealmEvent } from "@conclave/realm-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, type RealmProcess, startRealm, tempDir } from "./test-support/realm-process.js";

afterAll(cleanUp);

describe("swapping the certificate of running nsps/nhps interfaces", () => {
  let dir: string;
  let ca: Issued;
  let realm: RealmProcess;
  let keyStore: string;
  const stores: Record<string, string> = {};
  const fingerprints: Record<string, string> = {};

  beforeAll(async () => {
    dir = await tempDir("realm-reload-");
    ca = await makeCa(dir, "ca");
    for (const name of ["server-one", "server-two", "server-three"]) {
      const leaf = await makeLeaf(dir, ca, name);
      const password = name === "server-three" ? "third-password" : "store-pass";
      stores[name] = await makePkcs12(dir, leaf, ca, `${name}.p12`, password, name);
      fingerprints[name] = await fingerprint(leaf.cert, dir);
    }
    keyStore = path.join(dir, "live.p12");
    await copyFile(stores["server-one"]!, keyStore);
    const tls = { keyStorePath: keyStore, keyStorePassword: "store-pass" };
    realm = await startRealm({
      config: {
        name: "rotating",
        interfaces: [
          { name: "nsps0", protocol: "nsps", bindAddress: "127.0.0.1", port: 0, tls },
          { name: "nhps0", protocol: "nhps", bindAddress: "127.0.0.1", port: 0, tls },
        ],
      },
    });
  });

  const connect = async (name: string) =>
    RealmClient.connect(await realm.url(name), { tls: { ca: ca.certPem } });

  it("serves the new certificate to new handshakes while an established session keeps working", async () => {
    const established = await connect("nsps0");
    expect(established.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-one"]);
    const seen: RealmEvent[] = [];
    await established.subscribe("rotation", { from: "latest" }, (event) => seen.push(event));

    await copyFile(stores["server-two"]!, keyStore);
    const result = await realm.admin.reloadInterfaceTls("nsps0");
    expect(result).toMatchObject({ name: "nsps0", reloaded: true, error: null });
    expect(result.certificate?.fingerprintSha256).toBe(fingerprints["server-two"]);

    const fresh = await connect("nsps0");
    expect(fresh.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-two"]);
    // The established session still has its old keys, and still works both ways.
    expect(established.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-one"]);
    expect(await established.publish("rotation", "after the swap")).toMatchObject({ seq: 1 });
    await fresh.publish("rotation", "from the new session");
    while (seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(seen.map((e) => e.data.toString())).toEqual(["after the swap", "from the new session"]);

    const status = await realm.admin.getInterface("nsps0");
    expect(status.status.certificate?.fingerprintSha256).toBe(fingerprints["server-two"]);
    expect(status.status.clientSessions).toBe(2);
    await Promise.all([established.close(), fresh.close()]);
  });

  it("POST /reload-tls reloads every secure interface, nhps included", async () => {
    const before = await connect("nhps0");
    expect(before.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-one"]);
    const { results } = await realm.admin.reloadTls();
    expect(results.map((r) => [r.name, r.reloaded])).toEqual([
      ["nsps0", true],
      ["nhps0", true],
    ]);
    const after = await connect("nhps0");
    expect(after.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-two"]);
    expect(await before.ping()).toBeGreaterThanOrEqual(0);
    await Promise.all([before.close(), after.close()]);
  });

  it("keeps serving the previous certificate when the new key store is broken", async () => {
    await writeFile(keyStore, "half-copied garbage");
    const result = await realm.admin.reloadInterfaceTls("nsps0");
    expect(result.reloaded).toBe(false);
    expect(result.error).toMatch(/Interface nsps0: Key store .*live\.p12/);
    expect(result.certificate?.fingerprintSha256).toBe(fingerprints["server-two"]);
    const client = await connect("nsps0");
    expect(client.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-two"]);
    await client.close();
    await copyFile(stores["server-two"]!, keyStore);
  });

  it("hot-reloads a TLS-only change made with PUT, without dropping sessions", async () => {
    const established = await connect("nsps0");
    const current = await realm.admin.getInterface("nsps0");
    expect(current.interface.tls?.keyStorePassword).toBe("********");
    const changed = await realm.admin.changeInterface("nsps0", {
      ...current.interface,
      tls: {
        ...current.interface.tls!,
        keyStorePath: stores["server-three"]!,
        keyStorePassword: "third-password",
      },
    });
    expect(changed.applied).toBe("tls-reloaded");
    expect(changed.status.certificate?.fingerprintSha256).toBe(fingerprints["server-three"]);
    const fresh = await connect("nsps0");
    expect(fresh.tls?.peerCertificate?.fingerprint256).toBe(fingerprints["server-three"]);
    expect((await established.publish("rotation", "still connected")).seq).toBeGreaterThan(0);

    // Sending the redacted definition back keeps the stored password: nothing changes.
    const again = await realm.admin.getInterface("nsps0");
    const unchanged = await realm.admin.changeInterface("nsps0", again.interface);
    expect(unchanged.applied).toBe("unchanged");
    await Promise.all([established.close(), fresh.close()]);
  });

  it("refuses a TLS change whose key store does not open, leaving the interface as it was", async () => {
    const current = await realm.admin.getInterface("nsps0");
    const error = await realm.admin
      .changeInterface("nsps0", {
        ...current.interface,
        tls: { ...current.interface.tls!, keyStorePassword: "not-the-password" },
      })
      .catch((e) => e);
    expect(error).toMatchObject({ status: 422, code: "TLS_MATERIAL" });
    expect(error.message).toMatch(/Key Store Passwd is wrong/);
    expect(error.message).not.toContain("not-the-password");
    const after = await realm.admin.getInterface("nsps0");
    expect(after.status.state).toBe("Running");
    expect(after.status.certificate?.fingerprintSha256).toBe(fingerprints["server-three"]);
  });
});
