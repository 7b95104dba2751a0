import { Alert } from "@patternfly/react-core";
import { useId, useState } from "react";
import { FileField } from "../../components/FileField";
import { FormModal } from "../../components/FormModal";
import { InputField } from "../../components/InputField";
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
    <FormModal
      title="Import trusted certificate"
      submitLabel="Import"
      isPending={importCertificate.isPending}
      onSubmit={submit}
      onClose={onClose}
    >
      <FileField
        id={`${id}-file`}
        label="Certificate file"
        accept=".pem,.crt,.cer,.der"
        error={fileError}
        isRequired
        onChange={setFile}
      />
      <InputField
        id={`${id}-alias`}
        label="Alias"
        value={alias}
        onChange={setAlias}
        hint="Leave empty to derive it from the certificate's CN."
      />
      {importCertificate.error && (
        <Alert variant="danger" isInline title="The certificate was not imported">
          {importCertificate.error.message}
        </Alert>
      )}
    </FormModal>
  );
}
