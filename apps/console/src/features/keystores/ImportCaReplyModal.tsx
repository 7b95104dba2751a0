import { Alert } from "@patternfly/react-core";
import { useId, useState } from "react";
import { FileField } from "../../components/FileField";
import { FormModal } from "../../components/FormModal";
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
    <FormModal
      title={`Import CA reply into ${alias}`}
      submitLabel="Import"
      isPending={importReply.isPending}
      onSubmit={() => void submit()}
      onClose={onClose}
    >
      <FileField
        id={`${id}-file`}
        label="CA reply file"
        accept=".pem,.crt,.cer,.p7b"
        error={fileError}
        isRequired
        onChange={setFile}
      />
      {importReply.error && (
        <Alert variant="danger" isInline title="The CA reply was not imported">
          {importReply.error.message}
        </Alert>
      )}
    </FormModal>
  );
}
