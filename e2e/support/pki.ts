import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
export function makeServerKeystore(password: string): ServerKeystore {
  const dir = mkdtempSync(join(tmpdir(), "conclave-e2e-pki-"));
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "365",
    "-subj",
    "/CN=Conclave e2e CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  openssl(
    "req",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=127.0.0.1",
  );
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature\n",
  );
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "365",
    "-extfile",
    "server.ext",
  );
  openssl(
    "pkcs12",
    "-export",
    "-inkey",
    "server.key",
    "-in",
    "server.pem",
    "-certfile",
    "ca.pem",
    "-name",
    "server",
    "-out",
    "server.p12",
    "-passout",
    `pass:${password}`,
  );
  return {
    p12: join(dir, "server.p12"),
    password,
    caPem: readFileSync(join(dir, "ca.pem"), "utf8"),
    dir,
  };
}
