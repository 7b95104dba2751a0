import { generateKeyPairSync } from "node:crypto";
import { copyFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { makeCa, makeLeaf } from "@conclave/pki/test-support";
import { RealmClient } from "@conclave/realm-client";
import { afterAll, afterEach, describe, expect, it, onTestFailed } from "vitest";
import { TestCluster, waitFor } from "./test-support/cluster-fixture.js";
import { Collector, LoadPublisher } from "./test-support/cluster-load.js";
import { cleanUp, startRealm, tempDir } from "./test-support/realm-process.js";

const FAST = ["--fsync", "never"];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
});
afterAll(cleanUp);

/**
 * Starts a test cluster whose members' cluster log lines (links, elections, roles) are printed
 * when the test fails: a cluster that does not settle cannot be diagnosed from its last status.
 */
async function startCluster(...args: Parameters<typeof TestCluster.start>): Promise<TestCluster> {
  const cluster = await TestCluster.start(...args);
  onTestFailed(() => {
    for (const member of cluster.members.values()) {
      const lines = member.realm
        .events()
        .filter((e) => String(e.event).startsWith("cluster."))
        .map((e) => `${e.time} ${e.event} ${e.msg}`);
      console.error(`--- ${member.name} (cluster log) ---\n${lines.join("\n")}`);
    }
  });
  return cluster;
}

const nspUrl = (cluster: TestCluster, name: string) =>
  `nsp://127.0.0.1:${cluster.member(name).nspPort}`;

async function collect(cluster: TestCluster, name: string, channel: string) {
  const collector = await Collector.start(nspUrl(cluster, name), channel);
  closers.push(() => collector.close());
  return collector;
}

// Known flake: now and then three freshly started realms did not agree on a master within 20 s
// on a loaded 2-core machine (seen 1 run in ~10). Fixed since (apps/realm/src/cluster): a member
// dialled before its PUT /cluster finished held that link back 5 s; on a busy disk an election
// ended just before its votes (each saved first) came back, and the next began in a new term;
// a starved realm decided on timers before reading its peers' heartbeats and deposed a healthy
// master. A 20 s failure was not reproduced, and under heavy load a master still steps down
// now and then (which these tests' timings do not allow for), so the retry stays for now. A
// retry starts a fresh cluster; a real regression still fails every attempt.
// CONCLAVE_CLUSTER_RETRIES=0 shows every failure: the timeout message lists what each realm
// saw, and every realm's cluster log is printed.
const CLUSTER_RETRIES = Number(process.env.CONCLAVE_CLUSTER_RETRIES ?? 2);

describe("a three-realm cluster", { retry: CLUSTER_RETRIES }, () => {
  it("elects one master, fails over within 5 s of a kill -9, and the old master rejoins and recovers", async () => {
    const cluster = await startCluster(["alpha", "bravo", "charlie"], { args: FAST });
    const master = await cluster.waitForMaster();
    const statuses = await cluster.statuses();
    expect(statuses.filter((s) => s.role === "master").map((s) => s.realm)).toEqual([master]);
    for (const status of statuses) {
      expect(status).toMatchObject({
        cluster: "test-cluster",
        master,
        connectedServers: 2,
        disconnectedServers: 0,
        quorum: { members: 3, reachable: 3, required: 2, margin: 1, hasQuorum: true },
      });
      expect(status.links.filter((l) => l.state === "established")).toHaveLength(2);
    }
    const summary = (await cluster.member(master).realm.admin.status()).cluster;
    expect(summary).toMatchObject({ role: "master", master, hasQuorum: true, connectedServers: 2 });

    const survivors = ["alpha", "bravo", "charlie"].filter((n) => n !== master);
    const publishers = survivors.map(
      (name) =>
        new LoadPublisher(() => nspUrl(cluster, name), "orders", `via-${name}`, {
          rate: 200,
          maxEvents: 1_200,
          maxSeconds: 6,
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const killedAt = Date.now();
    await cluster.kill(master);
    const newMaster = await cluster.waitForMaster(survivors, 5_000);
    const failover = Date.now() - killedAt;
    expect(survivors).toContain(newMaster);
    expect(failover).toBeLessThan(5_000);
    for (const publisher of publishers) await publisher.finished();
    const acked = publishers.flatMap((p) => [...p.acked]);
    // Clients on the survivors kept publishing through the fail-over: every event was acknowledged.
    expect(acked.length).toBe(publishers.reduce((sum, p) => sum + p.sent, 0));
    for (const publisher of publishers) {
      expect(publisher.sent).toBeGreaterThan(1_000);
      expect(publisher.lastAckAt).toBeGreaterThan(killedAt + 2_000);
    }

    // The old master restarts on its data directory, follows, and recovers what it missed.
    await cluster.startMember(master);
    await cluster.waitForMaster(undefined, 20_000);
    const rejoined = await cluster.member(master).realm.admin.cluster();
    expect(rejoined.role).toBe("follower");
    expect(rejoined.master).toBe(newMaster);
    for (const name of ["alpha", "bravo", "charlie"]) {
      const collector = await collect(cluster, name, "orders");
      await waitFor(`${name} delivers every acknowledged event`, () =>
        collector.has(acked).length === 0 ? true : undefined,
      );
      expect(collector.problems()).toEqual([]);
    }
  });
});

describe("quorum", { retry: CLUSTER_RETRIES }, () => {
  it("refuses publishes without quorum when two of three die, and resumes with nothing acknowledged lost", async () => {
    const cluster = await startCluster(["kilo", "lima", "mike"], { args: FAST });
    const master = await cluster.waitForMaster();
    const survivor = ["kilo", "lima", "mike"].find((n) => n !== master)!;
    const victims = ["kilo", "lima", "mike"].filter((n) => n !== survivor);
    const client = await RealmClient.connect(nspUrl(cluster, survivor));
    closers.push(() => client.close());
    const acked: string[] = [];
    for (let i = 0; i < 200; i++) {
      const result = await client.publish("ledger", `entry ${i}`, { eventId: `before-${i}` });
      expect(result.seq).toBe(i + 1);
      acked.push(`before-${i}`);
    }

    await Promise.all(victims.map((name) => cluster.kill(name)));
    const lost = await waitFor(`${survivor} reports no quorum`, async () => {
      const status = await cluster.member(survivor).realm.admin.cluster();
      return !status.quorum.hasQuorum && status.role !== "master" ? status : undefined;
    });
    expect(lost).toMatchObject({
      master: null,
      connectedServers: 0,
      disconnectedServers: 2,
      quorum: { reachable: 1, required: 2, margin: -1, hasQuorum: false },
    });
    expect(lost.members.filter((m) => !m.self).map((m) => m.state)).toEqual([
      "disconnected",
      "disconnected",
    ]);
    const refused = await client.publish("ledger", "x", { eventId: "during" }).catch((e) => e);
    expect(refused).toMatchObject({ code: "NO_QUORUM", fatal: false });
    expect(refused.message).toMatch(
      new RegExp(
        `Realm ${survivor} has no quorum in cluster test-cluster: 1 of 3 members reachable, 2 needed`,
      ),
    );

    await cluster.startMember(victims[0]!);
    await cluster.waitForMaster([survivor, victims[0]!]);
    for (let i = 0; i < 100; i++) {
      await client.publish("ledger", `entry after ${i}`, { eventId: `after-${i}` });
      acked.push(`after-${i}`);
    }
    for (const name of [survivor, victims[0]!]) {
      const collector = await collect(cluster, name, "ledger");
      await waitFor(`${name} delivers every acknowledged event`, () =>
        collector.has(acked).length === 0 ? true : undefined,
      );
      expect(collector.problems()).toEqual([]);
      expect(collector.events.length).toBe(acked.length);
    }
  });

  it("lets a two-realm cluster with a prime site survive the loss of the non-prime realm only", async () => {
    const cluster = await startCluster(["papa", "quebec"], {
      args: FAST,
      sites: [
        { name: "east", members: ["papa"] },
        { name: "west", members: ["quebec"] },
      ],
      primeSite: "east",
    });
    await cluster.waitForMaster();
    await cluster.kill("quebec");
    const alone = await waitFor("papa is master on its own", async () => {
      const status = await cluster.member("papa").realm.admin.cluster();
      return status.role === "master" && status.disconnectedServers === 1 ? status : undefined;
    });
    expect(alone.quorum).toMatchObject({ reachable: 1, required: 1, margin: 0, hasQuorum: true });
    const client = await RealmClient.connect(nspUrl(cluster, "papa"));
    closers.push(() => client.close());
    expect((await client.publish("sites", "still serving")).seq).toBe(1);

    // The other way round, quebec alone (50 % without the prime site) is no quorum.
    await cluster.startMember("quebec");
    await cluster.waitForMaster();
    await cluster.kill("papa");
    const quebec = await waitFor("quebec reports no quorum", async () => {
      const status = await cluster.member("quebec").realm.admin.cluster();
      return !status.quorum.hasQuorum && status.role !== "master" ? status : undefined;
    });
    expect(quebec.quorum).toMatchObject({ reachable: 1, required: 2 });
  });
});

describe("identity handshake", { retry: CLUSTER_RETRIES }, () => {
  it("refuses a realm with an unknown identity key and a second realm with a member's name", async () => {
    const cluster = await startCluster(["india", "juliet", "kappa"], { args: FAST });
    const stranger = generateKeyPairSync("ed25519")
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    // india and juliet were told a different key for kappa than kappa's own.
    const config = cluster.config();
    const wrong = {
      ...config,
      members: config.members.map((m) => (m.name === "kappa" ? { ...m, publicKey: stranger } : m)),
    };
    await cluster.member("india").realm.admin.setCluster(wrong);
    await cluster.member("juliet").realm.admin.setCluster(wrong);
    await cluster.waitForMaster(["india", "juliet"]);
    const india = await waitFor("india refuses kappa", async () => {
      const status = await cluster.member("india").realm.admin.cluster();
      return status.refusals.length > 0 ? status : undefined;
    });
    expect(india.refusals.at(-1)?.reason).toMatch(
      /^refused: realm kappa presented an unknown identity key \(SHA-256 [0-9a-f]{64}\)/,
    );
    expect(india.members.find((m) => m.name === "kappa")?.state).toBe("disconnected");
    const kappa = await waitFor("kappa sees the refusal", async () => {
      const status = await cluster.member("kappa").realm.admin.cluster();
      return status.refusals.length > 0 ? status : undefined;
    });
    expect(kappa.refusals.at(-1)?.reason).toMatch(
      /^refused by (india|juliet): refused: realm kappa presented an unknown identity key/,
    );

    // A copy of india's data directory (same name, same key) is a second process named india.
    const cloneDir = await tempDir("realm-clone-");
    await copyFile(
      path.join(cluster.member("india").dataDir, "identity.key"),
      path.join(cloneDir, "identity.key"),
    );
    await copyFile(
      path.join(cluster.member("india").dataDir, "realm.json"),
      path.join(cloneDir, "realm.json"),
    );
    const clone = await startRealm({ dataDir: cloneDir, args: FAST });
    const juliet = await waitFor("juliet refuses the duplicate", async () => {
      const status = await cluster.member("juliet").realm.admin.cluster();
      return status.refusals.some((r) => r.reason.includes("duplicate")) ? status : undefined;
    });
    expect(juliet.refusals.find((r) => r.reason.includes("duplicate"))?.reason).toMatch(
      /^refused: duplicate realm name india: another process of realm india is already linked/,
    );
    // The clone also refuses kappa's unknown key, so look for juliet's refusal among them all.
    const cloneRefusals = await waitFor("the clone learns juliet refused it", async () => {
      const { refusals } = await clone.admin.cluster();
      return refusals.some((r) => r.reason.startsWith("refused by juliet")) ? refusals : undefined;
    });
    expect(cloneRefusals.map((r) => r.reason)).toContainEqual(
      expect.stringMatching(/^refused by juliet: refused: duplicate realm name india/),
    );
    // The real india keeps its link.
    expect((await cluster.member("juliet").realm.admin.cluster()).members).toContainEqual(
      expect.objectContaining({ name: "india", state: "connected" }),
    );
  });
});

describe("moving links", { retry: CLUSTER_RETRIES }, () => {
  // Bounded load (10 s at 2,000 events/s) on three realms: on a loaded 2-core CI machine the
  // cluster drains its backlog well after the publishers stop, so this test gets more time.
  it("moves every link from nsp to nsps under 2,000 events/s and delivers each acknowledged event once, in order, on every realm", async () => {
    const dir = await tempDir("cluster-tls-");
    const ca = await makeCa(dir, "cluster-ca");
    const leaf = await makeLeaf(dir, ca, "realm-server");
    const keyStorePath = path.join(dir, "server.pem");
    await writeFile(keyStorePath, leaf.keyPem + leaf.certPem);
    const names = ["november", "oscar", "romeo"];
    const cluster = await startCluster(names, {
      args: FAST,
      keyStorePath,
      trustStorePath: ca.cert,
    });
    await cluster.waitForMaster();
    const collectors = await Promise.all(names.map((name) => collect(cluster, name, "moves")));
    // 2,000 events/s in all, through every member, for 10 s.
    const publishers = names.map(
      (name) =>
        new LoadPublisher(() => nspUrl(cluster, name), "moves", `via-${name}`, {
          rate: 667,
          maxEvents: 6_670,
          maxSeconds: 10,
          window: 300,
        }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const name of names) {
      const target = cluster.member(name);
      const addresses = [`nsps://127.0.0.1:${target.nspsPort}`];
      await Promise.all(
        names.map((n) =>
          cluster
            .member(n)
            .realm.admin.changeClusterMember(name, { addresses, publicKey: target.publicKey }),
        ),
      );
      // Links to `name` are dialled by the realms that sort before it.
      await waitFor(`links to ${name} use nsps`, async () => {
        const statuses = await cluster.statuses();
        const toTarget = statuses.flatMap((s) =>
          s.links.filter((l) => l.peer === name && l.direction === "outbound"),
        );
        return toTarget.every((l) => l.protocol === "nsps" && l.state === "established");
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    for (const publisher of publishers) await publisher.finished();
    const acked = publishers.flatMap((p) => [...p.acked]);
    expect(acked.length).toBe(publishers.reduce((sum, p) => sum + p.sent, 0));
    expect(acked.length).toBeGreaterThan(15_000);

    const statuses = await cluster.statuses();
    for (const status of statuses) {
      const established = status.links.filter((l) => l.state === "established");
      expect(established).toHaveLength(2);
      for (const link of established) {
        expect(link).toMatchObject({ protocol: "nsps", encrypted: true, tlsVersion: "TLSv1.3" });
        expect(link.cipher).toMatch(/^TLS_/);
        expect(link.roundTripMs).not.toBeNull();
        if (link.direction === "outbound") {
          expect(link.peerCertificateFingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
        }
      }
    }
    for (const [index, collector] of collectors.entries()) {
      await waitFor(`${names[index]} delivers every acknowledged event`, () =>
        collector.has(acked).length === 0 ? true : undefined,
      );
      expect(collector.problems()).toEqual([]);
      expect(collector.events.length).toBe(acked.length);
    }
  }, 180_000);
});
