import type { WizardAction, WizardState } from "@conclave/protocol";
import { Button, Toolbar, ToolbarContent, ToolbarItem } from "@patternfly/react-core";
import { useState } from "react";
import { ConfirmModal } from "../../components/ConfirmModal";

export interface WizardActionsProps {
  state: WizardState;
  /** From availableActions(); acknowledge is offered under the findings, not here. */
  actions: WizardAction[];
  busy: boolean;
  onAction: (action: WizardAction) => void;
}

const LABEL: Record<Exclude<WizardAction, "acknowledge">, string> = {
  pause: "Pause",
  resume: "Resume",
  rollback: "Roll back",
  cancel: "Cancel",
};

type Confirmed = "rollback" | "cancel";

/** The question each of Roll back and Cancel asks first; `nothingChanged` before any step ran. */
const CONFIRM: Record<
  Confirmed,
  { title: string; confirm: string; keep: string; body: (nothingChanged: boolean) => string }
> = {
  rollback: {
    title: "Roll back this wizard?",
    confirm: "Roll back",
    keep: "Not now",
    body: () =>
      "The steps done so far are undone in reverse order and every realm returns to the configuration it had before the wizard started. The cluster keeps serving clients.",
  },
  cancel: {
    title: "Cancel this wizard?",
    confirm: "Cancel wizard",
    keep: "Keep the wizard",
    body: (nothingChanged) =>
      nothingChanged
        ? "Nothing on the realms has been changed yet. A cancelled wizard cannot be resumed; start a new one when ready."
        : "The wizard stops, undoes what its steps changed so far and returns every realm to its previous configuration. A cancelled wizard cannot be resumed; to stop for a while, pause it instead.",
  },
};

/** Pause, Resume, Roll back and Cancel; the last two change realms or end the wizard, so they ask first. */
export function WizardActions({ state, actions, busy, onAction }: WizardActionsProps) {
  const [confirming, setConfirming] = useState<Confirmed | null>(null);
  const shown = actions.filter((a): a is keyof typeof LABEL => a !== "acknowledge");
  if (shown.length === 0) return null;
  const nothingChanged = state === "awaitingAcknowledgement" || state === "blocked";
  return (
    <>
      <Toolbar>
        <ToolbarContent>
          {shown.map((action) => (
            <ToolbarItem key={action}>
              <Button
                variant={action === "rollback" || action === "cancel" ? "secondary" : "primary"}
                isDanger={action === "rollback"}
                isDisabled={busy}
                onClick={() =>
                  action === "rollback" || action === "cancel"
                    ? setConfirming(action)
                    : onAction(action)
                }
              >
                {LABEL[action]}
              </Button>
            </ToolbarItem>
          ))}
        </ToolbarContent>
      </Toolbar>
      {confirming && (
        <ConfirmModal
          title={CONFIRM[confirming].title}
          confirmLabel={CONFIRM[confirming].confirm}
          cancelLabel={CONFIRM[confirming].keep}
          onConfirm={() => {
            setConfirming(null);
            onAction(confirming);
          }}
          onClose={() => setConfirming(null)}
        >
          {CONFIRM[confirming].body(nothingChanged)}
        </ConfirmModal>
      )}
    </>
  );
}
