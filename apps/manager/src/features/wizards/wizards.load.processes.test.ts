import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Wizard } from "@conclave/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { bootDemo, DEMO_REALMS, type Demo, listenEvents, until } from "../../testing/boot-demo.js";
import { ClusterLoad } from "../../testing/cluster-load-run.js";
import { PacketCapture } from "../../testing/packet-capture.js";
import {
  errorsOf,
  getWizard,
  killManagerDuring,
  stepStarted,
  stepStates,
  wizardUntil,
} from "../../testing/wizard-polling.js";

/**
 * Issue 7's acceptance 1-3 with real processes (manager, agent, three realms on loopback,
 * booted as `npm start` boots them, the manager as its own process so it can be killed):
 * the switch to TLS under bounded load on every realm (a publisher and a subscriber on each
 * realm's nsp client interface) loses, repeats and reorders nothing and drops no client
 * session; a packet capture of the inter-realm ports after the cut-over shows TLS and no
 * payload; a manager killed with -9 in the middle of the cut-over resumes the wizard; a realm
 * killed with -9 during its cut-over fails the step, and rollback brings back the plaintext
 * cluster with nothing lost.
 */
const PASSWORD = "wizards load test admin passphrase";
/** In every event id, so in clear on any plaintext link; nowhere else. */
const MARKER = "Qz7Marker";
const LOAD = { rate: 200, maxEvents: 30_000, maxSeconds: 150 };

type Link = { from: string; to: string; protocol: string; encrypted: boolean; tlsVersion?: string };

describe("encrypt-inter-realm under load with real processes", () => {
  let demo: Demo;
  let dir: string;

  const startWizard = async () => {
    const started = await demo.api.post("/wizards", {
      kind: "encrypt-inter-realm",
      cluster: "demo",
      options: { certificates: "issue", plaintext: "keep" },
    });
    expect(started.status, started.text).toBe(201);
    return getWizard(demo, started.body.id as string);
  };
  const status = async () =>
    (await demo.api.get("/clusters/demo/status")).body as {
      status: string;
      connectedServers: number;
      members: { realm: string; state: string }[];
      links: Link[];
    };
  const startLoad = (channel: string) =>
    ClusterLoad.start({
      realms: DEMO_REALMS.map((name, i) => ({
        name,
        url: `nsp://127.0.0.1:${demo.base + i * 10}`,
      })),
      channel,
      marker: `${MARKER}${channel}`,
      ...LOAD,
    });
  const rollBack = async (id: string) => {
    const res = await demo.api.post(`/wizards/${id}/rollback`);
    expect(res.status, res.text).toBe(200);
    const back = await wizardUntil(demo, id, ["rolledBack", "failed"], 150_000);
    expect(back.state, errorsOf(back)).toBe("rolledBack");
    const plain = await until(
      "three plaintext links, every member connected",
      async () => {
        const s = await status();
        return s.status === "Active" &&
          s.connectedServers === 3 &&
          s.links.length === 3 &&
          s.links.every((l) => !l.encrypted)
          ? s
          : undefined;
      },
      30_000,
    );
    for (const link of plain.links) expect(link.protocol).toBe("nsp");
    for (const realm of DEMO_REALMS) {
      const interfaces = (await demo.api.get(`/realms/${realm}/interfaces`)).body;
      expect(interfaces.map((i: { alias: string }) => i.alias)).toEqual(["nsp0"]);
    }
  };
  const expectTls13Links = async () => {
    const s = await until(
      "three TLS links",
      async () => {
        const s = await status();
        return s.links.length === 3 && s.links.every((l) => l.encrypted) ? s : undefined;
      },
      20_000,
    );
    expect(s.status).toBe("Active");
    for (const link of s.links) {
      expect(link).toMatchObject({ protocol: "nsps", encrypted: true, tlsVersion: "TLSv1.3" });
    }
  };

  /**
   * A tshark capture of `ports`; without root (no capture rights) the capture part is skipped,
   * saying so. As root, a capture that cannot start fails the test.
   */
  const capture = async (file: string, ports: number[]) => {
    const started = await PacketCapture.start(join(dir, file), ports);
    if (!("cannot" in started)) return started;
    if (process.getuid?.() === 0) throw new Error(started.cannot);
    console.warn(`Packet capture skipped (not root): ${started.cannot}`);
    return undefined;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "conclave-wizard-load-"));
    demo = await bootDemo({ password: PASSWORD, mode: "split" });
    const formed = await demo.api.post("/clusters", { name: "demo", realms: DEMO_REALMS });
    expect(formed.status, formed.text).toBe(202);
    await until(
      "the cluster to be Active",
      async () => (await status()).status === "Active",
      30_000,
    );
  }, 120_000);

  // Each test starts from the plaintext cluster: a wizard a failed test left behind is undone.
  afterEach(async () => {
    const list = (await demo.api.get("/wizards")).body as Wizard[];
    for (const w of list.filter((w) =>
      ["running", "completed", "failed", "paused"].includes(w.state),
    )) {
      await demo.api.post(`/wizards/${w.id}/rollback`);
      await wizardUntil(demo, w.id, ["rolledBack", "failed"], 150_000).catch(() => {});
    }
  }, 200_000);

  afterAll(async () => {
    await demo?.stop();
    await rm(dir, { recursive: true, force: true });
  }, 30_000);

  it("switches to TLS under load: nothing lost, repeated or reordered, no client session dropped, TLSv1.3 links, no payload in clear on the wire", async () => {
    const load = await startLoad("switch");
    try {
      await load.ackedMore(300);
      // The search below finds the markers in a capture of plaintext traffic (the nsp ports,
      // before the switch), so its silence after the switch means something.
      const control = await capture("plaintext.pcap", [demo.base, demo.base + 10, demo.base + 20]);
      if (control) {
        await load.ackedMore(300);
        await control.stop();
        expect(await control.contains(MARKER)).toBe(true);
      }

      const started = await startWizard();
      const done = await wizardUntil(demo, started.id, ["completed", "failed", "blocked"], 150_000);
      expect(done.state, errorsOf(done)).toBe("completed");
      await expectTls13Links();

      // The last phase: the cluster on nsps, the load still running.
      const ports: number[] = [];
      for (const realm of DEMO_REALMS) {
        const list = (await demo.api.get(`/realms/${realm}/interfaces`)).body as {
          alias: string;
          port: number;
        }[];
        ports.push(list.find((i) => i.alias === "nsps-interrealm")!.port);
      }
      const lastPhase = await capture("last-phase.pcap", ports);
      await load.ackedMore(600);
      await lastPhase?.stop();
      await load.stopPublishing();
      expect(await load.verify(), load.summary()).toEqual([]);
      expect(load.acked).toBeGreaterThan(1_500);
      if (lastPhase) {
        expect(await lastPhase.packets()).toBeGreaterThan(0);
        expect(await lastPhase.tlsRecords()).toBeGreaterThan(0);
        expect(await lastPhase.contains(MARKER)).toBe(false);
      }
      await rollBack(started.id);
    } finally {
      await load.close();
    }
  }, 300_000);

  it("resumes and completes after the manager is killed with -9 in the middle of the cut-over, with the same guarantees", async () => {
    const load = await startLoad("restart");
    try {
      await load.ackedMore(300);
      const sse = await listenEvents(demo);
      const started = await startWizard();
      const cutOvers = started.steps.map((s) => s.name).filter((n) => n.startsWith("cut-over:"));
      expect(cutOvers).toHaveLength(3);
      // The second of three cut-overs: one realm has moved, two have not.
      const middle = cutOvers[1]!;
      // The cluster keeps serving its clients while the manager is away.
      const { done, killedAt } = await killManagerDuring(
        demo,
        sse,
        { id: started.id, step: middle },
        { whileDown: () => load.ackedMore(300), ms: 150_000 },
      );
      expect(done.state, errorsOf(done)).toBe("completed");
      // The step the manager died in ran again after the restart.
      const step = done.steps.find((s) => s.name === middle)!;
      expect(Date.parse(step.startedAt!)).toBeGreaterThan(killedAt);
      await expectTls13Links();

      await load.ackedMore(300);
      await load.stopPublishing();
      expect(await load.verify(), load.summary()).toEqual([]);
      await rollBack(started.id);
    } finally {
      await load.close();
    }
  }, 300_000);

  // One retry: on a loaded 2-core CI machine a run could outlast its waits (the victim's restart
  // back-off grows with every kill); each attempt now starts from a whole cluster and rolls back
  // only once the victim has rejoined. A real regression still fails both attempts.
  it("fails the cut-over of a realm killed with -9 (repeatedly, so it cannot come back in time) and rolls back to the plaintext cluster with nothing lost", {
    retry: 1,
    timeout: 300_000,
  }, async () => {
    // A first attempt (see retry) may leave the victim still coming back.
    await until(
      "the cluster to be Active with every member connected",
      async () => {
        const now = await status();
        return now.status === "Active" && now.members.every((m) => m.state === "connected");
      },
      120_000,
    );
    const load = await startLoad("crash");
    try {
      await load.ackedMore(300);
      const sse = await listenEvents(demo);
      const started = await startWizard();
      const first = started.steps.find((s) => s.name.startsWith("cut-over:"))!.name;
      const victim = first.slice("cut-over:".length);
      await stepStarted(demo, sse.events, started.id, first);
      sse.stop();
      // A realm killed once is back within a few seconds (the agent restarts it after 1 s) and
      // the idempotent step then succeeds. So every process of the realm is killed as soon as
      // it appears, until the step gives up (30 s): the agent's back-off grows meanwhile.
      const killed: number[] = [];
      let failed: Wizard | undefined;
      let seen: Wizard | undefined;
      const deadline = Date.now() + 120_000;
      for (let tick = 0; !failed && Date.now() < deadline; tick++) {
        const pid = await demo.realmPid(victim);
        if (pid && !killed.includes(pid)) {
          killed.push(pid);
          try {
            process.kill(pid, "SIGKILL");
          } catch {}
        }
        if (tick % 10 === 0) {
          const w = await getWizard(demo, started.id);
          seen = w;
          if (w.state === "failed" || w.state === "completed") failed = w;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      if (!failed) {
        throw new Error(
          `the wizard neither failed nor completed within 120 s (${seen ? stepStates(seen) : "never read"}; ${killed.length} processes killed)`,
        );
      }
      expect(killed.length).toBeGreaterThan(0);
      expect(failed.state, errorsOf(failed)).toBe("failed");
      // Usually the victim's own cut-over; when that was quick enough to finish before the
      // kill, the next one, which waits for every link to be up.
      const step = failed.steps.find((s) => s.status === "failed")!;
      expect(step.name).toMatch(/^cut-over:/);
      expect(step.error).toMatch(
        /^Timed out after 30 s waiting for the links to realm-\w+ to use TLS \(.+\)$/,
      );
      const after = failed.steps.slice(failed.steps.indexOf(step) + 1);
      expect(after.every((s) => s.status === "pending")).toBe(true);

      // Rollback once the agent has the realm running again.
      await until(
        `${victim} running again`,
        async () => (await demo.api.get(`/realms/${victim}`)).body.state === "running",
        60_000,
      );
      // …and back in the cluster: links to it come up on its nsps address first, so the
      // rollback's own wait for plaintext links does not also wait out the restart back-off.
      await until(
        `${victim} connected to the cluster again`,
        async () => (await status()).members.find((m) => m.realm === victim)?.state === "connected",
        120_000,
      );
      await rollBack(started.id);
      const members = (await demo.api.get("/clusters/demo")).body.members as {
        addresses: string[];
      }[];
      expect(members.map((m) => m.addresses)).toEqual(
        DEMO_REALMS.map((_, i) => [`nsp://127.0.0.1:${demo.base + i * 10}`]),
      );

      await load.ackedMore(300);
      await load.stopPublishing();
      expect(await load.verify({ dropped: [victim] }), load.summary()).toEqual([]);
      // The kill did drop the victim's own sessions, and the harness saw it: the same checks
      // hold every other session to "never dropped".
      expect(load.collectors.get(victim)!.disconnects.length).toBeGreaterThan(0);
      expect(load.publishers.get(victim)!.connects).toBeGreaterThan(1);
    } finally {
      await load.close();
    }
  });
});
