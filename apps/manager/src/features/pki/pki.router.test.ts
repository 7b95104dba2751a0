import { createSecureContext } from "node:tls";
import { PeerDir } from "@conclave/pki/test-support";
import type request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../../store/secrets.js";
import { createTestApp, signIn, TEST_MASTER_KEY, type TestApp } from "../../testing/test-app.js";
import type { KeyMaterialSource as InterfacesKeyMaterialSource } from "../interfaces/key-material-source.js";
import { KeyMaterialSource } from "../keystores/key-material-source.js";

const STORE_PASSWORD = "Realm-Store-Pass-4e1f0b";
const TRUST_PASSWORD = "Trust-Store-Pass-9a7c33";

type Agent = Awaited<ReturnType<typeof signIn>>;

describe("private CA, key pairs and CSRs against openssl", () => {
  let first: TestApp;
  let second: TestApp | undefined;
  let operator: Agent;
  const peers = new PeerDir();
  const bodies: string[] = [];
  const record = (res: request.Response) => {
    bodies.push(res.text ?? "");
    return res;
  };
  const ids: Record<string, string> = {};
  const post = (path: string, body: object) =>
    operator.agent
      .post(`/api/v1${path}`)
      .set("x-csrf-token", operator.csrfToken)
      .send(body)
      .then(record);

  beforeAll(async () => {
    first = await createTestApp();
    await first.addUser("oscar", "operator");
    operator = await signIn(first.app, "oscar");
  });

  afterAll(async () => {
    await second?.destroy();
    if (!second) await first.destroy();
    peers.remove();
  });

  it("creates a root and an intermediate CA; the certificate downloads as PEM", async () => {
    const root = await post("/pki/cas", {
      name: "Conclave Test Root",
      subject: { CN: "Conclave Test Root", O: "Conclave", C: "GB" },
      keyType: "EC-P256",
      validityDays: 365,
    });
    expect(root.status).toBe(201);
    expect(root.body).toMatchObject({
      subject: "CN=Conclave Test Root, O=Conclave, C=GB",
      parentId: null,
      keyType: "EC",
      issuedCount: 0,
    });
    ids.root = root.body.id;
    const intermediate = await post("/pki/cas", {
      name: "Conclave Test Issuing",
      subject: { CN: "Conclave Test Issuing" },
      intermediateOf: ids.root,
      validityDays: 180,
    });
    expect(intermediate.status).toBe(201);
    expect(intermediate.body).toMatchObject({
      parentId: ids.root,
      issuer: "CN=Conclave Test Root, O=Conclave, C=GB",
      pathLength: 0,
    });
    expect(intermediate.body.chain).toHaveLength(2);
    ids.intermediate = intermediate.body.id;
    expect(
      (await post("/pki/cas", { name: "Conclave Test Root", subject: { CN: "x" } })).status,
    ).toBe(409);

    const pem = record(await operator.agent.get(`/api/v1/pki/cas/${ids.root}/certificate`));
    expect(pem.status).toBe(200);
    expect(pem.headers["content-type"]).toContain("application/x-pem-file");
    peers.write("root.pem", pem.text);
    const chain = record(
      await operator.agent.get(`/api/v1/pki/cas/${ids.intermediate}/certificate?chain=true`),
    );
    expect(chain.text.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    peers.write(
      "issuing.pem",
      chain.text.slice(0, chain.text.indexOf("-----END CERTIFICATE-----") + 26),
    );
    const list = record(await operator.agent.get("/api/v1/pki/cas"));
    expect(list.body.items.find((c: { id: string }) => c.id === ids.root).issuedCount).toBe(1);
  });

  it("generates a key pair whose CSR openssl verifies with its SANs; the CA signs it; the reply makes a chain of 2", async () => {
    const store = await post("/keystores", { name: "realm1", password: STORE_PASSWORD });
    expect(store.status).toBe(201);
    ids.realm1 = store.body.id;
    const generated = await post(`/keystores/${ids.realm1}/key-pairs`, {
      alias: "realm1",
      keyType: "EC-P256",
      subject: { CN: "realm1.example", O: "Conclave", C: "GB" },
      sans: ["dns:realm1.example", "ip:198.18.0.5"],
    });
    expect(generated.status).toBe(201);
    expect(generated.body.entry).toMatchObject({
      alias: "realm1",
      kind: "privateKey",
      status: "pendingCaReply",
      subject: "CN=realm1.example, O=Conclave, C=GB",
      sans: ["dns:realm1.example", "ip:198.18.0.5"],
      chainLength: 0,
      notAfter: null,
      hasCsr: true,
    });
    peers.write("realm1.csr", generated.body.csr);
    const verified = await peers.openssl("req", "-in", "realm1.csr", "-verify", "-noout", "-text");
    expect(verified).toMatch(/verify OK/i);
    expect(verified).toContain("DNS:realm1.example, IP Address:198.18.0.5");
    const again = record(
      await operator.agent.get(`/api/v1/keystores/${ids.realm1}/entries/realm1/csr`),
    );
    expect(again.body.csr).toBe(generated.body.csr);

    const signed = await post(`/pki/cas/${ids.root}/sign`, {
      csr: generated.body.csr,
      validityDays: 90,
      extendedKeyUsage: ["serverAuth", "clientAuth"],
    });
    expect(signed.status).toBe(200);
    expect(signed.body.sans).toEqual(["dns:realm1.example", "ip:198.18.0.5"]);
    peers.write("realm1.pem", signed.body.chainPem);
    const leafOnly = signed.body.chainPem.slice(
      0,
      signed.body.chainPem.indexOf("-----END CERTIFICATE-----") + 26,
    );
    peers.write("realm1-leaf.pem", leafOnly);
    expect(
      await peers.openssl(
        "verify",
        "-CAfile",
        "root.pem",
        "-purpose",
        "sslserver",
        "realm1-leaf.pem",
      ),
    ).toContain("realm1-leaf.pem: OK");

    const imported = await post(`/keystores/${ids.realm1}/entries/realm1/ca-reply`, {
      pem: signed.body.chainPem,
    });
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ status: "ok", chainLength: 2, expiry: "valid" });
    expect(imported.body.chain[1].subject).toBe("CN=Conclave Test Root, O=Conclave, C=GB");

    // A reply for another key is refused.
    const other = await post(`/keystores/${ids.realm1}/key-pairs`, {
      alias: "other",
      subject: { CN: "other.example" },
    });
    const mismatch = await post(`/keystores/${ids.realm1}/entries/other/ca-reply`, {
      pem: signed.body.chainPem,
    });
    expect(other.status).toBe(201);
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.code).toBe("key_mismatch");
    const duplicate = await post(`/keystores/${ids.realm1}/key-pairs`, {
      alias: "REALM1",
      subject: { CN: "x" },
    });
    expect(duplicate.status).toBe(409);
    const badSan = await post(`/keystores/${ids.realm1}/key-pairs`, {
      alias: "bad",
      subject: { CN: "x" },
      sans: ["ip:not-an-ip"],
    });
    expect(badSan.status).toBe(400);
  });

  it("signs an openssl CSR with the intermediate; openssl verifies the chain", async () => {
    await peers.openssl(
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      "peer.key",
      "-out",
      "peer.csr",
      "-subj",
      "/CN=realm2.example",
    );
    const signed = await post(`/pki/cas/${ids.intermediate}/sign`, {
      csr: peers.read("peer.csr").toString(),
      sans: ["dns:realm2.example", "ip:198.18.0.6"],
    });
    expect(signed.status).toBe(200);
    const certs = signed.body.chainPem.split(/(?<=-----END CERTIFICATE-----\n)/);
    expect(certs).toHaveLength(3);
    peers.write("peer.pem", certs[0]);
    peers.write("untrusted.pem", certs[1]);
    expect(
      await peers.openssl(
        "verify",
        "-CAfile",
        "root.pem",
        "-untrusted",
        "untrusted.pem",
        "-purpose",
        "sslclient",
        "peer.pem",
      ),
    ).toContain("peer.pem: OK");
    const tampered = await post(`/pki/cas/${ids.intermediate}/sign`, {
      csr: peers.read("peer.csr").toString().replace(/A/, "B"),
    });
    expect(tampered.status).toBe(400);
  });

  it("issues a certificate for a key entry in one step, and renews one from its certificate", async () => {
    const generated = await post(`/keystores/${ids.realm1}/key-pairs`, {
      alias: "realm3",
      subject: { CN: "realm3.example" },
      sans: ["dns:realm3.example"],
    });
    expect(generated.status).toBe(201);
    const issued = await post(`/pki/cas/${ids.intermediate}/issue`, {
      keystoreId: ids.realm1,
      alias: "realm3",
      validityDays: 30,
    });
    expect(issued.status).toBe(200);
    expect(issued.body.entry).toMatchObject({ alias: "realm3", status: "ok", chainLength: 3 });
    // An uploaded key has no CSR kept: one is made from its certificate (a renewal).
    const upload = record(
      await operator.agent
        .post("/api/v1/keystores")
        .set("x-csrf-token", operator.csrfToken)
        .attach(
          "file",
          Buffer.from(`${peers.read("peer.key")}${peers.read("peer.pem")}`),
          "peer.pem",
        )
        .field("password", STORE_PASSWORD),
    );
    expect(upload.status).toBe(201);
    const renewed = await post(`/pki/cas/${ids.root}/issue`, {
      keystoreId: upload.body.id,
      alias: upload.body.entries[0].alias,
    });
    expect(renewed.status).toBe(200);
    expect(renewed.body.entry).toMatchObject({
      subject: "CN=realm2.example",
      issuer: "CN=Conclave Test Root, O=Conclave, C=GB",
      sans: ["dns:realm2.example", "ip:198.18.0.6"],
      chainLength: 2,
    });
    const missing = await post(`/pki/cas/${ids.root}/issue`, {
      keystoreId: ids.realm1,
      alias: "nobody",
    });
    expect(missing.status).toBe(404);
  });

  it("KeyMaterialSource delivers modern PKCS#12 files that Node's TLS and openssl read", async () => {
    const trust = await post("/keystores", { name: "realm-trust", password: TRUST_PASSWORD });
    ids.trust = trust.body.id;
    await post(`/keystores/${ids.trust}/trusted-certificates`, {
      alias: "conclave-root",
      pem: peers.read("root.pem").toString(),
    });
    const source = new KeyMaterialSource({ db: first.db, secrets: new SecretBox(TEST_MASTER_KEY) });
    const material = await source.materialFor(ids.realm1!, {
      keyAlias: "REALM1",
      truststoreId: ids.trust,
    });
    expect(material.keyStore).toMatchObject({ format: "pkcs12", alias: "realm1" });
    expect(material.keyStore.password).toBe(STORE_PASSWORD);
    expect(material.trustStore).toMatchObject({ aliases: ["conclave-root"] });
    expect(() =>
      createSecureContext({
        pfx: Buffer.from(material.keyStore.bytes),
        passphrase: material.keyStore.password,
      }),
    ).not.toThrow();
    peers.write("delivered.p12", material.keyStore.bytes);
    expect(
      await peers.openssl(
        "pkcs12",
        "-in",
        "delivered.p12",
        "-passin",
        `pass:${STORE_PASSWORD}`,
        "-nokeys",
        "-info",
      ),
    ).toMatch(/PBES2, PBKDF2, AES-256-CBC/);
    await expect(source.materialFor(ids.realm1!)).rejects.toMatchObject({ status: 409 });
    await expect(source.materialFor(ids.realm1!, { keyAlias: "other" })).rejects.toMatchObject({
      status: 409,
    });
    await expect(source.materialFor("nope")).rejects.toMatchObject({ status: 404 });
    // The interfaces feature declares the positional form; the class plugs in as it is.
    const asInterfaces: InterfacesKeyMaterialSource = source;
    const positional = await asInterfaces.materialFor(ids.realm1!, ids.trust, "realm3");
    expect(positional?.certificateAlias).toBe("realm3");
    expect(positional?.trustStore?.password).toBe(TRUST_PASSWORD);
  });

  it("after a restart over the same store, keystores and CAs are there and still decrypt", async () => {
    await first.close();
    second = await createTestApp({ dataDir: first.dataDir });
    const again = await signIn(second.app, "oscar");
    const keystores = await again.agent.get("/api/v1/keystores");
    expect(keystores.body.items.map((k: { name: string }) => k.name)).toEqual(
      expect.arrayContaining(["realm1", "realm-trust"]),
    );
    const file = await again.agent
      .get(`/api/v1/keystores/${ids.realm1}/download?format=jks`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    expect(file.headers["x-conclave-pending-aliases"]).toBe("other");
    peers.write("restarted.jks", file.body as Buffer);
    expect(await peers.keytoolRows("restarted.jks", STORE_PASSWORD, "JKS")).toEqual([
      "realm1,PrivateKeyEntry",
      "realm3,PrivateKeyEntry",
    ]);
    const signed = await again.agent
      .post(`/api/v1/pki/cas/${ids.intermediate}/sign`)
      .set("x-csrf-token", again.csrfToken)
      .send({ csr: peers.read("peer.csr").toString() });
    expect(signed.status).toBe(200);
    bodies.push(keystores.text, signed.text);
  });

  it("leaks no password or private key into answers, logs, the audit log or the store", async () => {
    const db = second!.db;
    const secrets = [STORE_PASSWORD, TRUST_PASSWORD];
    const audit = JSON.stringify(await db.query("SELECT * FROM audit_log"));
    const logs = [...first.logs, ...second!.logs];
    for (const text of [...bodies, ...logs, audit]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
    expect(audit).toContain("pki.ca.create");
    expect(audit).toContain("pki.ca.sign");
    expect(audit).toContain("keystore.ca_reply.import");
    const rows = JSON.stringify([
      await db.query("SELECT * FROM keystores"),
      await db.query("SELECT * FROM keystore_entries"),
      await db.query("SELECT * FROM certificate_authorities"),
      await db.query("SELECT * FROM ca_issued_certificates"),
    ]);
    for (const secret of secrets) expect(rows).not.toContain(secret);
    expect(rows).not.toMatch(/PRIVATE KEY/);
    const peerKeyLine = peers.read("peer.key").toString().split("\n")[1]!;
    expect(rows).not.toContain(peerKeyLine);
  });
});
