import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from "@patternfly/react-core";
import { useId, useState } from "react";
import { FieldError } from "../../components/FieldError";
import { useImportTrustedCertificateMutation } from "./keystores.queries";

export interface ImportTrustedCertificateModalProps {
  keystoreId: string;
  onClose: () => void;
}

/** Adds a CA or peer certificate (PEM or DER) to a keystore or truststore as a trusted entry. */
export function ImportTrustedCertificateModal({
  keystoreId,
  onClose,
}: ImportTrustedCertificateModalProps) {
  const id = useId();
  const importCertificate = useImportTrustedCertificateMutation(keystoreId);
  const [file, setFile] = useState<File | null>(null);
  const [alias, setAlias] = useState("");
  const [fileError, setFileError] = useState<string | undefined>();

  const submit = () => {
    setFileError(file ? undefined : "Choose a certificate file");
    if (!file) return;
    importCertificate.mutate(
      { file, alias: alias.trim() || undefined },
      { onSuccess: () => onClose() },
    );
  };

  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby={`${id}-title`}>
      <ModalHeader title="Import trusted certificate" labelId={`${id}-title`} />
      <ModalBody>
        <Form
          id={`${id}-form`}
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <FormGroup label="Certificate file" fieldId={`${id}-file`} isRequired>
            <input
              id={`${id}-file`}
              type="file"
              accept=".pem,.crt,.cer,.der"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            <FieldError message={fileError} />
          </FormGroup>
          <FormGroup label="Alias" fieldId={`${id}-alias`}>
            <TextInput id={`${id}-alias`} value={alias} onChange={(_e, value) => setAlias(value)} />
            <FormHelperText>
              <HelperText>
                <HelperTextItem>Leave empty to derive it from the certificate's CN.</HelperTextItem>
              </HelperText>
            </FormHelperText>
          </FormGroup>
          {importCertificate.error && (
            <Alert variant="danger" isInline title="The certificate was not imported">
              {importCertificate.error.message}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form={`${id}-form`} isLoading={importCertificate.isPending}>
          Import
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
