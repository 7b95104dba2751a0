import { type AddressInfo, connect, createServer } from "node:net";
import { createRootCa, generateCsr, type KeyStore, signCsr, writePkcs12 } from "@conclave/pki";
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootDemo, type Demo, until } from "../../testing/boot-demo.js";
import { errorsOf, wizardUntil } from "../../testing/wizard-polling.js";

/**
 * Issue 7's encryption switch with real processes (manager, agent, three realms on loopback,
 * booted as `npm start` boots them): pre-flight stops bad certificates before anything
 * changes; with certificates issued by a private CA the switch completes, every link is
 * TLSv1.3, the old nsp interfaces refuse a plaintext inter-realm hello, and the report has
 * every link with its peer's certificate.
 */
const PASSWORD = "wizards process test admin passphrase";
const KEYSTORE_PASSWORD = "wizard-keystore-Zq9!pass";
const REALMS = ["realm-a", "realm-b", "realm-c"];

type Frame = { type?: string; code?: string; message?: string };

/** Sends one hello on a plain TCP connection and answers the first frame back (or null). */
function hello(port: number, role: "inter-realm" | "client"): Promise<Frame | null> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const decoder = new FrameDecoder(1024 * 1024);
    const done = (frame: Frame | null) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(frame);
    };
    const timer = setTimeout(() => done(null), 5_000);
    socket.once("connect", () =>
      socket.write(
        encodeFrame(
          role === "client"
            ? { type: "hello", role, protocolVersion: PROTOCOL_VERSION, client: "test" }
            : {
                type: "hello",
                role,
                protocolVersion: PROTOCOL_VERSION,
                realm: "intruder",
                nonce: Buffer.alloc(32, 1).toString("base64"),
                cluster: "demo",
              },
        ),
      ),
    );
    socket.on("data", (chunk: Buffer) => {
      const [frame] = decoder.push(chunk) as Frame[];
      if (frame) done(frame);
    });
    socket.once("error", () => done(null));
  });
}

/** A PKCS#12 keystore with one key whose certificate the given CA signed. */
async function keystoreFile(
  ca: Awaited<ReturnType<typeof createRootCa>>,
  sans: string[],
  validity: { days: number; notBefore?: Date },
): Promise<Uint8Array> {
  const { csrPem, privateKeyPem } = await generateCsr({
    key: { type: "ec", curve: "P-256" },
    subject: { commonName: sans[0]! },
    subjectAltNames: sans,
  });
  const signed = signCsr(ca, csrPem, {
    validityDays: validity.days,
    ...(validity.notBefore ? { notBefore: validity.notBefore } : {}),
  });
  const store: KeyStore = {
    format: "pkcs12",
    entries: [{ kind: "private-key", alias: "server", privateKeyPem, chain: signed.chain }],
  };
  return writePkcs12(store, { password: KEYSTORE_PASSWORD });
}

describe("encrypt-inter-realm wizard with real processes", () => {
  let demo: Demo;

  const interfacesOf = async (realm: string) =>
    ((await demo.api.get(`/realms/${realm}/interfaces`)).body as { alias: string }[]).map(
      (i) => i.alias,
    );

  beforeAll(async () => {
    demo = await bootDemo({ password: PASSWORD });
    const formed = await demo.api.post("/clusters", { name: "demo", realms: REALMS });
    expect(formed.status, formed.text).toBe(202);
    await until(
      "the cluster to be Active",
      async () => (await demo.api.get("/clusters/demo/status")).body.status === "Active",
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    await demo?.stop();
  }, 30_000);

  it("pre-flight blocks a localhost-only certificate (peers dial 127.0.0.1) and an expired one, before anything changes", async () => {
    const ca = await createRootCa({ subject: { commonName: "Wizard Test CA" } });
    const upload = async (name: string, file: Uint8Array) => {
      const res = await demo.session
        .post("/api/v1/keystores")
        .set("x-csrf-token", demo.csrf)
        .field("password", KEYSTORE_PASSWORD)
        .field("name", name)
        .attach("file", Buffer.from(file), `${name}.p12`);
      expect(res.status, res.text).toBe(201);
      return res.body.id as string;
    };
    const localhostOnly = await upload(
      "localhost-only",
      await keystoreFile(ca, ["localhost"], { days: 90 }),
    );
    const expired = await upload(
      "expired",
      await keystoreFile(ca, ["127.0.0.1"], {
        days: 30,
        notBefore: new Date(Date.now() - 400 * 86_400_000),
      }),
    );
    const good = await upload("good", await keystoreFile(ca, ["127.0.0.1"], { days: 90 }));
    const trust = await demo.api.post("/keystores", {
      name: "wizard-test-trust",
      password: KEYSTORE_PASSWORD,
      type: "pkcs12",
    });
    expect(trust.status, trust.text).toBe(201);
    const imported = await demo.api.post(`/keystores/${trust.body.id}/trusted-certificates`, {
      alias: "ca",
      pem: ca.certificate.pem,
    });
    expect(imported.status, imported.text).toBe(201);
    const truststoreId = trust.body.id as string;

    const before = (await demo.api.get("/clusters/demo")).body.members;
    const started = await demo.api.post("/wizards", {
      kind: "encrypt-inter-realm",
      cluster: "demo",
      options: {
        certificates: {
          "realm-a": { keystoreId: localhostOnly, truststoreId },
          "realm-b": { keystoreId: expired, truststoreId },
          "realm-c": { keystoreId: good, truststoreId },
        },
      },
    });
    expect(started.status, started.text).toBe(201);
    const wizard = await wizardUntil(
      demo,
      started.body.id,
      ["blocked", "completed", "failed"],
      30_000,
    );
    expect(wizard.state).toBe("blocked");
    const errors = (
      wizard.findings as { severity: string; realm: string; check: string; fix: string }[]
    ).filter((f) => f.severity === "error");
    expect(errors.map((f) => [f.realm, f.check])).toEqual(
      expect.arrayContaining([
        ["realm-a", "certificateCoverage"],
        ["realm-b", "expiry"],
      ]),
    );
    expect(errors.some((f) => f.realm === "realm-c")).toBe(false);
    expect(errors.every((f) => f.fix.length > 0)).toBe(true);
    // Nothing changed: no interface added, the member list as it was, links still plaintext.
    for (const realm of REALMS) expect(await interfacesOf(realm)).toEqual(["nsp0"]);
    expect((await demo.api.get("/clusters/demo")).body.members).toEqual(before);
    const status = (await demo.api.get("/clusters/demo/status")).body;
    expect(status.links.every((l: { protocol: string }) => l.protocol === "nsp")).toBe(true);
  }, 60_000);

  it("a port taken by another program blocks the wizard at pre-flight (the agent's probe), before anything changes", async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
    const taken = (squatter.address() as AddressInfo).port;
    try {
      const started = await demo.api.post("/wizards", {
        kind: "encrypt-inter-realm",
        cluster: "demo",
        options: { ports: { "realm-b": { interRealm: taken } } },
      });
      expect(started.status, started.text).toBe(201);
      const id = started.body.id as string;
      const blocked = await wizardUntil(demo, id, ["failed", "completed", "blocked"], 60_000);
      expect(blocked.state).toBe("blocked");
      const errors = (
        blocked.findings as { severity: string; realm: string; check: string; problem: string }[]
      ).filter((f) => f.severity === "error");
      expect(errors).toEqual([
        expect.objectContaining({
          realm: "realm-b",
          check: "portInUse",
          problem: expect.stringContaining(`Port ${taken} `),
        }),
      ]);
      expect(blocked.steps.slice(1).every((s: { status: string }) => s.status === "pending")).toBe(
        true,
      );
      // Nothing changed (the next test starts a wizard: a blocked one does not hold the cluster).
      for (const realm of REALMS) expect(await interfacesOf(realm)).toEqual(["nsp0"]);
      const status = (await demo.api.get("/clusters/demo/status")).body;
      expect(status.links.every((l: { protocol: string }) => l.protocol === "nsp")).toBe(true);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, 90_000);

  it("switches every link to TLSv1.3 with issued certificates; the old interfaces refuse plaintext links and still serve clients", async () => {
    const started = await demo.api.post("/wizards", {
      kind: "encrypt-inter-realm",
      cluster: "demo",
      options: { certificates: "issue", plaintext: "keep" },
    });
    expect(started.status, started.text).toBe(201);
    const id = started.body.id as string;
    const wizard = await wizardUntil(demo, id, ["completed", "failed", "blocked"], 150_000);
    expect(wizard.state, errorsOf(wizard)).toBe("completed");
    expect(wizard.steps.every((s: { status: string }) => s.status === "done")).toBe(true);
    const cutOvers = wizard.steps
      .map((s: { name: string }) => s.name)
      .filter((n: string) => n.startsWith("cut-over:"));
    expect(cutOvers).toHaveLength(3);
    // The master when the wizard started goes last; mastership may have moved since.
    expect(wizard.steps.find((s: { title: string }) => s.title.endsWith("(master)"))?.name).toBe(
      cutOvers[2],
    );

    const status = (await demo.api.get("/clusters/demo/status")).body;
    expect(status.status).toBe("Active");
    expect(status.links).toHaveLength(3);
    for (const link of status.links) {
      expect(link).toMatchObject({ protocol: "nsps", encrypted: true, tlsVersion: "TLSv1.3" });
      // The dialling realm checked its peer's certificate against the cluster trust store,
      // which every later member-list push (cut-overs, lock down) carried again.
      expect(link.verified).toBe(true);
    }
    const trustStoreId = (await demo.api.get("/clusters/demo")).body.trustStoreId;
    const truststore = (await demo.api.get(`/keystores/${trustStoreId}`)).body;
    expect(truststore.name).toBe("demo inter-realm truststore");

    // Every old nsp interface refuses a plaintext inter-realm hello, and still serves clients.
    for (const port of [demo.base, demo.base + 10, demo.base + 20]) {
      const refused = await hello(port, "inter-realm");
      expect(refused).toMatchObject({ type: "error", code: "INTER_REALM_NOT_ALLOWED" });
      expect((await hello(port, "client"))?.type).toBe("welcome");
    }

    const report = await demo.api.get(`/wizards/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.headers["content-disposition"]).toMatch(
      /^attachment; filename="?wizard-[0-9a-f-]+-report\.json"?$/,
    );
    expect(report.body.links).toHaveLength(3);
    const pairs = report.body.links.map((l: { from: string; to: string }) =>
      [l.from, l.to].sort().join("-"),
    );
    expect(new Set(pairs)).toEqual(
      new Set(["realm-a-realm-b", "realm-a-realm-c", "realm-b-realm-c"]),
    );
    for (const link of report.body.links) {
      expect(link).toMatchObject({ protocol: "nsps", tlsVersion: "TLSv1.3" });
      expect(link.cipher).toMatch(/^TLS_/);
      expect(link.peerCertificateSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      expect(link.peerCertificateVerified).toBe(true);
    }
    expect(report.body.lockedDown).toEqual(
      expect.arrayContaining(REALMS.map((realm) => ({ realm, alias: "nsp0", refused: true }))),
    );
    // The peer certificate of each link is the one the wizard issued to that realm.
    const keystores = (await demo.api.get("/keystores")).body.items as {
      id: string;
      name: string;
    }[];
    for (const link of report.body.links) {
      const issued = keystores.find((k) => k.name === `demo ${link.to} inter-realm`)!;
      const entries = (await demo.api.get(`/keystores/${issued.id}/entries`)).body.items;
      expect(entries.map((e: { sha256: string }) => e.sha256)).toContain(
        link.peerCertificateSha256,
      );
    }

    const audit = (await demo.api.get(`/audit?target=wizard:${id}&limit=500`)).body.items.map(
      (e: { action: string }) => e.action,
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        "wizard.create",
        "wizard.step.start",
        "wizard.step.done",
        "wizard.complete",
      ]),
    );
    for (const realm of REALMS) {
      expect(await interfacesOf(realm)).toEqual(["nsp0", "nsps-interrealm", "nsps-clients"]);
    }
  }, 180_000);

  it("rolls the completed switch back: plaintext links, the previous interfaces, the previous member list", async () => {
    const latest = ((await demo.api.get("/wizards")).body as { id: string; state: string }[]).find(
      (w) => w.state === "completed",
    );
    expect(latest).toBeDefined();
    const res = await demo.api.post(`/wizards/${latest!.id}/rollback`);
    expect(res.status, res.text).toBe(200);
    const wizard = await wizardUntil(demo, latest!.id, ["rolledBack", "failed"], 150_000);
    expect(wizard.state, errorsOf(wizard)).toBe("rolledBack");
    expect(wizard.steps.every((s: { status: string }) => s.status === "rolledBack")).toBe(true);
    for (const realm of REALMS) expect(await interfacesOf(realm)).toEqual(["nsp0"]);
    const members = (await demo.api.get("/clusters/demo")).body.members as {
      addresses: string[];
    }[];
    expect(members.map((m) => m.addresses)).toEqual([
      [`nsp://127.0.0.1:${demo.base}`],
      [`nsp://127.0.0.1:${demo.base + 10}`],
      [`nsp://127.0.0.1:${demo.base + 20}`],
    ]);
    const status = await until(
      "three plaintext links",
      async () => {
        const s = (await demo.api.get("/clusters/demo/status")).body;
        return s.status === "Active" && s.links.length === 3 ? s : undefined;
      },
      20_000,
    );
    for (const link of status.links)
      expect(link).toMatchObject({ protocol: "nsp", encrypted: false, verified: false });
    // The cluster trust store the switch set is gone again, as before it.
    expect((await demo.api.get("/clusters/demo")).body.trustStoreId).toBeNull();
  }, 180_000);

  it("never shows a password or a private key in wizard answers, the audit log or the logs", async () => {
    const texts = [
      (await demo.api.get("/wizards")).text,
      (await demo.api.get("/audit?limit=500")).text,
      demo.out.join(""),
    ];
    for (const text of texts) {
      expect(text).not.toContain(KEYSTORE_PASSWORD);
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
    expect(texts[0]).not.toMatch(/"(password|snapshot)"/);
  });
});
