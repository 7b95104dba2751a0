import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PkiError } from "./errors.js";
import { readJks } from "./jks.js";
import { readPem } from "./pem.js";
import { readPkcs12 } from "./pkcs12.js";
import { readKeyStore } from "./read-keystore.js";
import { PeerDir, seededRandom } from "./test-support.js";

/**
 * Random truncations and bit flips of real keystores must give typed errors (PkiError) or a
 * successful read — never an untyped exception, a crash or a hang. The format readers are
 * called directly, without readKeyStore's last-resort wrapping, so parser slips show up here.
 * Seeded PRNG: a failure names its seed and iteration, and reproduces.
 */
const peer = new PeerDir();
const PASS = "fuzzpass";
const ITERATIONS = 250;
const samples: Record<string, { data: Buffer; read: (d: Buffer) => unknown }> = {};

beforeAll(async () => {
  await peer.keytool(
    "-genkeypair",
    "-storetype",
    "JKS",
    "-keystore",
    "f.jks",
    "-storepass",
    PASS,
    "-keypass",
    PASS,
    "-alias",
    "k",
    "-keyalg",
    "EC",
    "-groupname",
    "secp256r1",
    "-dname",
    "CN=fuzz",
    "-ext",
    "san=dns:fuzz.example",
  );
  await peer.keytool(
    "-exportcert",
    "-rfc",
    "-keystore",
    "f.jks",
    "-storepass",
    PASS,
    "-alias",
    "k",
    "-file",
    "k.pem",
  );
  await peer.keytool(
    "-importcert",
    "-noprompt",
    "-storetype",
    "JKS",
    "-keystore",
    "f.jks",
    "-storepass",
    PASS,
    "-alias",
    "t",
    "-file",
    "k.pem",
  );
  await peer.run("sh", [
    "-c",
    `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout o.key -out o.pem -subj /CN=o -addext subjectAltName=DNS:o.example,IP:198.18.0.1 2>/dev/null`,
  ]);
  await peer.openssl(
    "pkcs12",
    "-export",
    "-inkey",
    "o.key",
    "-in",
    "o.pem",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "o.p12",
  );
  await peer.openssl(
    "pkcs12",
    "-export",
    "-legacy",
    "-inkey",
    "o.key",
    "-in",
    "o.pem",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "l.p12",
  );
  await peer.openssl(
    "pkcs12",
    "-export",
    "-nomac",
    "-certpbe",
    "NONE",
    "-inkey",
    "o.key",
    "-in",
    "o.pem",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "n.p12",
  );
  await peer.openssl(
    "pkcs8",
    "-topk8",
    "-in",
    "o.key",
    "-passout",
    `pass:${PASS}`,
    "-out",
    "o-enc.key",
  );
  samples.jks = { data: peer.read("f.jks"), read: (d) => readJks(d, { password: PASS }) };
  // Without the store password the integrity check is skipped, so flips reach the entries.
  samples["jks (no integrity)"] = {
    data: peer.read("f.jks"),
    read: (d) => readJks(d, { keyPassword: PASS }),
  };
  samples.pkcs12 = { data: peer.read("o.p12"), read: (d) => readPkcs12(d, { password: PASS }) };
  samples["pkcs12 legacy"] = {
    data: peer.read("l.p12"),
    read: (d) => readPkcs12(d, { password: PASS }),
  };
  // No MAC and clear certificates: flips reach the bag and certificate parsers.
  samples["pkcs12 no MAC"] = {
    data: peer.read("n.p12"),
    read: (d) => readPkcs12(d, { password: PASS }),
  };
  samples.pem = {
    data: Buffer.concat([peer.read("o-enc.key"), peer.read("o.pem")]),
    read: (d) => readPem(d, { password: PASS }),
  };
  samples["der certificate"] = {
    data: Buffer.from(
      peer
        .read("o.pem")
        .toString()
        .replace(/-----[^-]+-----|\s/g, ""),
      "base64",
    ),
    read: (d) => readPem(d, {}),
  };
}, 60_000);

afterAll(() => peer.remove());

function expectTyped(read: () => unknown, label: string): void {
  const started = performance.now();
  try {
    read();
  } catch (err) {
    if (!(err instanceof PkiError)) {
      throw new Error(
        `${label}: untyped ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`,
      );
    }
  }
  const ms = performance.now() - started;
  if (ms > 2000) throw new Error(`${label}: took ${Math.round(ms)} ms`);
}

describe("fuzzing the keystore readers", () => {
  for (const name of Object.keys({
    jks: 1,
    "jks (no integrity)": 1,
    pkcs12: 1,
    "pkcs12 legacy": 1,
    "pkcs12 no MAC": 1,
    pem: 1,
    "der certificate": 1,
  })) {
    it(`${name}: truncations give typed errors`, () => {
      const { data, read } = samples[name]!;
      const rnd = seededRandom(0x5eed + name.length);
      for (let i = 0; i < ITERATIONS; i++) {
        const cut = Math.floor(rnd() * data.length);
        expectTyped(
          () => read(data.subarray(0, cut)),
          `${name} truncated at ${cut} (iteration ${i})`,
        );
      }
    });

    it(`${name}: bit flips give typed errors or a clean read`, () => {
      const { data, read } = samples[name]!;
      const seed = 0xf1175 + name.length;
      const rnd = seededRandom(seed);
      for (let i = 0; i < ITERATIONS; i++) {
        const copy = Buffer.from(data);
        const flips = 1 + Math.floor(rnd() * 4);
        for (let f = 0; f < flips; f++) {
          const at = Math.floor(rnd() * copy.length);
          copy[at] = copy[at]! ^ (1 << Math.floor(rnd() * 8));
        }
        expectTyped(() => read(copy), `${name} seed ${seed} iteration ${i}`);
      }
    });
  }

  it("readKeyStore sniffs damaged and random input into typed errors", () => {
    const rnd = seededRandom(42);
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rnd() * 200);
      const bytes = Buffer.alloc(len);
      for (let j = 0; j < len; j++) bytes[j] = Math.floor(rnd() * 256);
      if (len > 0 && i % 3 === 0) bytes[0] = 0x30; // look like DER
      expect(() => readKeyStore(bytes, { password: PASS })).toThrow(PkiError);
    }
  });
});
