import { Button, ModalFooter } from "@patternfly/react-core";

export interface ModalActionsProps {
  /** The primary button's label, e.g. "Import". */
  label: string;
  /** The id of the form the primary button submits; without one it calls `onConfirm`. */
  form?: string;
  onConfirm?: () => void;
  isPending?: boolean;
  /** A red primary button, for what changes running realms or cannot be taken back. */
  isDanger?: boolean;
  cancelLabel?: string;
  onCancel: () => void;
}

/** A modal's footer: the primary action, then the way out. */
export function ModalActions({
  label,
  form,
  onConfirm,
  isPending,
  isDanger,
  cancelLabel = "Cancel",
  onCancel,
}: ModalActionsProps) {
  return (
    <ModalFooter>
      <Button
        type={form ? "submit" : "button"}
        form={form}
        variant={isDanger ? "danger" : "primary"}
        isLoading={isPending}
        onClick={onConfirm}
      >
        {label}
      </Button>
      <Button variant="link" onClick={onCancel}>
        {cancelLabel}
      </Button>
    </ModalFooter>
  );
}
