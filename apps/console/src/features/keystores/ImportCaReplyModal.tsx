import {
  Alert,
  Button,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
} from "@patternfly/react-core";
import { useId, useState } from "react";
import { FieldError } from "../../components/FieldError";
import { useImportCaReplyMutation } from "./keystores.queries";

export interface ImportCaReplyModalProps {
  keystoreId: string;
  alias: string;
  onClose: () => void;
}

/**
 * Imports the certificate a CA signed for a key entry (optionally followed by its chain). A
 * reply for another key or a file that is no certificate is reported inline with the
 * manager's message.
 */
export function ImportCaReplyModal({ keystoreId, alias, onClose }: ImportCaReplyModalProps) {
  const id = useId();
  const importReply = useImportCaReplyMutation(keystoreId);
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | undefined>();

  const submit = async () => {
    if (!file) {
      setFileError("Choose the CA reply file");
      return;
    }
    const pem = await file.text();
    // The route takes PEM text; a DER file would arrive as mojibake and fail less clearly.
    if (!pem.includes("-----BEGIN")) {
      setFileError(
        "This is not a PEM file. Convert a DER reply first: openssl x509 -inform der -in reply.cer -out reply.pem",
      );
      return;
    }
    setFileError(undefined);
    importReply.mutate({ alias, body: { pem } }, { onSuccess: onClose });
  };

  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby={`${id}-title`}>
      <ModalHeader title={`Import CA reply into ${alias}`} labelId={`${id}-title`} />
      <ModalBody>
        <Form
          id={`${id}-form`}
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <FormGroup label="CA reply file" fieldId={`${id}-file`} isRequired>
            <input
              id={`${id}-file`}
              type="file"
              accept=".pem,.crt,.cer,.p7b"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
            <FieldError message={fileError} />
          </FormGroup>
          {importReply.error && (
            <Alert variant="danger" isInline title="The CA reply was not imported">
              {importReply.error.message}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form={`${id}-form`} isLoading={importReply.isPending}>
          Import
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
