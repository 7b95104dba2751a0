import type { ManagerEvent, WizardFinding } from "@conclave/protocol";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../logging/logger.js";
import { AuditRepo } from "../../store/audit.repo.js";
import type { Db } from "../../store/db.js";
import { migrate } from "../../store/migrate.js";
import { WizardsRepo } from "../../store/wizards.repo.js";
import { type DbBackend, startDbBackend } from "../../testing/db-backends.js";
import { InProcessEventBus } from "../events/event-bus.js";
import { WizardEngine } from "./wizard-engine.js";
import type { StepContext, WizardKindDefinition } from "./wizard-step.js";

/**
 * A pretend cluster: three settings a fake wizard changes one per step, remembering the old
 * value in the snapshot so rollback restores it. `behaviour` makes a step fail, wait until the
 * manager stops, or wait for a gate the test opens.
 */
interface World {
  config: Record<string, string>;
  calls: string[];
  behaviour: Record<string, "fail" | "hang" | { gate: Promise<void> }>;
  findings: WizardFinding[] | null;
}

function fakeKind(world: World): WizardKindDefinition {
  const change = (key: string) => ({
    name: key,
    title: `Change ${key}`,
    async run(ctx: StepContext) {
      world.calls.push(`run:${key}`);
      const previous = (ctx.snapshot.previous ?? {}) as Record<string, string>;
      if (!(key in previous)) {
        previous[key] = world.config[key] ?? "";
        ctx.snapshot.previous = previous;
        await ctx.saveSnapshot();
      }
      world.config[key] = "new";
      await ctx.evidence(`${key} set to new`, "realm-a");
      const behaviour = world.behaviour[key];
      if (behaviour === "fail") throw new Error(`${key} did not take the change`);
      if (behaviour === "hang") {
        await new Promise((_, reject) =>
          ctx.signal.addEventListener("abort", () => reject(new Error("stopped"))),
        );
      }
      if (typeof behaviour === "object") await behaviour.gate;
    },
    async rollback(ctx: StepContext) {
      world.calls.push(`rollback:${key}`);
      if (world.behaviour[`rollback:${key}`] === "fail") throw new Error(`${key} cannot go back`);
      const previous = (ctx.snapshot.previous ?? {}) as Record<string, string>;
      if (key in previous) world.config[key] = previous[key]!;
    },
  });
  return {
    steps: () => [
      {
        name: "preflight",
        title: "Pre-flight",
        async run(ctx) {
          world.calls.push("run:preflight");
          if (world.findings) await ctx.setFindings(world.findings);
        },
        async rollback() {},
      },
      change("a"),
      change("b"),
      change("c"),
    ],
  };
}

const STEPS = ["preflight", "a", "b", "c"].map((name) => ({ name, title: name }));
const caller = { actor: { userId: "u1", username: "olga" }, ip: "127.0.0.1" };
const finding = (id: string, severity: "error" | "warning"): WizardFinding => ({
  id,
  severity,
  realm: "realm-a",
  check: "expiry",
  problem: `${id} problem`,
  fix: `${id} fix`,
  acknowledged: false,
});

describe("wizard engine (fake steps, PGlite)", () => {
  let backend: DbBackend;
  let db: Db;
  const engines: WizardEngine[] = [];
  let cluster = 0;

  const setup = () => {
    const world: World = {
      config: { a: "old", b: "old", c: "old" },
      calls: [],
      behaviour: {},
      findings: null,
    };
    const bus = new InProcessEventBus();
    const events: ManagerEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const newEngine = () => {
      const engine = new WizardEngine({
        db,
        bus,
        logger: createLogger({ write: () => {} }),
        kinds: { "encrypt-inter-realm": fakeKind(world) },
      });
      engines.push(engine);
      return engine;
    };
    const name = `c${++cluster}`;
    const create = (engine: WizardEngine) =>
      engine.create(
        {
          kind: "encrypt-inter-realm",
          cluster: name,
          options: {},
          snapshot: {},
          steps: STEPS,
          createdBy: "olga",
        },
        caller,
      );
    return { world, events, newEngine, create, cluster: name };
  };
  const find = async (id: string) => (await new WizardsRepo(db).find(id))!;
  const statuses = async (id: string) => (await find(id)).steps.map((s) => s.status);

  beforeAll(async () => {
    backend = await startDbBackend("pglite");
    ({ db } = await backend.fresh());
    await migrate(db);
  }, 60_000);
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop()));
  });
  afterAll(async () => {
    await backend?.stop();
  });

  it("runs every step in order, recording timestamps, evidence, audit entries and events", async () => {
    const { world, events, newEngine, create } = setup();
    const engine = newEngine();
    const wizard = await create(engine);
    await engine.idle();
    const done = await find(wizard.id);
    expect(done.state).toBe("completed");
    expect(world.calls).toEqual(["run:preflight", "run:a", "run:b", "run:c"]);
    expect(done.steps.every((s) => s.status === "done" && s.startedAt && s.finishedAt)).toBe(true);
    expect(done.steps[1]!.evidence).toMatchObject([{ message: "a set to new", realm: "realm-a" }]);
    expect(world.config).toEqual({ a: "new", b: "new", c: "new" });

    const audit = await new AuditRepo(db).list({ target: `wizard:${wizard.id}`, limit: 100 });
    // Entries written within one millisecond have no order among themselves: count them.
    const actions = audit.items.map((e) => e.action);
    expect(actions).toContain("wizard.create");
    expect(actions.filter((a) => a === "wizard.step.start")).toHaveLength(4);
    expect(actions.filter((a) => a === "wizard.step.done")).toHaveLength(4);
    expect(actions).toContain("wizard.complete");

    const progress = events.filter((e) => e.type === "wizard.progress" && e.id === wizard.id);
    expect(progress.at(-1)).toMatchObject({ state: "completed" });
    expect(progress.some((e) => e.type === "wizard.progress" && e.step === "b")).toBe(true);
  });

  it("pause stops before the next step; resume goes on from there", async () => {
    const { world, newEngine, create } = setup();
    let open!: () => void;
    world.behaviour.b = { gate: new Promise<void>((resolve) => (open = resolve)) };
    const engine = newEngine();
    const wizard = await create(engine);
    await expect.poll(() => statuses(wizard.id)).toEqual(["done", "done", "running", "pending"]);
    await engine.act(wizard.id, "pause", caller);
    open();
    await engine.idle();
    expect((await find(wizard.id)).state).toBe("paused");
    expect(await statuses(wizard.id)).toEqual(["done", "done", "done", "pending"]);
    expect(world.calls).not.toContain("run:c");
    await expect(engine.act(wizard.id, "pause", caller)).rejects.toThrow(/only a running/);

    await engine.act(wizard.id, "resume", caller);
    await engine.idle();
    expect((await find(wizard.id)).state).toBe("completed");
    expect(world.calls.filter((c) => c === "run:c")).toHaveLength(1);
  });

  it("a failed step stops the wizard; rollback undoes done steps in reverse order", async () => {
    const { world, newEngine, create } = setup();
    world.behaviour.c = "fail";
    const engine = newEngine();
    const wizard = await create(engine);
    await engine.idle();
    const failed = await find(wizard.id);
    expect(failed.state).toBe("failed");
    expect(failed.steps[3]).toMatchObject({ status: "failed", error: "c did not take the change" });
    expect(world.config).toEqual({ a: "new", b: "new", c: "new" });

    await engine.act(wizard.id, "rollback", caller);
    await engine.idle();
    const back = await find(wizard.id);
    expect(back.state).toBe("rolledBack");
    expect(back.steps.map((s) => s.status)).toEqual([
      "rolledBack",
      "rolledBack",
      "rolledBack",
      "rolledBack",
    ]);
    expect(world.calls.filter((c) => c.startsWith("rollback:"))).toEqual([
      "rollback:c",
      "rollback:b",
      "rollback:a",
    ]);
    expect(world.config).toEqual({ a: "old", b: "old", c: "old" });
    await expect(engine.act(wizard.id, "rollback", caller)).rejects.toThrow(/nothing to roll/);
  });

  it("a rollback that fails keeps the step's own failure in view, once", async () => {
    const { world, newEngine, create } = setup();
    world.behaviour.c = "fail";
    world.behaviour["rollback:c"] = "fail";
    const engine = newEngine();
    const wizard = await create(engine);
    await engine.idle();
    for (let attempt = 0; attempt < 2; attempt++) {
      await engine.act(wizard.id, "rollback", caller);
      await engine.idle();
      expect((await find(wizard.id)).steps[3]?.error).toBe(
        "c did not take the change. Rollback failed: c cannot go back",
      );
    }
  });

  it("resume after a failure retries the failed step", async () => {
    const { world, newEngine, create } = setup();
    world.behaviour.b = "fail";
    const engine = newEngine();
    const wizard = await create(engine);
    await engine.idle();
    expect((await find(wizard.id)).state).toBe("failed");
    delete world.behaviour.b;
    await engine.act(wizard.id, "resume", caller);
    await engine.idle();
    expect((await find(wizard.id)).state).toBe("completed");
    expect(world.calls.filter((c) => c === "run:b")).toHaveLength(2);
  });

  it("a new engine on the same store resumes at the step that was running, and runs it again", async () => {
    const { world, newEngine, create } = setup();
    world.behaviour.b = "hang";
    const first = newEngine();
    const wizard = await create(first);
    await expect.poll(() => statuses(wizard.id)).toEqual(["done", "done", "running", "pending"]);
    // The manager goes away mid-step: the stored status stays "running".
    await first.stop();
    expect(await statuses(wizard.id)).toEqual(["done", "done", "running", "pending"]);
    expect((await find(wizard.id)).state).toBe("running");

    delete world.behaviour.b;
    const second = newEngine();
    await second.start();
    await second.idle();
    expect((await find(wizard.id)).state).toBe("completed");
    expect(world.calls).toEqual(["run:preflight", "run:a", "run:b", "run:b", "run:c"]);
  });

  it("after a restart, resuming a wizard paused under the old manager runs it (its claim is stale)", async () => {
    const { world, newEngine, create } = setup();
    world.behaviour.a = "hang";
    const first = newEngine();
    const wizard = await create(first);
    await expect.poll(() => statuses(wizard.id)).toEqual(["done", "running", "pending", "pending"]);
    await first.act(wizard.id, "pause", caller);
    await first.stop();
    expect((await find(wizard.id)).runner).toBe(first.runner);

    delete world.behaviour.a;
    const second = newEngine();
    await second.start();
    await second.idle();
    expect((await find(wizard.id)).state).toBe("paused");
    await second.act(wizard.id, "resume", caller);
    await second.idle();
    expect((await find(wizard.id)).state).toBe("completed");
  });

  it("a rollback interrupted by a restart finishes on the next start", async () => {
    const { world, newEngine, create } = setup();
    world.behaviour.c = "fail";
    const first = newEngine();
    const wizard = await create(first);
    await first.idle();
    await first.stop();
    // Rolling back was asked for, but this manager stopped before doing it.
    await new WizardsRepo(db).update(wizard.id, { state: "rollingBack", ending: "cancel" });
    const second = newEngine();
    await second.start();
    await second.idle();
    expect((await find(wizard.id)).state).toBe("cancelled");
    expect(world.config).toEqual({ a: "old", b: "old", c: "old" });
  });

  it("one active wizard per cluster; cancel rolls back what was changed", async () => {
    const { world, newEngine, create } = setup();
    let open!: () => void;
    world.behaviour.a = { gate: new Promise<void>((resolve) => (open = resolve)) };
    const engine = newEngine();
    const wizard = await create(engine);
    await expect(create(engine)).rejects.toMatchObject({ status: 409 });
    await expect.poll(() => statuses(wizard.id)).toEqual(["done", "running", "pending", "pending"]);
    await engine.act(wizard.id, "cancel", caller);
    open();
    await engine.idle();
    const cancelled = await find(wizard.id);
    expect(cancelled.state).toBe("cancelled");
    expect(world.calls).not.toContain("run:b");
    expect(world.config.a).toBe("old");
    // The cluster is free again.
    const next = await create(engine);
    await engine.idle();
    expect((await find(next.id)).state).toBe("completed");
  });

  it("pre-flight errors block before anything changes; warnings wait for an acknowledgement", async () => {
    const blockedCase = setup();
    blockedCase.world.findings = [finding("expiry:realm-a", "error"), finding("w1", "warning")];
    const engine = blockedCase.newEngine();
    const blocked = await blockedCase.create(engine);
    await engine.idle();
    const b = await find(blocked.id);
    expect(b.state).toBe("blocked");
    expect(b.steps.map((s) => s.status)).toEqual(["failed", "pending", "pending", "pending"]);
    expect(b.steps[0]!.error).toMatch(/1 error; nothing was changed/);
    expect(blockedCase.world.config).toEqual({ a: "old", b: "old", c: "old" });
    await expect(engine.act(blocked.id, "acknowledge", caller)).rejects.toMatchObject({
      status: 409,
    });
    expect((await engine.act(blocked.id, "cancel", caller)).state).toBe("cancelled");

    const warned = setup();
    warned.world.findings = [finding("w1", "warning"), finding("w2", "warning")];
    const engine2 = warned.newEngine();
    const wizard = await warned.create(engine2);
    await engine2.idle();
    expect((await find(wizard.id)).state).toBe("awaitingAcknowledgement");
    expect(warned.world.calls).toEqual(["run:preflight"]);
    await expect(engine2.act(wizard.id, "acknowledge", caller, ["nope"])).rejects.toMatchObject({
      status: 400,
    });
    const partly = await engine2.act(wizard.id, "acknowledge", caller, ["w1"]);
    expect(partly.state).toBe("awaitingAcknowledgement");
    expect(partly.findings.map((f) => f.acknowledged)).toEqual([true, false]);
    await engine2.act(wizard.id, "acknowledge", caller);
    await engine2.idle();
    expect((await find(wizard.id)).state).toBe("completed");
    expect(warned.world.calls).toEqual(["run:preflight", "run:a", "run:b", "run:c"]);
  });
});
