import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * Key material made by the openssl CLI, an independent peer: tests and benchmarks that need a
 * CA and certificates use these instead of the code they check. Every key is EC P-256, made at
 * run time, so key generation stays fast and nothing secret is committed.
 */

/** Runs the openssl CLI in `cwd` and returns its standard output. */
export async function openssl(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run("openssl", args, { cwd });
  return stdout;
}

/** Paths of a key pair and its certificate, with their PEM text. */
export interface Issued {
  key: string;
  cert: string;
  certPem: string;
  keyPem: string;
}

async function issued(key: string, cert: string): Promise<Issued> {
  return { key, cert, certPem: await readFile(cert, "utf8"), keyPem: await readFile(key, "utf8") };
}

/** A self-signed CA named `name`, valid for `days`. */
export async function makeCa(dir: string, name: string, days = 30): Promise<Issued> {
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
      String(days),
      "-subj",
      `/CN=${name}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  return issued(key, cert);
}

export interface LeafOptions {
  /** server: serverAuth · client: clientAuth · both: what inter-realm links need. */
  usage?: "server" | "client" | "both";
  /** subjectAltName entries for server certificates; default IP:127.0.0.1 and DNS:localhost. */
  sans?: string[];
  /** Subject CN; default `name`. */
  commonName?: string;
  days?: number;
}

const EXTENDED_KEY_USAGE = {
  server: "serverAuth",
  client: "clientAuth",
  both: "serverAuth,clientAuth",
};

/** A leaf certificate named `name`, signed by `ca`. */
export async function makeLeaf(
  dir: string,
  ca: Issued,
  name: string,
  options: LeafOptions = {},
): Promise<Issued> {
  const usage = options.usage ?? "server";
  const sans = options.sans ?? ["IP:127.0.0.1", "DNS:localhost"];
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
      `/CN=${options.commonName ?? name}`,
    ],
    dir,
  );
  const extensions = [
    ...(usage === "client" ? [] : [`subjectAltName=${sans.join(",")}`]),
    `extendedKeyUsage=${EXTENDED_KEY_USAGE[usage]}`,
    "keyUsage=critical,digitalSignature",
  ];
  await writeFile(ext, `${extensions.join("\n")}\n`);
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
      String(options.days ?? 30),
      "-extfile",
      ext,
    ],
    dir,
  );
  return issued(key, cert);
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
  return out.trim().split("=")[1] ?? "";
}
