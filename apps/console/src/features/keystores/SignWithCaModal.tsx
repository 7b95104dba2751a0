import { Alert, FormGroup, FormSelect, FormSelectOption, Spinner } from "@patternfly/react-core";
import { useId, useState } from "react";
import { FieldError } from "../../components/FieldError";
import { FormModal } from "../../components/FormModal";
import { InputField } from "../../components/InputField";
import { useCertificateAuthoritiesQuery, useIssueCertificateMutation } from "../pki/pki.queries";

export interface SignWithCaModalProps {
  keystoreId: string;
  alias: string;
  onClose: () => void;
}

/**
 * Has a private CA sign a key entry's CSR and imports the reply, in one request (…/issue). For
 * an entry that already holds a certificate this is a renewal with the same key.
 */
export function SignWithCaModal({ keystoreId, alias, onClose }: SignWithCaModalProps) {
  const id = useId();
  const cas = useCertificateAuthoritiesQuery();
  const issue = useIssueCertificateMutation();
  const [caId, setCaId] = useState("");
  const [validityDays, setValidityDays] = useState("397");
  const [errors, setErrors] = useState<{ caId?: string; validityDays?: string }>({});

  const submit = () => {
    const days = Number(validityDays);
    const next = {
      caId: caId ? undefined : "Choose a certificate authority",
      validityDays:
        Number.isInteger(days) && days >= 1 && days <= 3650
          ? undefined
          : "Validity is 1 to 3650 days",
    };
    setErrors(next);
    if (next.caId || next.validityDays) return;
    issue.mutate(
      { caId, body: { keystoreId, alias, validityDays: days } },
      { onSuccess: () => onClose() },
    );
  };

  return (
    <FormModal
      title={`Sign ${alias} with a private CA`}
      submitLabel="Sign and import"
      isPending={issue.isPending}
      onSubmit={submit}
      onClose={onClose}
      lead={
        <>
          {cas.isPending && <Spinner size="md" aria-label="Loading certificate authorities" />}
          {cas.error && <Alert variant="danger" isInline title={cas.error.message} />}
          {cas.data?.items.length === 0 && (
            <Alert variant="info" isInline title="No private CA yet">
              Create one under Private CAs on this page first.
            </Alert>
          )}
        </>
      }
    >
      <FormGroup label="Certificate authority" fieldId={`${id}-ca`} isRequired>
        <FormSelect
          id={`${id}-ca`}
          value={caId}
          validated={errors.caId ? "error" : "default"}
          onChange={(_e, value) => setCaId(value)}
        >
          <FormSelectOption value="" label="Choose a CA…" />
          {(cas.data?.items ?? []).map((ca) => (
            <FormSelectOption key={ca.id} value={ca.id} label={`${ca.name} (${ca.subject})`} />
          ))}
        </FormSelect>
        <FieldError message={errors.caId} />
      </FormGroup>
      <InputField
        id={`${id}-validity`}
        label="Validity (days)"
        type="number"
        min={1}
        max={3650}
        value={validityDays}
        onChange={setValidityDays}
        error={errors.validityDays}
      />
      {issue.error && (
        <Alert variant="danger" isInline title="The certificate was not issued">
          {issue.error.message}
        </Alert>
      )}
    </FormModal>
  );
}
