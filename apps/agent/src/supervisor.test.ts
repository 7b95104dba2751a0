import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RealmConfigInput, RealmProcessInfo, RealmProcessState } from "@conclave/protocol";
import { RealmConfigSchema } from "@conclave/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RealmProcess } from "./realm-process.js";
import { Supervisor } from "./supervisor.js";

const realmEntry = fileURLToPath(new URL("../../realm/dist/main.js", import.meta.url));
const backoff = { initialMs: 200, maxMs: 800, stableAfterMs: 60_000 };

function config(name: string): RealmConfigInput {
  return {
    name,
    interfaces: [{ name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: 0 }],
  };
}

function spec(name: string) {
  return { name, config: RealmConfigSchema.parse(config(name)) };
}

function waitForState(realm: RealmProcess, state: RealmProcessState): Promise<RealmProcessInfo> {
  if (realm.state === state) return Promise.resolve(realm.info());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still ${realm.state}, wanted ${state}`)),
      15_000,
    );
    const onState = (info: RealmProcessInfo) => {
      if (info.state !== state) return;
      clearTimeout(timer);
      realm.off("state", onState);
      resolve(info);
    };
    realm.on("state", onState);
  });
}

describe("Supervisor", () => {
  let stateDir: string;
  let supervisor: Supervisor | undefined;

  beforeEach(() => {
    stateDir = mkdtempSync(join(tmpdir(), "conclave-agent-"));
  });

  afterEach(async () => {
    await supervisor?.shutdown();
    supervisor = undefined;
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("creates a realm that serves its interface and reports its status", async () => {
    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    const realm = await supervisor.create(spec("alpha"));
    expect(realm.state).toBe("running");
    const [report] = await supervisor.report();
    expect(report?.pid).toBe(realm.pid);
    expect(report?.status?.realm).toBe("alpha");
    expect(report?.status?.interfaces[0]).toMatchObject({ name: "nsp0", state: "Running" });
  });

  it("restarts a realm killed with SIGKILL and counts the restart", async () => {
    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    const realm = await supervisor.create(spec("alpha"));
    const firstPid = realm.pid!;
    process.kill(firstPid, "SIGKILL");
    const backingOff = await waitForState(realm, "backoff");
    expect(backingOff.lastExit?.signal).toBe("SIGKILL");
    expect(backingOff.nextRestartAt).not.toBeNull();
    const running = await waitForState(realm, "running");
    expect(running.pid).not.toBe(firstPid);
    expect(running.restarts).toBe(1);
  });

  it("keeps a stopped realm stopped", async () => {
    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    const realm = await supervisor.create(spec("alpha"));
    await supervisor.stop("alpha");
    expect(realm.state).toBe("stopped");
    await new Promise((resolve) => setTimeout(resolve, backoff.initialMs * 3));
    expect(realm.state).toBe("stopped");
    expect(realm.pid).toBeNull();
  });

  it("backs off longer each time a realm keeps crashing, and keeps its last words", async () => {
    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    const realm = await supervisor.create(spec("alpha"));
    writeFileSync(join(supervisor.dataDir("alpha"), "realm.json"), "{ not json");
    process.kill(realm.pid!, "SIGKILL");
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      const info = await waitForState(realm, "backoff");
      delays.push(Date.parse(info.nextRestartAt!) - Date.parse(info.lastExit!.at));
      await waitForState(realm, "starting");
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    expect(realm.info().restarts).toBeGreaterThanOrEqual(2);
    expect(realm.info().lastExit?.code).toBe(1);
    expect(realm.logs().join("\n")).toMatch(/realm\.json/);
  });

  it("starts the realms that were running when the agent stopped", async () => {
    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    await supervisor.create(spec("alpha"));
    await supervisor.create(spec("beta"), { start: false });
    await supervisor.shutdown();

    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    expect(supervisor.names()).toEqual(["alpha", "beta"]);
    expect(supervisor.get("alpha").state).toBe("running");
    expect(supervisor.get("beta").state).toBe("stopped");
  });

  it("refuses a second realm of the same name and deletes a realm with its data", async () => {
    supervisor = await Supervisor.open({ stateDir, realmEntry, backoff });
    await supervisor.create(spec("alpha"));
    await expect(supervisor.create(spec("alpha"))).rejects.toThrow(/already exists/);
    await supervisor.delete("alpha");
    expect(supervisor.names()).toEqual([]);
    expect(existsSync(supervisor.dataDir("alpha"))).toBe(false);
    expect(() => supervisor!.get("alpha")).toThrow(/No realm alpha/);
  });
});
