import { PeerDir } from "@conclave/pki/test-support";
import type request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClustersRepo } from "../../store/clusters.repo.js";
import { createTestApp, signIn, type TestApp } from "../../testing/test-app.js";

/** Distinctive, so a leak scan finds them anywhere. */
const STORE_PASSWORD = "Store-Pass-7f3a9c";
const WRONG_PASSWORD = "Wrong-Guess-5b2d1e";
const NEW_PASSWORD = "Rotated-Pass-c81e44";
const DOWNLOAD_PASSWORD = "Download-Pass-0d9b7a";

type Agent = Awaited<ReturnType<typeof signIn>>;

describe("keystores API against keytool and openssl", () => {
  let t: TestApp;
  let operator: Agent;
  let viewer: Agent;
  const peers = new PeerDir();
  const bodies: string[] = [];
  const record = (res: request.Response) => {
    bodies.push(res.text ?? "");
    return res;
  };
  const keystoreIds: Record<string, string> = {};

  const upload = (
    file: Buffer | string,
    fileName: string,
    fields: Record<string, string>,
    who: Agent = operator,
  ) => {
    let req = who.agent
      .post("/api/v1/keystores")
      .set("x-csrf-token", who.csrfToken)
      .attach("file", typeof file === "string" ? peers.read(file) : file, fileName);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return req.then(record);
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.addUser("oscar", "operator");
    await t.addUser("vera", "viewer");
    operator = await signIn(t.app, "oscar");
    viewer = await signIn(t.app, "vera");

    const pass = `pass:${STORE_PASSWORD}`;
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    await peers.openssl(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-subj",
      "/O=Peers/CN=Peer Root CA",
      "-days",
      "365",
    );
    await peers.openssl(
      "req",
      ...ec,
      "-keyout",
      "leaf.key",
      "-out",
      "leaf.csr",
      "-subj",
      "/CN=realm1.example",
      "-addext",
      "subjectAltName=DNS:realm1.example,IP:198.18.0.5",
    );
    await peers.openssl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "leaf.pem",
      "-days",
      "365",
      "-copy_extensions",
      "copy",
    );
    const p12 = ["pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.pem"];
    const keytoolGen = (file: string, type: string) =>
      peers
        .keytool(
          "-genkeypair",
          "-keystore",
          file,
          "-storetype",
          type,
          "-storepass",
          STORE_PASSWORD,
          "-keypass",
          STORE_PASSWORD,
          "-alias",
          "server",
          "-keyalg",
          "EC",
          "-groupname",
          "secp256r1",
          "-dname",
          "CN=localhost, O=Demo",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-validity",
          "60",
        )
        .then(() =>
          peers.keytool(
            "-importcert",
            "-noprompt",
            "-keystore",
            file,
            "-storetype",
            type,
            "-storepass",
            STORE_PASSWORD,
            "-alias",
            "peer-ca",
            "-file",
            "ca.pem",
          ),
        );
    await Promise.all([
      peers.openssl(
        ...p12,
        "-certfile",
        "ca.pem",
        "-name",
        "realm1",
        "-out",
        "modern.p12",
        "-passout",
        pass,
      ),
      peers.openssl(...p12, "-legacy", "-name", "realm1", "-out", "legacy.p12", "-passout", pass),
      keytoolGen("keytool.jks", "JKS"),
      keytoolGen("keytool.p12", "PKCS12"),
    ]);
    peers.write(
      "bundle.pem",
      Buffer.concat([peers.read("leaf.key"), peers.read("leaf.pem"), peers.read("ca.pem")]),
    );
  });

  afterAll(async () => {
    await t.destroy();
    peers.remove();
  });

  it.each([
    ["keytool.jks", "jks", "JKS"],
    ["keytool.p12", "pkcs12", "PKCS12"],
  ])("uploads %s and shows what keytool -list shows", async (file, type, storetype) => {
    const res = await upload(file, file, { password: STORE_PASSWORD, name: file });
    expect(res.status).toBe(201);
    expect(res.body.type).toBe(type);
    keystoreIds[file] = res.body.id;
    const rows = (res.body.entries as { alias: string; kind: string }[])
      .map((e) => `${e.alias},${e.kind === "privateKey" ? "PrivateKeyEntry" : "trustedCertEntry"}`)
      .sort();
    expect(rows).toEqual(await peers.keytoolRows(file, STORE_PASSWORD, storetype));
    const server = res.body.entries.find((e: { alias: string }) => e.alias === "server");
    expect(server).toMatchObject({
      kind: "privateKey",
      status: "ok",
      subject: "CN=localhost, O=Demo",
      sans: ["dns:localhost", "ip:127.0.0.1"],
      keyType: "EC",
      expiry: "valid",
    });
    expect(server.sha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(server.notAfter).toMatch(/^\d{4}-/);
  });

  it.each([
    ["modern.p12", "pkcs12"],
    ["legacy.p12", "pkcs12"],
    ["bundle.pem", "pem"],
  ])("uploads openssl's %s with its chain", async (file, type) => {
    const res = await upload(file, file, { password: STORE_PASSWORD });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: file.replace(/\.\w+$/, ""), type });
    keystoreIds[file] = res.body.id;
    const key = res.body.entries.find((e: { kind: string }) => e.kind === "privateKey");
    expect(key).toMatchObject({
      subject: "CN=realm1.example",
      issuer: "CN=Peer Root CA, O=Peers",
      sans: ["dns:realm1.example", "ip:198.18.0.5"],
    });
    // The CA certificate travels with the key: in its chain (modern, PEM), or on its own.
    const certificates = (res.body.entries as { chainLength: number }[]).reduce(
      (n, e) => n + e.chainLength,
      0,
    );
    expect(certificates).toBe(file === "legacy.p12" ? 1 : 2);
  });

  it("answers 422 keystore_password for a wrong password, without echoing it", async () => {
    for (const file of ["keytool.jks", "modern.p12", "legacy.p12"]) {
      const res = await upload(file, file, { password: WRONG_PASSWORD, name: `wrong-${file}` });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("keystore_password");
      expect(res.body.error.message).toMatch(/The keystore password is wrong/);
      expect(res.text).not.toContain(WRONG_PASSWORD);
      expect(res.text).not.toContain(STORE_PASSWORD);
    }
  });

  it("answers 422 for a truncated file, 415 for a non-keystore, 413 above 10 MiB", async () => {
    for (const file of ["keytool.jks", "modern.p12"]) {
      const whole = peers.read(file);
      const res = await upload(whole.subarray(0, Math.floor(whole.length / 2)), file, {
        password: STORE_PASSWORD,
        name: `cut-${file}`,
      });
      expect(res.status).toBe(422);
      expect(["truncated_keystore", "malformed_keystore"]).toContain(res.body.error.code);
      expect(res.body.error.message).toMatch(/cut short|truncated|ends|damaged/i);
    }
    const notKeystore = await upload(Buffer.from("hello, not a keystore\n"), "notes.txt", {
      password: STORE_PASSWORD,
    });
    expect(notKeystore.status).toBe(415);
    expect(notKeystore.body.error.code).toBe("not_a_keystore");

    const big = await upload(Buffer.alloc(10 * 1024 * 1024 + 1, 1), "big.p12", {
      password: STORE_PASSWORD,
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("payload_too_large");

    const noFile = record(
      await operator.agent
        .post("/api/v1/keystores")
        .set("x-csrf-token", operator.csrfToken)
        .field("password", STORE_PASSWORD),
    );
    expect(noFile.status).toBe(400);
    const duplicate = await upload("keytool.jks", "keytool.jks", {
      password: STORE_PASSWORD,
      name: "keytool.jks",
    });
    expect(duplicate.status).toBe(409);
  });

  it("lists keystores with counts and nearest expiry; viewers read but cannot change or download", async () => {
    const list = record(await viewer.agent.get("/api/v1/keystores"));
    expect(list.status).toBe(200);
    const jks = list.body.items.find((k: { name: string }) => k.name === "keytool.jks");
    expect(jks).toMatchObject({
      type: "jks",
      entryCount: 2,
      privateKeyCount: 1,
      trustedCertificateCount: 1,
      expiry: "valid",
    });
    expect(Date.parse(jks.nearestExpiry)).toBeGreaterThan(Date.now());
    const id = keystoreIds["keytool.jks"]!;
    expect(record(await viewer.agent.get(`/api/v1/keystores/${id}/entries`)).status).toBe(200);
    expect((await viewer.agent.get(`/api/v1/keystores/${id}/download`)).status).toBe(403);
    const refused = await upload("keytool.jks", "x.jks", { password: STORE_PASSWORD }, viewer);
    expect(refused.status).toBe(403);
    expect(record(await operator.agent.get("/api/v1/keystores/nope")).status).toBe(404);
  });

  it("downloads as JKS and PKCS#12 that keytool lists with the same entries", async () => {
    const id = keystoreIds["keytool.jks"]!;
    const expected = await peers.keytoolRows("keytool.jks", STORE_PASSWORD, "JKS");
    for (const [format, storetype] of [
      ["pkcs12", "PKCS12"],
      ["jks", "JKS"],
    ] as const) {
      const res = await operator.agent
        .get(`/api/v1/keystores/${id}/download?format=${format}`)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers["content-disposition"]).toContain(
        `keytool.jks.${format === "jks" ? "jks" : "p12"}`,
      );
      peers.write(`down.${format}`, res.body as Buffer);
      expect(await peers.keytoolRows(`down.${format}`, STORE_PASSWORD, storetype)).toEqual(
        expected,
      );
    }
  });

  it("builds a truststore from JSON and multipart imports; keytool lists trustedCertEntry rows", async () => {
    const created = record(
      await operator.agent
        .post("/api/v1/keystores")
        .set("x-csrf-token", operator.csrfToken)
        .send({ name: "trust", password: STORE_PASSWORD, type: "pkcs12" }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: "pkcs12", sourceFormat: "new", entries: [] });
    const id = created.body.id as string;
    const viaJson = record(
      await operator.agent
        .post(`/api/v1/keystores/${id}/trusted-certificates`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ pem: peers.read("ca.pem").toString() }),
    );
    expect(viaJson.status).toBe(201);
    expect(viaJson.body).toMatchObject({ alias: "peer-root-ca", kind: "trustedCertificate" });
    const viaFile = record(
      await operator.agent
        .post(`/api/v1/keystores/${id}/trusted-certificates`)
        .set("x-csrf-token", operator.csrfToken)
        .attach("file", peers.read("leaf.pem"), "leaf.pem")
        .field("alias", "realm1-cert"),
    );
    expect(viaFile.status).toBe(201);
    const duplicate = record(
      await operator.agent
        .post(`/api/v1/keystores/${id}/trusted-certificates`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ alias: "REALM1-cert", pem: peers.read("leaf.pem").toString() }),
    );
    expect(duplicate.status).toBe(409);
    const garbage = record(
      await operator.agent
        .post(`/api/v1/keystores/${id}/trusted-certificates`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ pem: "not a certificate" }),
    );
    expect(garbage.status).toBe(422);
    expect(garbage.body.error.code).toBe("invalid_certificate");

    const file = await operator.agent
      .post(`/api/v1/keystores/${id}/download`)
      .set("x-csrf-token", operator.csrfToken)
      .send({ format: "pkcs12", password: DOWNLOAD_PASSWORD })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    peers.write("trust.p12", file.body as Buffer);
    expect(await peers.keytoolRows("trust.p12", DOWNLOAD_PASSWORD, "PKCS12")).toEqual([
      "peer-root-ca,trustedCertEntry",
      "realm1-cert,trustedCertEntry",
    ]);
    keystoreIds.trust = id;
  });

  it("renames and deletes entries; 404 for an unknown alias, 409 for a taken one", async () => {
    const id = keystoreIds.trust!;
    const base = `/api/v1/keystores/${id}/entries`;
    const renamed = record(
      await operator.agent
        .patch(`${base}/REALM1-CERT`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ alias: "realm1" }),
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.alias).toBe("realm1");
    const taken = record(
      await operator.agent
        .patch(`${base}/realm1`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ alias: "Peer-Root-CA" }),
    );
    expect(taken.status).toBe(409);
    const missing = record(
      await operator.agent.delete(`${base}/nobody`).set("x-csrf-token", operator.csrfToken),
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('"peer-root-ca"');
    expect(
      (await operator.agent.delete(`${base}/realm1`).set("x-csrf-token", operator.csrfToken))
        .status,
    ).toBe(204);
    const after = record(await operator.agent.get(base));
    expect(after.body.items.map((e: { alias: string }) => e.alias)).toEqual(["peer-root-ca"]);
  });

  it("changes the password after checking the current one", async () => {
    const id = keystoreIds["modern.p12"]!;
    const wrong = record(
      await operator.agent
        .post(`/api/v1/keystores/${id}/password`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ currentPassword: WRONG_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe("keystore_password");
    const changed = record(
      await operator.agent
        .post(`/api/v1/keystores/${id}/password`)
        .set("x-csrf-token", operator.csrfToken)
        .send({ currentPassword: STORE_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    expect(changed.status).toBe(204);
    const file = await operator.agent
      .get(`/api/v1/keystores/${id}/download?format=pkcs12`)
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on("data", (c: Buffer) => chunks.push(c));
        r.on("end", () => done(null, Buffer.concat(chunks)));
      });
    peers.write("rotated.p12", file.body as Buffer);
    const info = await peers.openssl(
      "pkcs12",
      "-in",
      peers.path("rotated.p12"),
      "-passin",
      `pass:${NEW_PASSWORD}`,
      "-nokeys",
      "-info",
    );
    expect(info).toMatch(/MAC: sha256/);
    expect(info).toContain("CN = realm1.example");
  });

  it("checks host coverage: a localhost-only certificate fails for a non-loopback bind", async () => {
    const id = keystoreIds["keytool.jks"]!;
    const bad = record(
      await viewer.agent.get(`/api/v1/keystores/${id}/checks?bindAddress=198.18.0.5`),
    );
    expect(bad.status).toBe(200);
    const server = bad.body.items.find((i: { alias: string }) => i.alias === "server");
    expect(server.ok).toBe(false);
    expect(server.findings.map((f: { id: string }) => f.id)).toContain(
      "localhost-only-certificate",
    );
    const good = record(
      await viewer.agent.get(`/api/v1/keystores/${keystoreIds["bundle.pem"]}/checks`).query({
        bindAddress: "198.18.0.5",
        host: "realm1.example",
        truststoreId: keystoreIds.trust,
      }),
    );
    expect(
      good.body.items[0].findings.filter((f: { severity: string }) => f.severity === "error"),
    ).toEqual([]);
  });

  it("deletes a keystore", async () => {
    const id = keystoreIds["legacy.p12"]!;
    expect(
      (
        await operator.agent
          .delete(`/api/v1/keystores/${id}`)
          .set("x-csrf-token", operator.csrfToken)
      ).status,
    ).toBe(204);
    expect((await operator.agent.get(`/api/v1/keystores/${id}`)).status).toBe(404);
  });

  it("refuses to delete the truststore a cluster checks its links with, naming the cluster", async () => {
    const id = keystoreIds.trust!;
    const clusters = new ClustersRepo(t.db);
    await clusters.create({ name: "east", members: [], sites: [], primeSite: null });
    await clusters.setTrust("east", id);
    const refused = record(
      await operator.agent
        .delete(`/api/v1/keystores/${id}`)
        .set("x-csrf-token", operator.csrfToken),
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/cluster trust store of east/);
    expect((await operator.agent.get(`/api/v1/keystores/${id}`)).status).toBe(200);
    await clusters.setTrust("east", null);
  });

  it("leaks no password or private key into answers, logs, the audit log or the store", async () => {
    const secrets = [STORE_PASSWORD, WRONG_PASSWORD, NEW_PASSWORD, DOWNLOAD_PASSWORD];
    const audit = JSON.stringify(await t.db.query("SELECT * FROM audit_log"));
    const keyBody = peers.read("leaf.key").toString().split("\n")[1]!;
    for (const text of [...bodies, ...t.logs, audit]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/PRIVATE KEY/);
      expect(text).not.toContain(keyBody);
    }
    expect(audit).toContain("keystore.upload");
    expect(audit).toContain("keystore.password.change");
    const rows = JSON.stringify([
      await t.db.query("SELECT * FROM keystores"),
      await t.db.query("SELECT * FROM keystore_entries"),
    ]);
    for (const secret of secrets) expect(rows).not.toContain(secret);
    expect(rows).not.toMatch(/PRIVATE KEY/);
    expect(rows).not.toContain(keyBody);
    expect(rows).toContain("v1:");
  });
});
