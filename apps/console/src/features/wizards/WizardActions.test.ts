// @vitest-environment happy-dom
import type { WizardAction, WizardState } from "@conclave/protocol";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WizardActions } from "./WizardActions";

afterEach(cleanup);

function show(state: WizardState, actions: WizardAction[]) {
  const onAction = vi.fn();
  render(createElement(WizardActions, { state, actions, busy: false, onAction }));
  return onAction;
}

describe("WizardActions", () => {
  it("asks before cancelling, in words that fit what the wizard has done", async () => {
    const onAction = show("running", ["pause", "rollback", "cancel"]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel this wizard?" });
    expect(dialog.textContent).toMatch(/undoes what its steps changed so far/);
    fireEvent.click(screen.getByRole("button", { name: "Keep the wizard" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(onAction).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    fireEvent.click(await screen.findByRole("button", { name: "Cancel wizard" }));
    expect(onAction).toHaveBeenCalledWith("cancel");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("tells the operator a blocked wizard changed nothing yet", async () => {
    show("blocked", ["cancel"]);
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    const dialog = await screen.findByRole("dialog", { name: "Cancel this wizard?" });
    expect(dialog.textContent).toMatch(/Nothing on the realms has been changed yet/);
  });

  it("rolls back only once confirmed, and not at all on Not now", async () => {
    const onAction = show("failed", ["resume", "rollback", "cancel"]);
    fireEvent.click(screen.getByRole("button", { name: "Roll back" }));
    const dialog = await screen.findByRole("dialog", { name: "Roll back this wizard?" });
    expect(dialog.textContent).toMatch(/undone in reverse order/);
    fireEvent.click(screen.getByRole("button", { name: "Not now" }));
    expect(onAction).not.toHaveBeenCalled();

    fireEvent.click(screen.getByRole("button", { name: "Roll back" }));
    const confirm = (await screen.findAllByRole("button", { name: "Roll back" })).at(-1);
    fireEvent.click(confirm as HTMLElement);
    expect(onAction).toHaveBeenCalledWith("rollback");
    expect(onAction).toHaveBeenCalledTimes(1);
  });
});
