import type { Keystore } from "@conclave/protocol";
import { Alert, Button, FormGroup, TextInput } from "@patternfly/react-core";
import { UploadIcon } from "@patternfly/react-icons";
import { type DragEvent, useId, useState } from "react";
import { FieldError } from "../../components/FieldError";
import { useUploadKeystoreMutation } from "./keystores.queries";

/** File types the manager reads: JKS/JCEKS, PKCS#12 and PEM. */
export const KEYSTORE_ACCEPT = ".jks,.jceks,.p12,.pfx,.pem,.crt,.cer,.key";

export interface KeystoreUploadFormProps {
  /** Called with the stored keystore after a successful upload. */
  onUploaded?: (keystore: Keystore) => void;
  /** Labels in the operator's vocabulary of the place the form is shown in. */
  fileLabel?: string;
  passwordLabel?: string;
  keyPasswordLabel?: string;
  /** Show the Name field (the Keystores page; the interface dialog names stores by file). */
  showName?: boolean;
  /** Truststores hold no private keys, so they need no key password. */
  showKeyPassword?: boolean;
  submitLabel?: string;
}

/**
 * Upload of a keystore or truststore: a file input that also takes a dropped file, the store
 * password, and the key password for stores whose keys have their own. A wrong password or a
 * damaged file is reported inline with the manager's message.
 */
export function KeystoreUploadForm({
  onUploaded,
  fileLabel = "Keystore file",
  passwordLabel = "Password",
  keyPasswordLabel = "Private key password",
  showName = false,
  showKeyPassword = true,
  submitLabel = "Upload",
}: KeystoreUploadFormProps) {
  const id = useId();
  const upload = useUploadKeystoreMutation();
  const [file, setFile] = useState<File | null>(null);
  const [password, setPassword] = useState("");
  const [keyPassword, setKeyPassword] = useState("");
  const [name, setName] = useState("");
  const [dragging, setDragging] = useState(false);
  const [errors, setErrors] = useState<{ file?: string; password?: string }>({});

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) setFile(dropped);
  };

  const submit = () => {
    const next = {
      file: file ? undefined : "Choose a keystore file",
      password: password ? undefined : "A password is required",
    };
    setErrors(next);
    if (!file || !password) return;
    upload.mutate(
      {
        file,
        password,
        keyPassword: keyPassword || undefined,
        name: name.trim() || undefined,
      },
      {
        onSuccess: (keystore) => {
          setPassword("");
          setKeyPassword("");
          onUploaded?.(keystore);
        },
      },
    );
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop target only adds to the file input, which keyboard and screen-reader users use
    <div
      onDragOver={(event) => {
        event.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={onDrop}
      style={{
        border: `1px dashed ${dragging ? "var(--pf-t--global--border--color--clicked)" : "var(--pf-t--global--border--color--default)"}`,
        borderRadius: 8,
        padding: 16,
        display: "grid",
        gap: 16,
      }}
    >
      <FormGroup label={fileLabel} fieldId={`${id}-file`} isRequired>
        <input
          id={`${id}-file`}
          type="file"
          accept={KEYSTORE_ACCEPT}
          onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        />
        <div>
          {file ? `Selected: ${file.name}` : "Or drop a .jks, .p12/.pfx or .pem file here."}
        </div>
        <FieldError message={errors.file} />
      </FormGroup>
      {showName && (
        <FormGroup label="Name" fieldId={`${id}-name`}>
          <TextInput
            id={`${id}-name`}
            value={name}
            placeholder={file?.name.replace(/\.[^.]+$/, "") ?? ""}
            onChange={(_e, value) => setName(value)}
          />
        </FormGroup>
      )}
      <FormGroup label={passwordLabel} fieldId={`${id}-password`} isRequired>
        <TextInput
          id={`${id}-password`}
          type="password"
          autoComplete="off"
          value={password}
          validated={errors.password ? "error" : "default"}
          onChange={(_e, value) => setPassword(value)}
        />
        <FieldError message={errors.password} />
      </FormGroup>
      {showKeyPassword && (
        <FormGroup label={keyPasswordLabel} fieldId={`${id}-key-password`}>
          <TextInput
            id={`${id}-key-password`}
            type="password"
            autoComplete="off"
            value={keyPassword}
            onChange={(_e, value) => setKeyPassword(value)}
          />
        </FormGroup>
      )}
      {upload.error && (
        <Alert variant="danger" isInline title="The keystore was not uploaded">
          {upload.error.message}
        </Alert>
      )}
      {upload.isSuccess && (
        <Alert variant="success" isInline isPlain title={`Uploaded ${upload.data.name}`} />
      )}
      <div>
        <Button
          variant="secondary"
          icon={<UploadIcon />}
          onClick={submit}
          isLoading={upload.isPending}
        >
          {submitLabel}
        </Button>
      </div>
    </div>
  );
}
