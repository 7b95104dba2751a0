import type { WizardStep } from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import {
  availableActions,
  defaultStepName,
  isWorking,
  progressPercent,
  STEP_VIEW,
} from "./wizard-view";

const step = (name: string, status: WizardStep["status"]): WizardStep => ({
  name,
  title: name,
  status,
  startedAt: null,
  finishedAt: null,
  evidence: [],
  error: null,
});

describe("availableActions", () => {
  it("offers what each state allows to operators", () => {
    expect(availableActions("awaitingAcknowledgement", true)).toEqual(["acknowledge", "cancel"]);
    expect(availableActions("blocked", true)).toEqual(["cancel"]);
    expect(availableActions("running", true)).toEqual(["pause", "rollback", "cancel"]);
    expect(availableActions("paused", true)).toEqual(["resume", "rollback", "cancel"]);
    expect(availableActions("failed", true)).toEqual(["resume", "rollback", "cancel"]);
    expect(availableActions("completed", true)).toEqual(["rollback"]);
    for (const state of ["cancelled", "rollingBack", "rolledBack"] as const) {
      expect(availableActions(state, true), state).toEqual([]);
    }
  });

  it("offers viewers nothing", () => {
    expect(availableActions("failed", false)).toEqual([]);
    expect(availableActions("awaitingAcknowledgement", false)).toEqual([]);
  });
});

describe("progressPercent", () => {
  it("counts done steps, and a completed wizard is whole", () => {
    const steps = [step("a", "done"), step("b", "running"), step("c", "pending")];
    expect(progressPercent("running", steps)).toBe(33);
    expect(progressPercent("running", [])).toBe(0);
    expect(progressPercent("completed", [step("a", "done"), step("b", "pending")])).toBe(100);
    expect(progressPercent("rolledBack", [step("a", "rolledBack"), step("b", "pending")])).toBe(0);
  });
});

describe("defaultStepName", () => {
  it("shows the running step, else the failed one, else the last finished, else the first", () => {
    expect(defaultStepName([step("a", "done"), step("b", "running")])).toBe("b");
    expect(defaultStepName([step("a", "done"), step("b", "failed"), step("c", "pending")])).toBe(
      "b",
    );
    expect(defaultStepName([step("a", "done"), step("b", "done"), step("c", "pending")])).toBe("b");
    expect(defaultStepName([step("a", "pending"), step("b", "pending")])).toBe("a");
    expect(defaultStepName([])).toBeUndefined();
  });
});

describe("step and state looks", () => {
  it("spins while running, checks when done, is red when failed", () => {
    expect(STEP_VIEW.running).toMatchObject({ icon: "spinner" });
    expect(STEP_VIEW.done).toMatchObject({ icon: "check", variant: "success" });
    expect(STEP_VIEW.failed).toMatchObject({ icon: "error", variant: "danger" });
    expect(STEP_VIEW.rolledBack.text).toBe("Rolled back");
  });

  it("polls only while the engine works by itself", () => {
    expect(isWorking("running")).toBe(true);
    expect(isWorking("rollingBack")).toBe(true);
    expect(isWorking("paused")).toBe(false);
    expect(isWorking("awaitingAcknowledgement")).toBe(false);
    expect(isWorking(undefined)).toBe(false);
  });
});
