/**
 * PKI benchmark: @conclave/pki against keytool and openssl doing the same jobs in the same run.
 * Run from the repository root: node --conditions=source --import tsx bench/pki.bench.ts
 * Writes bench/results/pki.json.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  buildTrustBundle,
  createCsr,
  createRootCa,
  generateCsr,
  generateKeyPair,
  readKeyStore,
  signCsr,
  writeJks,
  writePkcs12,
} from "@conclave/pki";

const ENTRIES = 1000;
const KEYPAIRS = 10;
const PASSWORD = "bench-pass";
const dir = mkdtempSync(join(tmpdir(), "conclave-pki-bench-"));

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = fn();
  return { ms: performance.now() - start, value };
}
async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}
const run = (cmd: string, args: string[]) =>
  execFileSync(cmd, args, {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
  });

interface Result {
  job: string;
  conclave_ms: number;
  peer: string;
  peer_ms: number;
  ratio: number;
}
const results: Result[] = [];
const record = (job: string, conclave: number, peer: string, peerMs: number) =>
  results.push({
    job,
    conclave_ms: Math.round(conclave * 10) / 10,
    peer,
    peer_ms: Math.round(peerMs * 10) / 10,
    ratio: Math.round((conclave / peerMs) * 100) / 100,
  });

try {
  // Fixture: 1,000 CA certificates signed by our CA (setup, not timed).
  const ca = await createRootCa({ subject: { commonName: "Bench Root" } });
  const { privateKeyPem } = await generateKeyPair({ type: "ec", curve: "P-256" });
  const certs = [ca.certificate];
  for (let i = 1; i < ENTRIES; i++) {
    const csr = createCsr({ privateKeyPem, subject: { commonName: `bench-ca-${i}` } });
    certs.push(signCsr(ca, csr, { validityDays: 365 }).certificate);
  }
  const trust = buildTrustBundle(certs);
  writeFileSync(join(dir, "trust.p12"), writePkcs12(trust, { password: PASSWORD }));
  writeFileSync(join(dir, "trust.jks"), writeJks(trust, { password: PASSWORD }));

  for (const [format, file, storetype] of [
    ["PKCS#12", "trust.p12", "PKCS12"],
    ["JKS", "trust.jks", "JKS"],
  ] as const) {
    const bytes = (await import("node:fs")).readFileSync(join(dir, file));
    const parse = time(() => readKeyStore(bytes, { password: PASSWORD }));
    if (parse.value.entries.length !== ENTRIES)
      throw new Error(`${file}: ${parse.value.entries.length} entries`);
    const keytool = time(() =>
      run("keytool", ["-list", "-keystore", file, "-storetype", storetype, "-storepass", PASSWORD]),
    );
    record(`parse ${ENTRIES}-entry ${format} truststore`, parse.ms, "keytool -list", keytool.ms);
    const write = time(() =>
      format === "JKS"
        ? writeJks(parse.value, { password: PASSWORD })
        : writePkcs12(parse.value, { password: PASSWORD }),
    );
    // keytool's nearest equivalent to "write it back": convert the store to a new file.
    rmSync(join(dir, "copy.out"), { force: true });
    const copy = time(() =>
      run("keytool", [
        "-importkeystore",
        "-noprompt",
        "-srckeystore",
        file,
        "-srcstoretype",
        storetype,
        "-srcstorepass",
        PASSWORD,
        "-destkeystore",
        "copy.out",
        "-deststoretype",
        storetype,
        "-deststorepass",
        PASSWORD,
      ]),
    );
    record(
      `write ${ENTRIES}-entry ${format} truststore`,
      write.ms,
      "keytool -importkeystore",
      copy.ms,
    );
  }
  const pem = certs.map((c) => c.pem).join("");
  writeFileSync(join(dir, "bundle.pem"), pem);
  const pemParse = time(() => readKeyStore(Buffer.from(pem), {}));
  const opensslPem = time(() =>
    run("openssl", ["crl2pkcs7", "-nocrl", "-certfile", "bundle.pem", "-out", "bundle.p7"]),
  );
  record(
    `parse ${ENTRIES}-certificate PEM bundle`,
    pemParse.ms,
    "openssl crl2pkcs7 -certfile",
    opensslPem.ms,
  );

  const gen = await timeAsync(async () => {
    for (let i = 0; i < KEYPAIRS; i++) {
      await generateCsr({
        key: { type: "rsa", size: 2048 },
        subject: { commonName: `realm${i}` },
        subjectAltNames: [`realm${i}.example`],
      });
    }
  });
  const opensslGen = time(() => {
    for (let i = 0; i < KEYPAIRS; i++) {
      run("openssl", [
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        `k${i}.pem`,
        "-out",
        `r${i}.csr`,
        "-subj",
        `/CN=realm${i}`,
        "-addext",
        `subjectAltName=DNS:realm${i}.example`,
      ]);
    }
  });
  record(
    `${KEYPAIRS}× RSA-2048 key pair + CSR`,
    gen.ms,
    "openssl req -newkey rsa:2048",
    opensslGen.ms,
  );

  const ecGen = await timeAsync(async () => {
    for (let i = 0; i < KEYPAIRS; i++) {
      await generateCsr({
        key: { type: "ec", curve: "P-256" },
        subject: { commonName: `realm${i}` },
        subjectAltNames: [`realm${i}.example`],
      });
    }
  });
  const opensslEc = time(() => {
    for (let i = 0; i < KEYPAIRS; i++) {
      run("openssl", [
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        `e${i}.pem`,
        "-out",
        `e${i}.csr`,
        "-subj",
        `/CN=realm${i}`,
      ]);
    }
  });
  record(`${KEYPAIRS}× EC P-256 key pair + CSR`, ecGen.ms, "openssl req -newkey ec", opensslEc.ms);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log("\n@conclave/pki benchmark (node %s)\n", process.version);
const header = ["job", "conclave ms", "peer", "peer ms", "ratio"];
const rows = results.map((r) => [
  r.job,
  r.conclave_ms.toFixed(1),
  r.peer,
  r.peer_ms.toFixed(1),
  r.ratio.toFixed(2),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  cells
    .map((c, i) => (i === 0 || i === 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
    .join("  ");
console.log(line(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const r of rows) console.log(line(r));
console.log(
  "\nratio = conclave / peer (below 1: faster than the peer; peers include JVM/process start-up).",
);

const out = join(import.meta.dirname, "results");
mkdirSync(out, { recursive: true });
writeFileSync(
  join(out, "pki.json"),
  `${JSON.stringify({ name: "pki", date: new Date().toISOString(), node: process.version, results }, null, 2)}\n`,
);
