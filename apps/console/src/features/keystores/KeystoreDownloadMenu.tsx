import type { KeystoreDownloadFormat } from "@conclave/protocol";
import {
  Alert,
  Button,
  Divider,
  Dropdown,
  DropdownItem,
  DropdownList,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  MenuToggle,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from "@patternfly/react-core";
import { useId, useState } from "react";
import { apiFile, seg } from "../../api/client";
import { saveFile } from "../../api/save-file";
import { FieldError } from "../../components/FieldError";

const FORMATS: { format: KeystoreDownloadFormat; label: string; extension: string }[] = [
  { format: "jks", label: "As JKS", extension: "jks" },
  { format: "pkcs12", label: "As PKCS#12", extension: "p12" },
  { format: "pem", label: "As PEM", extension: "pem" },
];

interface DownloadInput {
  format: KeystoreDownloadFormat;
  /** Protects the file instead of the stored password; sent once, kept nowhere. */
  password?: string;
}

export interface KeystoreDownloadMenuProps {
  keystoreId: string;
  keystoreName: string;
}

/**
 * Downloads a keystore as JKS, PKCS#12 or PEM, protected by its stored password or by another
 * one typed here. The password lives in this component's state only while the dialog is open.
 */
export function KeystoreDownloadMenu({ keystoreId, keystoreName }: KeystoreDownloadMenuProps) {
  const id = useId();
  const [open, setOpen] = useState(false);
  const [asking, setAsking] = useState(false);
  const [format, setFormat] = useState<KeystoreDownloadFormat>("pkcs12");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [passwordError, setPasswordError] = useState<string | undefined>();

  // Not a react-query mutation: its cache would keep the password among the variables.
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [leftOut, setLeftOut] = useState<string[]>([]);

  const download = async ({ format, password }: DownloadInput): Promise<boolean> => {
    setPending(true);
    setError(null);
    try {
      const extension = FORMATS.find((f) => f.format === format)?.extension ?? format;
      const file = await apiFile(`/keystores/${seg(keystoreId)}/download`, {
        method: password ? "POST" : "GET",
        query: password ? undefined : { format },
        body: password ? { format, password } : undefined,
        fallbackName: `${keystoreName}.${extension}`,
      });
      saveFile(file.blob, file.fileName);
      const pendingAliases = file.headers.get("x-conclave-pending-aliases");
      setLeftOut(pendingAliases ? pendingAliases.split(",").map(decodeURIComponent) : []);
      return true;
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
      return false;
    } finally {
      setPending(false);
    }
  };

  const closeDialog = () => {
    setAsking(false);
    setError(null);
    setPassword("");
    setConfirm("");
    setPasswordError(undefined);
  };

  const submitWithPassword = () => {
    const error = !password
      ? "A password is required"
      : password !== confirm
        ? "The passwords differ"
        : undefined;
    setPasswordError(error);
    if (error) return;
    void download({ format, password }).then((done) => done && closeDialog());
  };

  return (
    <>
      <Dropdown
        isOpen={open}
        onOpenChange={setOpen}
        onSelect={() => setOpen(false)}
        toggle={(ref) => (
          <MenuToggle
            ref={ref}
            onClick={() => setOpen(!open)}
            isExpanded={open}
            isDisabled={pending}
          >
            Download
          </MenuToggle>
        )}
      >
        <DropdownList>
          {FORMATS.map((f) => (
            <DropdownItem key={f.format} onClick={() => void download({ format: f.format })}>
              {f.label}
            </DropdownItem>
          ))}
          <Divider component="li" />
          <DropdownItem onClick={() => setAsking(true)}>With another password…</DropdownItem>
        </DropdownList>
      </Dropdown>
      {!asking && error && (
        <Alert variant="danger" isInline title="The keystore was not downloaded">
          {error.message}
        </Alert>
      )}
      {leftOut.length > 0 && (
        <Alert variant="warning" isInline title="Some entries were left out">
          {leftOut.join(", ")} still wait for their CA reply.
        </Alert>
      )}
      <Modal isOpen={asking} onClose={closeDialog} variant="small" aria-labelledby={`${id}-title`}>
        <ModalHeader title={`Download ${keystoreName}`} labelId={`${id}-title`} />
        <ModalBody>
          <Form
            id={`${id}-form`}
            onSubmit={(event) => {
              event.preventDefault();
              submitWithPassword();
            }}
          >
            <FormGroup label="Format" fieldId={`${id}-format`}>
              <FormSelect
                id={`${id}-format`}
                value={format}
                onChange={(_e, value) => setFormat(value as KeystoreDownloadFormat)}
              >
                {FORMATS.map((f) => (
                  <FormSelectOption key={f.format} value={f.format} label={f.label.slice(3)} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label="File password" fieldId={`${id}-password`} isRequired>
              <TextInput
                id={`${id}-password`}
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(_e, value) => setPassword(value)}
              />
            </FormGroup>
            <FormGroup label="Confirm password" fieldId={`${id}-confirm`} isRequired>
              <TextInput
                id={`${id}-confirm`}
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={(_e, value) => setConfirm(value)}
              />
              <FieldError message={passwordError} />
            </FormGroup>
            {error && (
              <Alert variant="danger" isInline title="The keystore was not downloaded">
                {error.message}
              </Alert>
            )}
          </Form>
        </ModalBody>
        <ModalFooter>
          <Button type="submit" form={`${id}-form`} isLoading={pending}>
            Download
          </Button>
          <Button variant="link" onClick={closeDialog}>
            Cancel
          </Button>
        </ModalFooter>
      </Modal>
    </>
  );
}
