import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Runs the openssl CLI (an independent peer for key material and TLS). */
export async function openssl(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run("openssl", args, { cwd });
  return stdout;
}

/** Paths of a key pair and its certificate, made by the openssl CLI. */
export interface Issued {
  key: string;
  cert: string;
  /** The certificate's PEM text. */
  certPem: string;
  keyPem: string;
}

/** A self-signed CA (EC P-256, to keep key generation fast). */
export async function makeCa(dir: string, name: string): Promise<Issued> {
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.crt`);
  await openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "30",
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  return { key, cert, certPem: await readFile(cert, "utf8"), keyPem: await readFile(key, "utf8") };
}

/** A leaf certificate signed by `ca`: a server certificate for 127.0.0.1, or a client one. */
export async function makeLeaf(
  dir: string,
  ca: Issued,
  name: string,
  usage: "server" | "client" = "server",
): Promise<Issued> {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  await openssl(
    [
      "req",
      "-new",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      csr,
      "-subj",
      `/CN=${name}`,
    ],
    dir,
  );
  await writeFile(
    ext,
    usage === "server"
      ? "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n"
      : "extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n",
  );
  await openssl(
    [
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      ca.cert,
      "-CAkey",
      ca.key,
      "-CAcreateserial",
      "-out",
      cert,
      "-days",
      "30",
      "-extfile",
      ext,
    ],
    dir,
  );
  return { key, cert, certPem: await readFile(cert, "utf8"), keyPem: await readFile(key, "utf8") };
}

/** Bundles key, certificate and CA into a PKCS#12 key store with `password` and `alias`. */
export async function makePkcs12(
  dir: string,
  leaf: Issued,
  ca: Issued,
  file: string,
  password: string,
  alias: string,
): Promise<string> {
  const out = path.join(dir, file);
  await openssl(
    [
      "pkcs12",
      "-export",
      "-inkey",
      leaf.key,
      "-in",
      leaf.cert,
      "-certfile",
      ca.cert,
      "-name",
      alias,
      "-passout",
      `pass:${password}`,
      "-out",
      out,
    ],
    dir,
  );
  return out;
}

/** SHA-256 fingerprint as Node prints it (AA:BB:…). */
export async function fingerprint(certFile: string, dir: string): Promise<string> {
  const out = await openssl(["x509", "-in", certFile, "-noout", "-fingerprint", "-sha256"], dir);
  return out.trim().split("=")[1]!;
}
