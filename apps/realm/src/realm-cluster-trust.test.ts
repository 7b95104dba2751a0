import { X509Certificate } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeCa, makeLeaf } from "@conclave/pki/test-support";
import type { ClusterConfigInput, ClusterStatus } from "@conclave/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { waitFor } from "./test-support/cluster-fixture.js";
import { cleanUp, type RealmProcess, startRealm, tempDir } from "./test-support/realm-process.js";

afterAll(cleanUp);

const FAST = ["--fsync", "never"];

/**
 * Two realms: "ta-one" dials "tb-two" (names sort that way) over nsps, and verifies tb-two's
 * certificate (issued by CA B) against its cluster trust store, a file changed in place.
 */
describe("cluster trust store on inter-realm TLS links", () => {
  it("refuses a peer certificate from another CA with the reason, links once the trust store (hot reloaded) has the right CA, keeps valid links across reloads and drops one no longer trusted", async () => {
    const dir = await tempDir("cluster-trust-");
    const caA = await makeCa(dir, "ca-a");
    const caB = await makeCa(dir, "ca-b");
    const leafB = await makeLeaf(dir, caB, "tb-two-server");
    const keyStorePath = path.join(dir, "tb-two.pem");
    await writeFile(keyStorePath, leafB.keyPem + leafB.certPem);
    const trustPath = path.join(dir, "cluster-trust.pem");
    await writeFile(trustPath, caA.certPem);

    const one = await startRealm({
      config: {
        name: "ta-one",
        interfaces: [{ name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 }],
      },
      args: FAST,
    });
    const two = await startRealm({
      config: {
        name: "tb-two",
        interfaces: [
          {
            name: "nsps0",
            protocol: "nsps",
            bindAddress: "127.0.0.1",
            port: 0,
            tls: { keyStorePath },
          },
        ],
      },
      args: FAST,
    });
    const key = (realm: RealmProcess) => readFile(path.join(realm.dataDir, "identity.pub"), "utf8");
    const twoAddress = `nsps://127.0.0.1:${await two.port("nsps0")}`;
    const config: ClusterConfigInput = {
      name: "trusty",
      members: [
        { name: "ta-one", addresses: [], publicKey: await key(one) },
        { name: "tb-two", addresses: [twoAddress], publicKey: await key(two) },
      ],
    };
    await two.admin.setCluster(config);
    await one.admin.setCluster({ ...config, trustStorePath: trustPath });

    const established = (status: ClusterStatus) =>
      status.links.filter((l) => l.peer === "tb-two" && l.state === "established");

    // 1. CA A only: tb-two's certificate (CA B) is refused, visibly.
    const refused = await waitFor("a refusal of tb-two's certificate", async () => {
      const status = await one.admin.cluster();
      return status.refusals.find((r) => r.peer === "tb-two") && status;
    });
    expect(refused.refusals.at(-1)?.reason).toMatch(
      new RegExp(
        `^refused: the certificate realm tb-two serves at ${twoAddress.replace(/[.]/g, "\\.")} is not trusted by the cluster trust store \\(.+\\); give tb-two a certificate from a CA in the trust store, or add its CA to the trust store$`,
      ),
    );
    expect(established(refused)).toEqual([]);
    expect(refused.members.find((m) => m.name === "tb-two")?.state).toBe("disconnected");
    expect(refused.trustStore?.certificates.map((c) => c.subject)).toEqual(["CN=ca-a"]);
    await one.waitForEvent(
      "cluster.link-refused",
      (e) => e.code === "PEER_CERTIFICATE_UNTRUSTED" && e.peer === "tb-two",
    );

    // 2. The same file now holds CA B; PUT /cluster reloads it live: the link comes up, verified.
    await writeFile(trustPath, caB.certPem);
    await one.admin.setCluster({ ...config, trustStorePath: trustPath });
    await one.waitForEvent("cluster.trust-reloaded");
    const linked = await waitFor("an established link to tb-two", async () => {
      const [link] = established(await one.admin.cluster());
      return link;
    });
    expect(linked).toMatchObject({
      direction: "outbound",
      protocol: "nsps",
      encrypted: true,
      peerCertificateFingerprintSha256: new X509Certificate(leafB.certPem).fingerprint256,
    });

    // 3. A new bundle that still holds CA B: the established link is untouched.
    const linkUps = () => one.events("cluster.link-up").length;
    const upsBefore = linkUps();
    await writeFile(trustPath, caA.certPem + caB.certPem);
    const reloaded = await one.admin.setCluster({ ...config, trustStorePath: trustPath });
    expect(reloaded.trustStore?.certificates.map((c) => c.subject)).toEqual(["CN=ca-a", "CN=ca-b"]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const after = await one.admin.cluster();
    expect(established(after)).toEqual([
      expect.objectContaining({
        connectedSince: linked.connectedSince,
        remoteAddress: linked.remoteAddress,
      }),
    ]);
    expect(linkUps()).toBe(upsBefore);
    expect(one.events("cluster.link-down")).toEqual([]);

    // 4. CA B removed: the link whose certificate it no longer accepts is closed, with the reason.
    await writeFile(trustPath, caA.certPem);
    await one.admin.setCluster({ ...config, trustStorePath: trustPath });
    const dropped = await waitFor("the untrusted link closed", async () => {
      const status = await one.admin.cluster();
      return established(status).length === 0 && status;
    });
    expect(dropped.refusals.map((r) => r.reason)).toContainEqual(
      expect.stringMatching(
        /not trusted by the cluster trust store \(certificate "CN=tb-two-server" \(issuer "CN=ca-b"\) does not chain to a CA in the cluster trust store\)/,
      ),
    );
    // Passwords and key material never show: the realm's log has no PEM in it.
    expect(one.lines.join("\n")).not.toContain("BEGIN");
  });
});
