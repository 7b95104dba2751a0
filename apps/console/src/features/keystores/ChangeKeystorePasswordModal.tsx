import { Alert, FormGroup, TextInput } from "@patternfly/react-core";
import { useId, useState } from "react";
import { ApiError } from "../../api/client";
import { FieldError } from "../../components/FieldError";
import { FormModal } from "../../components/FormModal";
import { useChangeKeystorePasswordMutation } from "./keystores.queries";

export interface ChangeKeystorePasswordModalProps {
  keystoreId: string;
  keystoreName: string;
  onClose: () => void;
}

interface PasswordErrors {
  current?: string;
  next?: string;
  confirm?: string;
}

/**
 * Replaces the password that protects a keystore's downloads and the files delivered to realms,
 * e.g. a well-known "changeit" the health dashboard flags. The passwords live in this dialog's
 * state only; error texts never repeat them.
 */
export function ChangeKeystorePasswordModal({
  keystoreId,
  keystoreName,
  onClose,
}: ChangeKeystorePasswordModalProps) {
  const id = useId();
  const change = useChangeKeystorePasswordMutation(keystoreId);
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<PasswordErrors>({});

  const wrongCurrent =
    change.error instanceof ApiError && change.error.code === "keystore_password";

  const submit = () => {
    const found: PasswordErrors = {
      current: current ? undefined : "Enter the current password",
      next: next ? undefined : "A new password is required",
      confirm: next && confirm !== next ? "Does not match the new password" : undefined,
    };
    setErrors(found);
    if (found.current || found.next || found.confirm) return;
    change.mutate({ currentPassword: current, newPassword: next }, { onSuccess: () => onClose() });
  };

  return (
    <FormModal
      title="Change keystore password"
      submitLabel="Save password"
      isPending={change.isPending}
      onSubmit={submit}
      onClose={onClose}
      lead={
        <p>
          The password of <strong>{keystoreName}</strong> protects its downloads and the files
          delivered to realms.
        </p>
      }
    >
      <PasswordField
        id={`${id}-current`}
        label="Current password"
        autoComplete="off"
        value={current}
        error={errors.current ?? (wrongCurrent ? "The current password is wrong" : undefined)}
        onChange={(value) => {
          setCurrent(value);
          // The "wrong" verdict was about the value being replaced.
          if (wrongCurrent) change.reset();
        }}
      />
      <PasswordField
        id={`${id}-new`}
        label="New password"
        autoComplete="new-password"
        value={next}
        error={errors.next}
        onChange={setNext}
      />
      <PasswordField
        id={`${id}-confirm`}
        label="Confirm new password"
        autoComplete="new-password"
        value={confirm}
        error={errors.confirm}
        onChange={setConfirm}
      />
      {change.error && !wrongCurrent && (
        <Alert variant="danger" isInline title="The password was not changed">
          {change.error.message}
        </Alert>
      )}
    </FormModal>
  );
}

interface PasswordFieldProps {
  id: string;
  label: string;
  autoComplete: "off" | "new-password";
  value: string;
  error: string | undefined;
  onChange: (value: string) => void;
}

// InputField offers no password type or autocomplete, so this is its masked counterpart.
function PasswordField({ id, label, autoComplete, value, error, onChange }: PasswordFieldProps) {
  return (
    <FormGroup label={label} fieldId={id} isRequired>
      <TextInput
        id={id}
        type="password"
        autoComplete={autoComplete}
        value={value}
        validated={error ? "error" : "default"}
        onChange={(_e, text) => onChange(text)}
      />
      <FieldError message={error} />
    </FormGroup>
  );
}
