import type { User } from "@conclave/protocol";
import { Alert, Button, Modal, ModalBody, ModalFooter, ModalHeader } from "@patternfly/react-core";
import { useDeleteUserMutation } from "./users.queries";

export interface DeleteUserModalProps {
  user: User;
  onClose: () => void;
}

/** Asks before deleting; the manager refuses to delete the last admin, shown inline. */
export function DeleteUserModal({ user, onClose }: DeleteUserModalProps) {
  const remove = useDeleteUserMutation();
  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="delete-user-title">
      <ModalHeader title={`Delete user ${user.username}?`} labelId="delete-user-title" />
      <ModalBody>
        Their sessions and API tokens go with them. The audit log keeps their entries.
        {remove.error && (
          <Alert variant="danger" isInline title="The user was not deleted">
            {remove.error.message}
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          isLoading={remove.isPending}
          onClick={() => remove.mutate(user.id, { onSuccess: onClose })}
        >
          Delete
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
