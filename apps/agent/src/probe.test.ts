import { X509Certificate } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tls from "node:tls";
import { fileURLToPath } from "node:url";
import { type Issued, makeCa, makeLeaf } from "@conclave/pki/test-support";
import { RealmConfigSchema } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { runProbe } from "./probe.js";
import { Supervisor } from "./supervisor.js";

const realmEntry = fileURLToPath(new URL("../../realm/dist/main.js", import.meta.url));

/** Listens on 127.0.0.1, port 0; resolves with the port. */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("POST /v1/probe", () => {
  let dir: string;
  let ca: Issued;
  let otherCa: Issued;
  let leaf: Issued;
  let tlsServer: tls.Server;
  let tlsPort: number;
  let stateDir: string;
  let supervisor: Supervisor;
  const servers: net.Server[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "conclave-agent-probe-"));
    ca = await makeCa(dir, "probe-ca");
    otherCa = await makeCa(dir, "other-ca");
    leaf = await makeLeaf(dir, ca, "realm-host");
    tlsServer = tls.createServer({ key: leaf.keyPem, cert: leaf.certPem + ca.certPem }, (s) =>
      s.end(),
    );
    tlsPort = await listen(tlsServer);
    stateDir = await mkdtemp(join(tmpdir(), "conclave-agent-probe-state-"));
    supervisor = await Supervisor.open({ stateDir, realmEntry });
  });
  afterAll(async () => {
    await supervisor?.shutdown();
    tlsServer?.close();
    for (const server of servers) server.close();
    await rm(dir, { recursive: true, force: true });
    await rm(stateDir, { recursive: true, force: true });
  });

  it("tls: a real handshake, verified against the CA, with the certificate and chain served", async () => {
    const result = await runProbe({
      kind: "tls",
      host: "127.0.0.1",
      port: tlsPort,
      caPem: ca.certPem,
    });
    expect(result).toEqual({
      ok: true,
      tlsVersion: "TLSv1.3",
      cipher: expect.stringMatching(/^TLS_/),
      peerCertificateSha256: new X509Certificate(leaf.certPem).fingerprint256,
      chainSubjects: ["CN=realm-host", "CN=probe-ca"],
    });
  });

  it("tls: another CA, a name the certificate does not cover, and no listener are not ok, with the reason", async () => {
    const untrusted = await runProbe({
      kind: "tls",
      host: "127.0.0.1",
      port: tlsPort,
      caPem: otherCa.certPem,
    });
    expect(untrusted).toMatchObject({
      ok: false,
      tlsVersion: "TLSv1.3",
      peerCertificateSha256: new X509Certificate(leaf.certPem).fingerprint256,
      error: expect.stringMatching(/does not chain to the given CA/),
    });
    const wrongName = await runProbe({
      kind: "tls",
      host: "127.0.0.1",
      port: tlsPort,
      servername: "realm9.example.com",
      caPem: ca.certPem,
    });
    expect(wrongName).toMatchObject({ ok: false, error: expect.stringMatching(/realm9/) });
    const nobody = await runProbe({ kind: "tls", host: "127.0.0.1", port: await closedPort() });
    expect(nobody).toMatchObject({
      ok: false,
      tlsVersion: null,
      peerCertificateSha256: null,
      error: expect.stringMatching(/ECONNREFUSED/),
    });
  });

  it("tls: a server that never answers the handshake gives up within the timeout", async () => {
    const silent = net.createServer(() => {});
    servers.push(silent);
    const port = await listen(silent);
    const started = Date.now();
    const result = await runProbe({ kind: "tls", host: "127.0.0.1", port }, 300);
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/within 300 ms/) });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("interRealmHello: refused by a realm interface without Allow for InterRealm, accepted by one with it", async () => {
    const realm = await supervisor.create({
      name: "probed",
      config: RealmConfigSchema.parse({
        name: "probed",
        interfaces: [
          {
            name: "clients",
            protocol: "nsp",
            bindAddress: "127.0.0.1",
            port: 0,
            allowForInterRealm: false,
          },
          { name: "peers", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 },
        ],
      }),
    });
    const status = await realm.admin.status();
    const port = (name: string) => status.interfaces.find((i) => i.name === name)!.boundPort!;

    expect(
      await runProbe({ kind: "interRealmHello", host: "127.0.0.1", port: port("clients") }),
    ).toEqual({
      accepted: false,
      refusal: {
        code: "INTER_REALM_NOT_ALLOWED",
        message: expect.stringMatching(/clients does not allow inter-realm/),
      },
    });
    expect(
      await runProbe({ kind: "interRealmHello", host: "127.0.0.1", port: port("peers") }),
    ).toEqual({ accepted: true, refusal: null });
    expect(
      await runProbe({ kind: "interRealmHello", host: "127.0.0.1", port: await closedPort() }),
    ).toMatchObject({ accepted: false, refusal: { code: "CONNECTION_REFUSED" } });
  });

  it("interRealmHello: silence is a TIMEOUT, not an acceptance", async () => {
    const silent = net.createServer(() => {});
    servers.push(silent);
    const port = await listen(silent);
    expect(await runProbe({ kind: "interRealmHello", host: "127.0.0.1", port }, 300)).toEqual({
      accepted: false,
      refusal: { code: "TIMEOUT", message: "No answer to the hello within 300 ms" },
    });
  });

  it("portFree: a port in use is not free, with the reason; once released it is", async () => {
    const holder = net.createServer();
    const port = await listen(holder);
    expect(await runProbe({ kind: "portFree", host: "127.0.0.1", port })).toEqual({
      free: false,
      error: `EADDRINUSE: port ${port} on 127.0.0.1 is in use`,
    });
    await new Promise((resolve) => holder.close(resolve));
    expect(await runProbe({ kind: "portFree", host: "127.0.0.1", port })).toEqual({ free: true });
  });

  it("refuses a body that is not a probe (the router answers 400 VALIDATION)", async () => {
    await expect(runProbe({ kind: "ping", host: "127.0.0.1", port: 1 })).rejects.toThrow(ZodError);
    await expect(runProbe({ kind: "portFree", host: "127.0.0.1", port: 70000 })).rejects.toThrow(
      ZodError,
    );
  });
});
