import { execFile, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { fingerprint, type Issued, makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import { RealmClient } from "@conclave/realm-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, type RealmProcess, startRealm, tempDir } from "./test-support/realm-process.js";

const execFileAsync = promisify(execFile);

/**
 * Runs `openssl s_client` against 127.0.0.1:port with stdin at EOF, so it handshakes, prints
 * what it negotiated and disconnects.
 */
async function sClient(
  port: number,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  const child = spawn("openssl", ["s_client", "-connect", `127.0.0.1:${port}`, "-brief", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  return { code, output };
}

describe("nsps interfaces (TLS from the Certificates tab)", () => {
  let dir: string;
  let ca: Issued;
  let server: Issued;
  let client: Issued;
  let rogueClient: Issued;
  let realm: RealmProcess;

  beforeAll(async () => {
    dir = await tempDir("realm-tls-");
    ca = await makeCa(dir, "test-ca");
    const rogueCa = await makeCa(dir, "rogue-ca");
    server = await makeLeaf(dir, ca, "realm-server");
    client = await makeLeaf(dir, ca, "good-client", { usage: "client" });
    rogueClient = await makeLeaf(dir, rogueCa, "rogue-client", { usage: "client" });
    const keyStore = await makePkcs12(dir, server, ca, "server.p12", "s3cret-pass", "realm");
    // A PEM trust store holding the CA that signs client certificates.
    const trustStore = path.join(dir, "trust.pem");
    await writeFile(trustStore, ca.certPem);
    realm = await startRealm({
      config: {
        name: "tls-realm",
        interfaces: [
          {
            name: "nsps0",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: { keyStorePath: keyStore, keyStorePassword: "s3cret-pass" },
          },
          {
            name: "nsps-mtls",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: {
              keyStorePath: keyStore,
              keyStorePassword: "s3cret-pass",
              certificateAlias: "realm",
              trustStorePath: trustStore,
              enableClientCertValidation: true,
            },
          },
        ],
      },
    });
  });

  afterAll(cleanUp);

  it("negotiates TLSv1.3 with openssl s_client and the chain verifies against the CA", async () => {
    const port = await realm.port("nsps0");
    const { code, output } = await sClient(port, [
      "-CAfile",
      ca.cert,
      "-verify_return_error",
      "-verify_ip",
      "127.0.0.1",
    ]);
    expect(output).toContain("Protocol version: TLSv1.3");
    expect(output).toMatch(/Verification: OK/);
    expect(code).toBe(0);
    const status = await realm.admin.status();
    const iface = status.interfaces.find((i) => i.name === "nsps0")!;
    expect(iface.certificate?.fingerprintSha256).toBe(await fingerprint(server.cert, dir));
    expect(iface.certificate?.subjectAltNames).toContain("IP:127.0.0.1");
  });

  it("refuses TLSv1.1", async () => {
    const port = await realm.port("nsps0");
    // SECLEVEL=0 lets the openssl client itself offer TLSv1.1, so the refusal is the realm's.
    const { code, output } = await sClient(port, [
      "-tls1_1",
      "-cipher",
      "DEFAULT@SECLEVEL=0",
      "-CAfile",
      ca.cert,
    ]);
    expect(code).not.toBe(0);
    expect(output).not.toContain("Protocol version: TLSv1.1");
    // The realm's alert, not a client-side refusal.
    expect(output).toMatch(/alert protocol version/);
    await realm.waitForEvent("tls.handshake-failed", (e) =>
      /unsupported protocol|version/i.test(String(e.msg)),
    );
  });

  it("serves the data plane over nsps to a client that trusts the CA", async () => {
    const session = await RealmClient.connect(await realm.url("nsps0"), {
      tls: { ca: ca.certPem },
    });
    expect(session.tls?.protocol).toBe("TLSv1.3");
    expect(await session.publish("tls/check", "over tls")).toMatchObject({ seq: 1 });
    await session.close();
  });

  it("serves a JKS key store converted by keytool through the same loader", async () => {
    const p12 = path.join(dir, "server.p12");
    const jks = path.join(dir, "server.jks");
    await execFileAsync("keytool", [
      "-importkeystore",
      "-srckeystore",
      p12,
      "-srcstoretype",
      "PKCS12",
      "-srcstorepass",
      "s3cret-pass",
      "-destkeystore",
      jks,
      "-deststoretype",
      "JKS",
      "-deststorepass",
      "s3cret-pass",
      "-noprompt",
    ]);
    const added = await realm.admin.addInterface({
      name: "nsps-jks",
      protocol: "nsps",
      bindAddress: "127.0.0.1",
      port: 0,
      tls: { keyStorePath: jks, keyStorePassword: "s3cret-pass", certificateAlias: "realm" },
    });
    expect(added.status).toMatchObject({ state: "Running", error: null });
    expect(added.status.certificate?.fingerprintSha256).toBe(await fingerprint(server.cert, dir));
    const session = await RealmClient.connect(await realm.url("nsps-jks"), {
      tls: { ca: ca.certPem },
    });
    expect(await session.ping()).toBeGreaterThanOrEqual(0);
    await session.close();
  });

  describe("with Enable Client Cert Validation", () => {
    it("refuses a client without a certificate", async () => {
      const url = await realm.url("nsps-mtls");
      await expect(RealmClient.connect(url, { tls: { ca: ca.certPem } })).rejects.toMatchObject({
        message: expect.stringMatching(/certificate required|closed/i),
      });
    });

    it("refuses a client whose certificate is not from the trust store", async () => {
      const url = await realm.url("nsps-mtls");
      await expect(
        RealmClient.connect(url, {
          tls: { ca: ca.certPem, cert: rogueClient.certPem, key: rogueClient.keyPem },
        }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/unknown ca|closed/i) });
    });

    it("accepts a client with a certificate signed by a trust store CA", async () => {
      const url = await realm.url("nsps-mtls");
      const session = await RealmClient.connect(url, {
        tls: { ca: ca.certPem, cert: client.certPem, key: client.keyPem },
      });
      expect(await session.publish("mtls/check", "ok")).toMatchObject({ seq: 1 });
      await session.close();
    });
  });
});
