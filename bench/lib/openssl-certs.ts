import { execFileSync } from "node:child_process";
import { join } from "node:path";

export interface ServerCertificateFiles {
  caCert: string;
  serverCert: string;
  serverKey: string;
}

/**
 * A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI (an
 * independent peer), so benchmarks need nothing from the code they measure.
 */
export function makeLoopbackCertificates(dir: string): ServerCertificateFiles {
  const files = {
    caKey: join(dir, "ca.key"),
    caCert: join(dir, "ca.crt"),
    serverKey: join(dir, "server.key"),
    serverCsr: join(dir, "server.csr"),
    serverCert: join(dir, "server.crt"),
    ext: join(dir, "server.ext"),
  };
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", files.caKey);
  openssl(
    "req",
    "-x509",
    "-new",
    "-key",
    files.caKey,
    "-sha256",
    "-days",
    "2",
    "-subj",
    "/CN=Bench CA",
    "-out",
    files.caCert,
  );
  openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", files.serverKey);
  openssl(
    "req",
    "-new",
    "-key",
    files.serverKey,
    "-subj",
    "/CN=127.0.0.1",
    "-out",
    files.serverCsr,
  );
  execFileSync("sh", [
    "-c",
    `printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > ${files.ext}`,
  ]);
  openssl(
    "x509",
    "-req",
    "-in",
    files.serverCsr,
    "-CA",
    files.caCert,
    "-CAkey",
    files.caKey,
    "-CAcreateserial",
    "-days",
    "2",
    "-sha256",
    "-extfile",
    files.ext,
    "-out",
    files.serverCert,
  );
  return { caCert: files.caCert, serverCert: files.serverCert, serverKey: files.serverKey };
}
