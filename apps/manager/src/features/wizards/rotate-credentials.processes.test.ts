import { generateCsr } from "@conclave/pki";
import { RealmClient, type RealmEvent } from "@conclave/realm-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootDemo, DEMO_REALMS, type Demo, until } from "../../testing/boot-demo.js";
import { ClusterLoad } from "../../testing/cluster-load-run.js";
import { caPem, keystoreShas, tlsPorts } from "../../testing/demo-credentials.js";
import { handshake } from "../../testing/tls-handshake.js";
import { errorsOf, switchToTls, wizardUntil } from "../../testing/wizard-polling.js";
import { probeClientCertificate } from "./rotate-probes.js";

/**
 * Issue 7's credential rotation with real processes (manager, agent, three realms on loopback,
 * booted as `npm start` boots them): refused on plaintext links; after the encryption switch,
 * the rotation trusts a new CA, swaps every leaf with a hot reload, drops the old CA, and new
 * handshakes to every nsps interface present the new chain while links report the new
 * certificates; rollback brings the previous ones back; under bounded load on every realm
 * (the manager's cluster-load harness, plus a client session over TLS) nothing is lost and no
 * session is dropped.
 */
const PASSWORD = "rotation process test admin passphrase";

type Step = { name: string; title: string; status: string; error: string | null };
type Link = { from: string; to: string; protocol: string; tlsVersion: string | null };

describe("rotate-credentials wizard with real processes", () => {
  let demo: Demo;
  const oldCaPem = { value: "" };
  const oldTrustStoreId = { value: "" };
  const oldServed = new Map<number, string>();
  let rotationId = "";

  /** A client certificate signed through the API by the CA named `name`. */
  const clientCertificate = async (name: string) => {
    const cas = (await demo.api.get("/pki/cas")).body.items as { id: string; name: string }[];
    const ca = cas.find((c) => c.name === name)!;
    const { csrPem, privateKeyPem } = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: { commonName: "rotation-test-client" },
      extendedKeyUsage: ["clientAuth"],
    });
    const signed = await demo.api.post(`/pki/cas/${ca.id}/sign`, { csr: csrPem, validityDays: 1 });
    expect(signed.status, signed.text).toBe(200);
    return { key: privateKeyPem, cert: signed.body.chainPem as string };
  };

  beforeAll(async () => {
    demo = await bootDemo({ password: PASSWORD });
    const formed = await demo.api.post("/clusters", { name: "demo", realms: DEMO_REALMS });
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

  it("pre-flight refuses a cluster still on plaintext links, naming the fix, and changes nothing", async () => {
    const started = await demo.api.post("/wizards", {
      kind: "rotate-credentials",
      cluster: "demo",
      options: { certificates: "issue" },
    });
    expect(started.status, started.text).toBe(201);
    const wizard = await wizardUntil(
      demo,
      started.body.id,
      ["blocked", "completed", "failed"],
      30_000,
    );
    expect(wizard.state).toBe("blocked");
    const errors = (wizard.findings as { severity: string; check: string; fix: string }[]).filter(
      (f) => f.severity === "error",
    );
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((f) => f.check === "tlsPolicy")).toBe(true);
    expect(errors[0]!.fix).toMatch(/encrypt-inter-realm/);
    expect((wizard.steps as Step[]).slice(1).every((s) => s.status === "pending")).toBe(true);
    const cas = (await demo.api.get("/pki/cas")).body.items as { name: string }[];
    expect(cas.some((c) => c.name.startsWith("demo inter-realm CA "))).toBe(false);
  }, 60_000);

  it("after the encryption switch, rotates every leaf to a new CA: new handshakes present the new chain, links the new certificates", async () => {
    const encrypted = await switchToTls(demo, 120_000);
    expect(encrypted.state, errorsOf(encrypted)).toBe("completed");
    oldCaPem.value = await caPem(demo, "demo inter-realm CA");
    oldTrustStoreId.value = (await demo.api.get("/clusters/demo")).body.trustStoreId;
    expect((await demo.api.get(`/keystores/${oldTrustStoreId.value}`)).body.name).toBe(
      "demo inter-realm truststore",
    );
    // One interface that validates client certificates: where dropping the old CA shows.
    const clients = (await demo.api.get("/realms/realm-b/interfaces/nsps-clients")).body;
    const validating = await demo.api.put("/realms/realm-b/interfaces/nsps-clients", {
      protocol: clients.protocol,
      bindAddress: clients.bindAddress,
      port: clients.port,
      autostart: clients.autostart,
      allowInterRealm: clients.allowInterRealm,
      allowClientConnections: clients.allowClientConnections,
      certificates: { ...clients.certificates, enableClientCertValidation: true },
    });
    expect(validating.status, validating.text).toBe(200);
    const oldClient = await clientCertificate("demo inter-realm CA");
    expect((await probeClientCertificate("127.0.0.1", clients.port, oldClient)).accepted).toBe(
      true,
    );
    const ports = await tlsPorts(demo);
    expect(ports).toHaveLength(6);
    for (const { port } of ports) {
      const before = await handshake(port, oldCaPem.value);
      expect(before.authorized, before.error ?? "").toBe(true);
      oldServed.set(port, before.sha256);
    }

    const started = await demo.api.post("/wizards", {
      kind: "rotate-credentials",
      cluster: "demo",
      options: { certificates: "issue" },
    });
    expect(started.status, started.text).toBe(201);
    rotationId = started.body.id;
    const wizard = await wizardUntil(demo, rotationId, ["completed", "failed", "blocked"], 180_000);
    expect(wizard.state, errorsOf(wizard)).toBe("completed");
    const names = (wizard.steps as Step[]).map((s) => s.name);
    expect(names[0]).toBe("preflight");
    expect(names[1]).toBe("trust-new-ca");
    expect(names.filter((n) => n.startsWith("swap-leaf:"))).toHaveLength(3);
    expect(names.slice(-2)).toEqual(["drop-old-ca", "report"]);
    expect((wizard.steps as Step[]).find((s) => s.title.endsWith("(master)"))?.name).toBe(names[4]);

    const newCaPem = await caPem(demo, `demo inter-realm CA ${rotationId.slice(0, 8)}`);
    const issued = new Map<string, string[]>();
    for (const realm of DEMO_REALMS) {
      issued.set(
        realm,
        await keystoreShas(demo, `demo ${realm} inter-realm ${rotationId.slice(0, 8)}`),
      );
    }
    for (const { realm, alias, port } of await tlsPorts(demo)) {
      const after = await handshake(port, newCaPem);
      expect(after.authorized, `${realm}/${alias}: ${after.error}`).toBe(true);
      expect(after.sha256).not.toBe(oldServed.get(port));
      expect(issued.get(realm)).toContain(after.sha256);
      // A peer that still trusts only the old CA refuses the new chain.
      expect((await handshake(port, oldCaPem.value)).authorized).toBe(false);
    }

    const status = (await demo.api.get("/clusters/demo/status")).body;
    expect(status.status).toBe("Active");
    expect(status.links).toHaveLength(3);
    for (const link of status.links) {
      expect(link).toMatchObject({
        protocol: "nsps",
        encrypted: true,
        tlsVersion: "TLSv1.3",
        verified: true,
      });
    }
    // Peers now hold each other to the new CA only; while leaves were swapped they accepted both.
    const trustStoreId = (await demo.api.get("/clusters/demo")).body.trustStoreId;
    expect((await demo.api.get(`/keystores/${trustStoreId}`)).body.name).toBe(
      `demo inter-realm truststore ${rotationId.slice(0, 8)}`,
    );
    const trustNewCa = (wizard.steps as (Step & { evidence: { message: string }[] })[]).find(
      (s) => s.name === "trust-new-ca",
    )!;
    expect(trustNewCa.evidence.map((e) => e.message).join("\n")).toMatch(
      /Cluster trust store: demo cluster trust store .* \(old and new CA\) \(2 CA certificates\)/,
    );
    const report = await demo.api.get(`/wizards/${rotationId}/report`);
    expect(report.status).toBe(200);
    expect(report.body.links).toHaveLength(3);
    for (const link of report.body.links as (Link & { peerCertificateSha256: string })[]) {
      expect(link).toMatchObject({ protocol: "nsps", tlsVersion: "TLSv1.3" });
      expect(issued.get(link.to)).toContain(link.peerCertificateSha256);
    }
    const drop = (wizard.steps as (Step & { evidence: { message: string }[] })[]).find(
      (s) => s.name === "drop-old-ca",
    )!;
    expect(drop.evidence.some((e) => /refused by the old CA/.test(e.message))).toBe(true);
    const said = drop.evidence.map((e) => e.message).join("\n");
    expect(said).toMatch(/nsps-clients: a client certificate from the old CA .* is refused/);
    expect(said).toMatch(/nsps-clients: a client certificate from the new CA .* is accepted/);
    // Independently: the interface that validates client certificates now refuses the old
    // CA's and takes the new CA's.
    const clientsPort = (await tlsPorts(demo)).find(
      (x) => x.realm === "realm-b" && x.alias === "nsps-clients",
    )!.port;
    const refused = await probeClientCertificate(
      "127.0.0.1",
      clientsPort,
      await clientCertificate("demo inter-realm CA"),
    );
    expect(refused.accepted, refused.detail).toBe(false);
    const taken = await probeClientCertificate(
      "127.0.0.1",
      clientsPort,
      await clientCertificate(`demo inter-realm CA ${rotationId.slice(0, 8)}`),
    );
    expect(taken.accepted, taken.detail).toBe(true);
  }, 420_000);

  it("rolls the rotation back: the previous certificates are served and seen on the links again", async () => {
    const res = await demo.api.post(`/wizards/${rotationId}/rollback`);
    expect(res.status, res.text).toBe(200);
    const wizard = await wizardUntil(demo, rotationId, ["rolledBack", "failed"], 180_000);
    expect(wizard.state, errorsOf(wizard)).toBe("rolledBack");
    for (const { realm, alias, port } of await tlsPorts(demo)) {
      const back = await handshake(port, oldCaPem.value);
      expect(back.authorized, `${realm}/${alias}: ${back.error}`).toBe(true);
      expect(back.sha256).toBe(oldServed.get(port));
    }
    const links = await until(
      "links with the previous certificates",
      async () => {
        const s = (await demo.api.get("/clusters/demo/status")).body;
        return s.status === "Active" && s.links.length === 3 ? s.links : undefined;
      },
      20_000,
    );
    for (const link of links) {
      expect(link).toMatchObject({ protocol: "nsps", encrypted: true, verified: true });
    }
    expect((await demo.api.get("/clusters/demo")).body.trustStoreId).toBe(oldTrustStoreId.value);
  }, 240_000);

  it("rotates again under bounded load on every realm: nothing lost or repeated, no client session dropped", async () => {
    const load = await ClusterLoad.start({
      realms: DEMO_REALMS.map((name, i) => ({
        name,
        url: `nsp://127.0.0.1:${demo.base + i * 10}`,
      })),
      channel: "rotation",
      marker: "Rot8Marker",
      rate: 100,
      maxEvents: 20_000,
      maxSeconds: 120,
    });
    // A client session over TLS, opened with the credentials of before: the hot reloads must
    // not drop it.
    const tlsPort = (await tlsPorts(demo)).find(
      (x) => x.realm === "realm-c" && x.alias === "nsps-clients",
    )!.port;
    const tlsClient = await RealmClient.connect(`nsps://127.0.0.1:${tlsPort}`, {
      tls: { ca: oldCaPem.value },
      timeoutMs: 5_000,
    });
    let dropped: unknown = null;
    void tlsClient.closed.then((reason) => {
      if (reason) dropped = reason;
    });
    const overTls: string[] = [];
    await tlsClient.subscribe("rotation", { from: "earliest" }, (event: RealmEvent) =>
      overTls.push(event.eventId),
    );
    try {
      await load.ackedMore(300);
      const started = await demo.api.post("/wizards", {
        kind: "rotate-credentials",
        cluster: "demo",
        options: { certificates: "issue" },
      });
      expect(started.status, started.text).toBe(201);
      const id = started.body.id as string;
      const wizard = await wizardUntil(demo, id, ["completed", "failed", "blocked"], 180_000);
      expect(wizard.state, errorsOf(wizard)).toBe("completed");
      await load.ackedMore(300);
      const receivedDuring = overTls.length;
      await load.stopPublishing();
      const problems = await load.verify();
      // Exactly once and in each publisher's order, also across the links' re-handshakes.
      expect(problems, load.summary()).toEqual([]);
      expect(dropped).toBeNull();
      expect(overTls.length).toBeGreaterThan(receivedDuring);
      expect(new Set(overTls).size).toBe(overTls.length);
      const issued = new Map<string, string[]>();
      for (const realm of DEMO_REALMS) {
        issued.set(realm, await keystoreShas(demo, `demo ${realm} inter-realm ${id.slice(0, 8)}`));
      }
      const report = (await demo.api.get(`/wizards/${id}/report`)).body;
      expect(report.links).toHaveLength(3);
      for (const link of report.links as (Link & { peerCertificateSha256: string })[]) {
        expect(link).toMatchObject({ protocol: "nsps", tlsVersion: "TLSv1.3" });
        expect(issued.get(link.to)).toContain(link.peerCertificateSha256);
      }
    } finally {
      await load.close();
      await tlsClient.close();
    }
  }, 300_000);

  it("never shows a password or a private key in wizard answers, the audit log or the logs", async () => {
    const texts = [
      (await demo.api.get("/wizards")).text,
      (await demo.api.get("/audit?limit=500")).text,
      demo.out.join(""),
    ];
    for (const text of texts) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toMatch(/PRIVATE KEY/);
    }
    expect(texts[0]).not.toMatch(/"(password|snapshot)"/);
  });
});
