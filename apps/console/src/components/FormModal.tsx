import { Form, Modal, ModalBody, ModalHeader } from "@patternfly/react-core";
import { type ReactNode, useId } from "react";
import { ModalActions } from "./ModalActions";

export interface FormModalProps {
  title: string;
  /** The submit button's label, e.g. "Import". */
  submitLabel: string;
  isPending: boolean;
  /** Runs on the submit button and on Enter in a field. */
  onSubmit: () => void;
  onClose: () => void;
  /** Shown above the form, e.g. while the choices it offers are loading. */
  lead?: ReactNode;
  children: ReactNode;
}

/** A small modal around one form, submitted from the footer or with Enter. */
export function FormModal(props: FormModalProps) {
  const { title, submitLabel, isPending, onSubmit, onClose, lead, children } = props;
  const id = useId();
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby={`${id}-title`}>
      <ModalHeader title={title} labelId={`${id}-title`} />
      <ModalBody>
        {lead}
        <Form
          id={`${id}-form`}
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit();
          }}
        >
          {children}
        </Form>
      </ModalBody>
      <ModalActions
        label={submitLabel}
        form={`${id}-form`}
        isPending={isPending}
        onCancel={onClose}
      />
    </Modal>
  );
}
