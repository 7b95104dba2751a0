import {
  type CertificateAuthority,
  type KeyType,
  KeyTypeSchema,
  SubjectSchema,
} from "@conclave/protocol";
import { Alert, FormGroup, FormSelect, FormSelectOption } from "@patternfly/react-core";
import { useId, useState } from "react";
import { FormModal } from "../../components/FormModal";
import { InputField } from "../../components/InputField";
import { useCreateCertificateAuthorityMutation } from "./pki.queries";

export interface CreateCaModalProps {
  /** Existing CAs, any of which can sign the new one as an intermediate. */
  cas: CertificateAuthority[];
  onClose: () => void;
}

type Errors = Partial<Record<"name" | "cn" | "validityDays", string>>;

/** Creates a root CA, or an intermediate signed by one of the manager's CAs. */
export function CreateCaModal({ cas, onClose }: CreateCaModalProps) {
  const id = useId();
  const create = useCreateCertificateAuthorityMutation();
  const [name, setName] = useState("");
  const [cn, setCn] = useState("");
  const [validityDays, setValidityDays] = useState("");
  const [keyType, setKeyType] = useState<KeyType>("EC-P256");
  const [parentId, setParentId] = useState("");
  const [errors, setErrors] = useState<Errors>({});

  const submit = () => {
    const days = validityDays.trim() ? Number(validityDays) : undefined;
    const cnResult = SubjectSchema.shape.CN.safeParse(cn);
    const next: Errors = {
      name: name.trim() ? undefined : "Name is required",
      cn: cnResult.success ? undefined : cnResult.error.issues[0]?.message,
      validityDays:
        days === undefined || (Number.isInteger(days) && days >= 1 && days <= 36_500)
          ? undefined
          : "Validity is 1 to 36500 days",
    };
    setErrors(next);
    if (next.name || next.cn || next.validityDays) return;
    create.mutate(
      {
        name: name.trim(),
        subject: { CN: cn.trim() },
        keyType,
        validityDays: days,
        intermediateOf: parentId || undefined,
      },
      { onSuccess: () => onClose() },
    );
  };

  return (
    <FormModal
      title="Create CA"
      submitLabel="Create"
      isPending={create.isPending}
      onSubmit={submit}
      onClose={onClose}
    >
      <InputField
        id={`${id}-name`}
        label="Name"
        value={name}
        onChange={setName}
        error={errors.name}
        isRequired
      />
      <InputField
        id={`${id}-cn`}
        label="Common name (CN)"
        value={cn}
        onChange={setCn}
        error={errors.cn}
        isRequired
      />
      <InputField
        id={`${id}-validity`}
        label="Validity (days)"
        type="number"
        min={1}
        max={36_500}
        placeholder={parentId ? "1825" : "3650"}
        value={validityDays}
        onChange={setValidityDays}
        error={errors.validityDays}
      />
      <FormGroup label="Key type" fieldId={`${id}-key-type`}>
        <FormSelect
          id={`${id}-key-type`}
          value={keyType}
          onChange={(_e, value) => setKeyType(KeyTypeSchema.parse(value))}
        >
          {KeyTypeSchema.options.map((option) => (
            <FormSelectOption key={option} value={option} label={option} />
          ))}
        </FormSelect>
      </FormGroup>
      {cas.length > 0 && (
        <FormGroup label="Signed by" fieldId={`${id}-parent`}>
          <FormSelect
            id={`${id}-parent`}
            value={parentId}
            onChange={(_e, value) => setParentId(value)}
          >
            <FormSelectOption value="" label="Nobody: a root CA" />
            {cas.map((ca) => (
              <FormSelectOption key={ca.id} value={ca.id} label={ca.name} />
            ))}
          </FormSelect>
        </FormGroup>
      )}
      {create.error && (
        <Alert variant="danger" isInline title="The CA was not created">
          {create.error.message}
        </Alert>
      )}
    </FormModal>
  );
}
