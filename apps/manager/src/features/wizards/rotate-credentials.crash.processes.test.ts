import { RealmClient, type RealmEvent } from "@conclave/realm-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bootDemo, DEMO_REALMS, type Demo, listenEvents, until } from "../../testing/boot-demo.js";
import { ClusterLoad } from "../../testing/cluster-load-run.js";
import { caPem, keystoreShas, tlsPorts } from "../../testing/demo-credentials.js";
import { realmClusterStatus } from "../../testing/realm-admin.js";
import { handshake } from "../../testing/tls-handshake.js";
import {
  errorsOf,
  getWizard,
  killManagerDuring,
  stepStarted,
  stepStates,
  switchToTls,
  wizardAudit,
  wizardUntil,
} from "../../testing/wizard-polling.js";

/**
 * Issue 7's crash guarantees for the credential rotation, with real processes (manager, agent,
 * three realms on loopback, the manager as its own process so it can be killed) and bounded
 * load on every realm: a manager killed with -9 while a leaf is being swapped resumes the
 * rotation and completes it with nothing lost and no client session dropped; a realm killed
 * with -9 during its leaf swap fails the step clearly, and rollback brings back the previous
 * certificates (served and seen by the links) with nothing lost.
 */
const PASSWORD = "rotation crash test admin passphrase";
const LOAD = { rate: 100, maxEvents: 20_000, maxSeconds: 150 };
const SWAP = "swap-leaf:";

describe("rotate-credentials with processes killed with -9", () => {
  let demo: Demo;

  const status = async () =>
    (await demo.api.get("/clusters/demo/status")).body as {
      status: string;
      members: { realm: string; state: string }[];
    };
  const startLoad = (channel: string) =>
    ClusterLoad.start({
      realms: DEMO_REALMS.map((name, i) => ({
        name,
        url: `nsp://127.0.0.1:${demo.base + i * 10}`,
      })),
      channel,
      marker: `Rot8Crash${channel}`,
      ...LOAD,
    });
  const startRotation = async () => {
    const started = await demo.api.post("/wizards", {
      kind: "rotate-credentials",
      cluster: "demo",
      options: { certificates: "issue" },
    });
    expect(started.status, started.text).toBe(201);
    return getWizard(demo, started.body.id as string);
  };
  /**
   * Per realm, the certificate its peers see on their established outbound links to it, as
   * each realm's own admin endpoint reports them: "from → to" → SHA-256.
   */
  const linkCertificates = async () => {
    const seen = new Map<string, string | null>();
    for (const realm of DEMO_REALMS) {
      for (const link of (await realmClusterStatus(demo, realm)).links) {
        if (link.direction !== "outbound" || link.state !== "established" || !link.active) continue;
        seen.set(`${realm} → ${link.peer}`, link.peerCertificateFingerprintSha256);
      }
    }
    return seen;
  };
  /** What each realm says about its cluster: the evidence a failure message carries. */
  const diagnosis = async () => {
    const lines = [`manager: ${JSON.stringify(await status().catch(() => null))}`];
    for (const realm of DEMO_REALMS) {
      const s = await realmClusterStatus(demo, realm).catch((error: Error) => error.message);
      if (typeof s === "string") {
        lines.push(`${realm}: ${s}`);
        continue;
      }
      const links = s.links.map(
        (l) =>
          `${l.direction} ${l.peer} ${l.state}${l.active ? " active" : ""} ${l.protocol} ${l.peerCertificateFingerprintSha256?.slice(0, 11) ?? "-"}`,
      );
      const trust = s.trustStore?.certificates.map((c) => c.subject).join("; ") ?? "none";
      const interfaces = (
        (await demo.api.get(`/realms/${realm}`)).body.interfaces as {
          alias: string;
          status: string;
          error?: string;
        }[]
      ).map((i) => `${i.alias} ${i.status}${i.error ? ` (${i.error})` : ""}`);
      lines.push(
        `${realm}: ${s.role}${s.recovering ? " recovering" : ""}, master ${s.master}, applied ${s.appliedIndex}/${s.commitIndex}; interfaces ${interfaces.join(", ")}; links ${links.join(", ")}; trust store ${trust}; refusals ${s.refusals
          .slice(-3)
          .map((r) => `${r.at} ${r.reason}`)
          .join(" | ")}`,
      );
    }
    return lines.join("\n");
  };
  const wholeCluster = () =>
    until(
      "the cluster to be Active with every member connected",
      async () => {
        const now = await status();
        return now.status === "Active" && now.members.every((m) => m.state === "connected");
      },
      120_000,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}\n${await diagnosis()}`);
    });

  beforeAll(async () => {
    demo = await bootDemo({ password: PASSWORD, mode: "split" });
    const formed = await demo.api.post("/clusters", { name: "demo", realms: DEMO_REALMS });
    expect(formed.status, formed.text).toBe(202);
    await until(
      "the cluster to be Active",
      async () => (await status()).status === "Active",
      30_000,
    );
    // The rotation needs TLS links: the encryption switch first.
    const encrypted = await switchToTls(demo, 150_000);
    expect(encrypted.state, errorsOf(encrypted)).toBe("completed");
  }, 240_000);

  // A rotation a failed test left behind is undone; a completed one is where the next starts.
  afterEach(async () => {
    const list = (await demo.api.get("/wizards")).body as { id: string; state: string }[];
    for (const w of list.filter((w) => ["running", "failed", "paused"].includes(w.state))) {
      await demo.api.post(`/wizards/${w.id}/rollback`);
      await wizardUntil(demo, w.id, ["rolledBack", "failed"], 150_000).catch(() => {});
    }
  }, 200_000);

  afterAll(async () => {
    await demo?.stop();
  }, 30_000);

  it("resumes and completes after the manager is killed with -9 during a leaf swap: nothing lost, no session dropped, new handshakes present the new chain", async () => {
    await wholeCluster();
    const oldCa = await caPem(demo, "demo inter-realm CA");
    const load = await startLoad("restart");
    // A client session over TLS, opened with the credentials of before: neither the hot
    // reloads nor the manager's death may drop it.
    const clientsPort = (await tlsPorts(demo)).find(
      (x) => x.realm === "realm-c" && x.alias === "nsps-clients",
    )!.port;
    const tlsClient = await RealmClient.connect(`nsps://127.0.0.1:${clientsPort}`, {
      tls: { ca: oldCa },
      timeoutMs: 5_000,
    });
    let dropped: unknown = null;
    void tlsClient.closed.then((reason) => {
      if (reason) dropped = reason;
    });
    const overTls: string[] = [];
    await tlsClient.subscribe("restart", { from: "earliest" }, (event: RealmEvent) =>
      overTls.push(event.eventId),
    );
    try {
      await load.ackedMore(300);
      const sse = await listenEvents(demo);
      const started = await startRotation();
      const swaps = started.steps.map((s) => s.name).filter((n) => n.startsWith(SWAP));
      expect(swaps).toHaveLength(3);
      // The second of three swaps: one realm serves the new leaf, two the old.
      const middle = swaps[1]!;
      // The cluster keeps serving its clients while the manager is away.
      const { done, killedAt } = await killManagerDuring(
        demo,
        sse,
        { id: started.id, step: middle },
        { whileDown: () => load.ackedMore(300), ms: 180_000 },
      );
      expect(done.state, errorsOf(done)).toBe("completed");
      // The step the manager died in ran again after the restart.
      const step = done.steps.find((s) => s.name === middle)!;
      expect(Date.parse(step.startedAt!)).toBeGreaterThan(killedAt);

      const generation = started.id.slice(0, 8);
      const newCa = await caPem(demo, `demo inter-realm CA ${generation}`);
      const issued = new Map<string, string[]>();
      for (const realm of DEMO_REALMS) {
        issued.set(realm, await keystoreShas(demo, `demo ${realm} inter-realm ${generation}`));
      }
      const ports = await tlsPorts(demo);
      expect(ports).toHaveLength(6);
      for (const { realm, alias, port } of ports) {
        const fresh = await handshake(port, newCa);
        expect(fresh.authorized, `${realm}/${alias}: ${fresh.error}`).toBe(true);
        expect(issued.get(realm), `${realm}/${alias}`).toContain(fresh.sha256);
        expect((await handshake(port, oldCa)).authorized, `${realm}/${alias}`).toBe(false);
      }
      // Every link, as the realms themselves report it, sees its peer's new certificate.
      const links = await linkCertificates();
      expect(links.size).toBe(3);
      for (const [pair, sha] of links) {
        expect(issued.get(pair.split(" → ")[1]!), pair).toContain(sha);
      }
      // …and checked it against the cluster trust store the rotation left.
      for (const link of (await demo.api.get("/clusters/demo/status")).body.links) {
        expect(link).toMatchObject({ protocol: "nsps", encrypted: true, verified: true });
      }

      await load.ackedMore(300);
      const receivedDuring = overTls.length;
      await load.stopPublishing();
      // Exactly once, in each publisher's order, no session dropped: across the kill too.
      expect(await load.verify(), load.summary()).toEqual([]);
      expect(dropped).toBeNull();
      expect(overTls.length).toBeGreaterThan(receivedDuring);
      expect(new Set(overTls).size).toBe(overTls.length);
    } finally {
      await load.close();
      await tlsClient.close();
    }
  }, 300_000);

  it("fails the leaf swap of a realm killed with -9 (repeatedly, so it cannot come back in time) with a clear error; rollback restores the previous certificates with nothing lost", async () => {
    await wholeCluster();
    const configuration = async () => {
      const cluster = (await demo.api.get("/clusters/demo")).body;
      return { members: cluster.members, trustStoreId: cluster.trustStoreId };
    };
    const before = await configuration();
    const servedBefore = new Map<number, string>();
    for (const { port } of await tlsPorts(demo)) {
      servedBefore.set(port, (await handshake(port)).sha256);
    }
    const linksBefore = await linkCertificates();
    expect(linksBefore.size).toBe(3);

    const load = await startLoad("crash");
    try {
      await load.ackedMore(300);
      const sse = await listenEvents(demo);
      const started = await startRotation();
      const first = started.steps.find((s) => s.name.startsWith(SWAP))!.name;
      const victim = first.slice(SWAP.length);
      await stepStarted(demo, sse.events, started.id, first);
      sse.stop();
      // A realm killed once is back within a few seconds (its agent restarts it) and the
      // idempotent step then succeeds. So every process of the realm is killed as soon as it
      // appears, until the wizard stops: the agent's back-off grows meanwhile.
      const killed: number[] = [];
      let ended: Awaited<ReturnType<typeof getWizard>> | undefined;
      let seen: typeof ended;
      const deadline = Date.now() + 120_000;
      for (let tick = 0; !ended && Date.now() < deadline; tick++) {
        const pid = await demo.realmPid(victim);
        if (pid && !killed.includes(pid)) {
          killed.push(pid);
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        }
        if (tick % 10 === 0) {
          seen = await getWizard(demo, started.id);
          if (seen.state === "failed" || seen.state === "completed") ended = seen;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!ended) {
        throw new Error(
          `the wizard neither failed nor completed within 120 s (${seen ? stepStates(seen) : "never read"}; ${killed.length} processes killed)`,
        );
      }
      expect(killed.length).toBeGreaterThan(0);
      expect(ended.state, `${errorsOf(ended)}\n${await wizardAudit(demo, started.id)}`).toBe(
        "failed",
      );
      // Usually the victim's own swap; if that finished before the first kill, the next one,
      // which needs the victim too. Either way the error names the realm that is down.
      const step = ended.steps.find((s) => s.status === "failed")!;
      expect(step.name).toMatch(/^swap-leaf:/);
      expect(step.error).toContain(victim);
      const after = ended.steps.slice(ended.steps.indexOf(step) + 1);
      expect(after.every((s) => s.status === "pending")).toBe(true);

      // Rollback, as an operator would once the agent has the victim running again.
      await until(
        `${victim} running again`,
        async () => (await demo.api.get(`/realms/${victim}`)).body.state === "running",
        60_000,
      );
      const res = await demo.api.post(`/wizards/${started.id}/rollback`);
      expect(res.status, res.text).toBe(200);
      const back = await wizardUntil(demo, started.id, ["rolledBack", "failed"], 180_000);
      expect(
        back.state,
        `${errorsOf(back)}\n${await wizardAudit(demo, started.id)}\n${await diagnosis()}`,
      ).toBe("rolledBack");

      // The previous certificates are served again, on the same ports…
      const ports = await tlsPorts(demo);
      expect(ports.map((p) => p.port).sort()).toEqual([...servedBefore.keys()].sort());
      for (const { realm, alias, port } of ports) {
        expect((await handshake(port)).sha256, `${realm}/${alias}`).toBe(servedBefore.get(port));
      }
      // …seen by every link again; the member list and the cluster trust store as they were.
      const linksAfter = await until(
        "every link to see the previous certificate",
        async () => {
          const now = await linkCertificates();
          return [...linksBefore].every(([pair, sha]) => now.get(pair) === sha) ? now : undefined;
        },
        30_000,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await diagnosis()}`);
      });
      expect(linksAfter).toEqual(linksBefore);
      expect(await configuration()).toEqual(before);

      await load.ackedMore(300);
      await load.stopPublishing();
      const problems = await load.verify({ dropped: [victim] }).catch(async (error: Error) => {
        throw new Error(`${error.message}\n${await diagnosis()}`);
      });
      expect(problems, load.summary()).toEqual([]);
      // The kill did drop the victim's own sessions, and the harness saw it: the same checks
      // hold every other session to "never dropped".
      expect(load.collectors.get(victim)!.disconnects.length).toBeGreaterThan(0);
    } finally {
      await load.close();
    }
  }, 360_000);
});
