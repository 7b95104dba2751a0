import { Modal, ModalBody, ModalHeader } from "@patternfly/react-core";
import { type ReactNode, useId } from "react";
import { ModalActions } from "./ModalActions";

export interface ConfirmModalProps {
  /** A question, e.g. "Roll back this wizard?"; it names the dialog. */
  title: string;
  confirmLabel: string;
  /** How to back out, in the question's words, e.g. "Keep the wizard". */
  cancelLabel?: string;
  isPending?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  /** What confirming does, so the operator decides knowing it. */
  children: ReactNode;
}

/** Asks before a step that changes running realms or cannot be taken back. */
export function ConfirmModal(props: ConfirmModalProps) {
  const { title, confirmLabel, cancelLabel, isPending, onConfirm, onClose, children } = props;
  const id = useId();
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby={`${id}-title`}>
      <ModalHeader title={title} labelId={`${id}-title`} />
      <ModalBody>{children}</ModalBody>
      <ModalActions
        label={confirmLabel}
        onConfirm={onConfirm}
        isPending={isPending}
        isDanger
        cancelLabel={cancelLabel}
        onCancel={onClose}
      />
    </Modal>
  );
}
