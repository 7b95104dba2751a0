import type { WizardAction, WizardState } from "@conclave/protocol";
import {
  Button,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { useState } from "react";

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

/** Pause, Resume, Roll back and Cancel; the last two change realms or end the wizard, so they ask first. */
export function WizardActions({ state, actions, busy, onAction }: WizardActionsProps) {
  const [confirming, setConfirming] = useState<"rollback" | "cancel" | null>(null);
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
      <Modal
        isOpen={confirming === "rollback"}
        onClose={() => setConfirming(null)}
        variant="small"
        aria-labelledby="wizard-rollback-title"
      >
        <ModalHeader title="Roll back this wizard?" labelId="wizard-rollback-title" />
        <ModalBody>
          The steps done so far are undone in reverse order and every realm returns to the
          configuration it had before the wizard started. The cluster keeps serving clients.
        </ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            onClick={() => {
              setConfirming(null);
              onAction("rollback");
            }}
          >
            Roll back
          </Button>
          <Button variant="link" onClick={() => setConfirming(null)}>
            Not now
          </Button>
        </ModalFooter>
      </Modal>
      <Modal
        isOpen={confirming === "cancel"}
        onClose={() => setConfirming(null)}
        variant="small"
        aria-labelledby="wizard-cancel-title"
      >
        <ModalHeader title="Cancel this wizard?" labelId="wizard-cancel-title" />
        <ModalBody>
          {nothingChanged
            ? "Nothing on the realms has been changed yet. A cancelled wizard cannot be resumed; start a new one when ready."
            : "The wizard stops, undoes what its steps changed so far and returns every realm to its previous configuration. A cancelled wizard cannot be resumed; to stop for a while, pause it instead."}
        </ModalBody>
        <ModalFooter>
          <Button
            variant="danger"
            onClick={() => {
              setConfirming(null);
              onAction("cancel");
            }}
          >
            Cancel wizard
          </Button>
          <Button variant="link" onClick={() => setConfirming(null)}>
            Keep the wizard
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
