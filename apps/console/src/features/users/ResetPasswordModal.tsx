import type { User } from "@conclave/protocol";
import {
  Alert,
  Button,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import { FieldError } from "../../components/FieldError";
import { validateNewPassword } from "./user-form";
import { useResetPasswordMutation } from "./users.queries";

export interface ResetPasswordModalProps {
  user: User;
  onClose: () => void;
}

/** Sets a new password; the manager ends the user's sessions (API tokens keep working). */
export function ResetPasswordModal({ user, onClose }: ResetPasswordModalProps) {
  const reset = useResetPasswordMutation();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | undefined>();

  const save = () => {
    const message = validateNewPassword(password);
    setError(message);
    if (!message) reset.mutate({ id: user.id, body: { password } }, { onSuccess: onClose });
  };

  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="reset-password-title">
      <ModalHeader
        title={`Reset password of ${user.username}`}
        labelId="reset-password-title"
        description="Their open sessions end; their API tokens keep working."
      />
      <ModalBody>
        <Form
          id="reset-password-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <FormGroup label="New password" isRequired fieldId="reset-password-input">
            <TextInput
              id="reset-password-input"
              type="password"
              value={password}
              autoComplete="new-password"
              validated={error ? "error" : "default"}
              onChange={(_event, value) => setPassword(value)}
            />
            <FieldError message={error} />
          </FormGroup>
          {reset.error && (
            <Alert variant="danger" isInline title="The password was not changed">
              {reset.error.message}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="reset-password-form" isLoading={reset.isPending}>
          Reset password
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
