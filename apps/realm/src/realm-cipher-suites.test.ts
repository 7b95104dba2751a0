import { spawn } from "node:child_process";
import { type Issued, makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanUp, type RealmProcess, startRealm, tempDir } from "./test-support/realm-process.js";

/** `openssl s_client` against 127.0.0.1:port with stdin at EOF: handshake, report, disconnect. */
async function sClient(port: number, args: string[]): Promise<{ ok: boolean; output: string }> {
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
  return { ok: code === 0 && output.includes("CONNECTION ESTABLISHED"), output };
}

const tls13 = (port: number, suite: string) => sClient(port, ["-tls1_3", "-ciphersuites", suite]);
const tls12 = (port: number, cipher: string) => sClient(port, ["-tls1_2", "-cipher", cipher]);

describe("Cipher suites of an nsps interface", () => {
  let realm: RealmProcess;
  let keyStore: string;

  beforeAll(async () => {
    const dir = await tempDir("realm-ciphers-");
    const ca: Issued = await makeCa(dir, "ca");
    const server = await makeLeaf(dir, ca, "realm-server");
    keyStore = await makePkcs12(dir, server, ca, "server.p12", "store-pass", "realm");
    const tls = (cipherSuites: string[], protocols: ("TLSv1.2" | "TLSv1.3")[] = []) => ({
      keyStorePath: keyStore,
      keyStorePassword: "store-pass",
      cipherSuites,
      ...(protocols.length ? { protocols } : {}),
    });
    realm = await startRealm({
      config: {
        name: "cipher-realm",
        interfaces: [
          {
            name: "nsps-both",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: tls(["TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"]),
          },
          {
            name: "nsps-tls12",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: tls(["ECDHE-ECDSA-AES256-GCM-SHA384"]),
          },
          {
            name: "nsps-typo",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: tls(["TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA257"]),
          },
          {
            // The test certificates have EC keys, which RSA ciphers cannot use.
            name: "nsps-rsa",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: tls(["ECDHE-RSA-AES128-GCM-SHA256"], ["TLSv1.2"]),
          },
        ],
      },
    });
  });

  afterAll(cleanUp);

  it("completes a TLSv1.3 handshake with a listed suite and refuses one outside the list", async () => {
    const port = await realm.port("nsps-both");
    const inside = await tls13(port, "TLS_AES_128_GCM_SHA256");
    expect(inside.output).toContain("Ciphersuite: TLS_AES_128_GCM_SHA256");
    expect(inside.ok).toBe(true);
    const outside = await tls13(port, "TLS_AES_256_GCM_SHA384");
    expect(outside.ok).toBe(false);
    expect(outside.output).toMatch(/handshake failure/);
  });

  it("completes a TLSv1.2 handshake with a listed cipher and refuses one outside the list", async () => {
    const port = await realm.port("nsps-both");
    const inside = await tls12(port, "ECDHE-ECDSA-AES128-GCM-SHA256");
    expect(inside.output).toContain("Ciphersuite: ECDHE-ECDSA-AES128-GCM-SHA256");
    expect(inside.ok).toBe(true);
    const outside = await tls12(port, "ECDHE-ECDSA-AES256-GCM-SHA384");
    expect(outside.ok).toBe(false);
    expect(outside.output).toMatch(/handshake failure/);
  });

  it("switches TLSv1.3 off when only TLSv1.2 ciphers are listed", async () => {
    const port = await realm.port("nsps-tls12");
    expect((await tls12(port, "ECDHE-ECDSA-AES256-GCM-SHA384")).ok).toBe(true);
    const refused = await tls13(port, "TLS_AES_256_GCM_SHA384");
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/protocol version/);
  });

  it("refuses an interface with an unknown suite and says which name, without crashing", async () => {
    const status = await realm.admin.getInterface("nsps-typo");
    expect(status.status.state).toBe("Error");
    expect(status.status.error).toMatch(
      /Cipher suite ECDHE-ECDSA-AES128-GCM-SHA257 is not known to this realm's TLS library/,
    );
    const rsa = await realm.admin.getInterface("nsps-rsa");
    expect(rsa.status.state).toBe("Error");
    expect(rsa.status.error).toMatch(
      /leave no usable suite for Protocols TLSv1\.2 with the certificate's EC key: add a TLSv1\.2 cipher such as ECDHE-ECDSA-AES128-GCM-SHA256/,
    );
    // The realm and its other interfaces keep serving.
    expect((await tls13(await realm.port("nsps-both"), "TLS_AES_128_GCM_SHA256")).ok).toBe(true);
  });

  it("refuses a change to a running interface that leaves its Protocols no suite, and keeps it as it was", async () => {
    const current = await realm.admin.getInterface("nsps-both");
    const error = await realm.admin
      .changeInterface("nsps-both", {
        ...current.interface,
        tls: {
          ...current.interface.tls!,
          protocols: ["TLSv1.3"],
          cipherSuites: ["ECDHE-ECDSA-AES128-GCM-SHA256"],
        },
      })
      .catch((e) => e);
    expect(error).toMatchObject({ status: 422, code: "TLS_MATERIAL" });
    expect(error.message).toMatch(/leave no usable suite for Protocols TLSv1\.3/);
    const port = await realm.port("nsps-both");
    expect((await tls13(port, "TLS_AES_128_GCM_SHA256")).ok).toBe(true);
  });
});
