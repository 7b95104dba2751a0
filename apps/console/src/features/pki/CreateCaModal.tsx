import {
  type CertificateAuthority,
  type KeyType,
  KeyTypeSchema,
  SubjectSchema,
} from "@conclave/protocol";
import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from "@patternfly/react-core";
import { useId, useState } from "react";
import { FieldError } from "../../components/FieldError";
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
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby={`${id}-title`}>
      <ModalHeader title="Create CA" labelId={`${id}-title`} />
      <ModalBody>
        <Form
          id={`${id}-form`}
          onSubmit={(event) => {
            event.preventDefault();
            submit();
          }}
        >
          <FormGroup label="Name" fieldId={`${id}-name`} isRequired>
            <TextInput
              id={`${id}-name`}
              value={name}
              validated={errors.name ? "error" : "default"}
              onChange={(_e, value) => setName(value)}
            />
            <FieldError message={errors.name} />
          </FormGroup>
          <FormGroup label="Common name (CN)" fieldId={`${id}-cn`} isRequired>
            <TextInput
              id={`${id}-cn`}
              value={cn}
              validated={errors.cn ? "error" : "default"}
              onChange={(_e, value) => setCn(value)}
            />
            <FieldError message={errors.cn} />
          </FormGroup>
          <FormGroup label="Validity (days)" fieldId={`${id}-validity`}>
            <TextInput
              id={`${id}-validity`}
              type="number"
              min={1}
              max={36_500}
              placeholder={parentId ? "1825" : "3650"}
              value={validityDays}
              validated={errors.validityDays ? "error" : "default"}
              onChange={(_e, value) => setValidityDays(value)}
            />
            <FieldError message={errors.validityDays} />
          </FormGroup>
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
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form={`${id}-form`} isLoading={create.isPending}>
          Create
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
