import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";

export interface ServerKeystore {
  /** PKCS#12 with the server key and its chain. */
  p12: string;
  password: string;
  /** The CA certificate (PEM), to check the served certificate against. */
  caPem: string;
  dir: string;
}

/**
 * A private CA and a server certificate for IP:127.0.0.1, made with the openssl CLI as an
 * operator would, exported as a PKCS#12 for upload through the browser.
 */
export async function makeServerKeystore(password: string): Promise<ServerKeystore> {
  const dir = mkdtempSync(join(tmpdir(), "conclave-e2e-pki-"));
  const ca = await makeCa(dir, "Conclave e2e CA", 365);
  const server = await makeLeaf(dir, ca, "server", {
    commonName: "127.0.0.1",
    sans: ["IP:127.0.0.1"],
    usage: "both",
    days: 365,
  });
  const p12 = await makePkcs12(dir, server, ca, "server.p12", password, "server");
  return { p12, password, caPem: ca.certPem, dir };
}
