import { type PlaintextPolicy, TLS_PROTOCOLS, type WizardKind } from "@conclave/protocol";
import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
} from "@patternfly/react-core";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { FieldError } from "../../components/FieldError";
import { useKeystoresQuery } from "../keystores/keystores.queries";
import {
  DEFAULT_START_FORM,
  type StartWizardErrors,
  type StartWizardForm,
  toCreateRequest,
} from "./start-wizard-form";
import { WIZARD_TITLE } from "./wizard-view";
import { useCreateWizardMutation } from "./wizards.queries";

export interface StartWizardModalProps {
  kind: WizardKind;
  cluster: string;
  members: string[];
  onClose: () => void;
}

const PLAINTEXT_CHOICES: { value: PlaintextPolicy; label: string }[] = [
  { value: "keep", label: "Keep serving clients" },
  { value: "loopback", label: "Restrict to loopback" },
  { value: "remove", label: "Remove" },
];

/**
 * The choices a wizard starts with. The form is a handful of radios, checkboxes and selects
 * with no free text, so plain state and a pure builder checked with the shared schema
 * (start-wizard-form.ts) replace react-hook-form here. Start posts and opens the wizard's page.
 */
export function StartWizardModal({ kind, cluster, members, onClose }: StartWizardModalProps) {
  const [form, setForm] = useState<StartWizardForm>(DEFAULT_START_FORM);
  const [errors, setErrors] = useState<StartWizardErrors>({});
  const create = useCreateWizardMutation();
  const navigate = useNavigate();
  const encrypt = kind === "encrypt-inter-realm";
  const change = (patch: Partial<StartWizardForm>) => setForm((f) => ({ ...f, ...patch }));

  const start = (event?: FormEvent) => {
    event?.preventDefault();
    const result = toCreateRequest(kind, cluster, members, form);
    if ("errors" in result) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    create.mutate(result.body, {
      onSuccess: ({ id }) => {
        onClose();
        navigate(`/wizards/${encodeURIComponent(id)}`);
      },
    });
  };

  const titleId = `start-${kind}-title`;
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby={titleId}>
      <ModalHeader title={WIZARD_TITLE[kind]} labelId={titleId} />
      <ModalBody>
        <Form id={`start-${kind}-form`} onSubmit={start} noValidate>
          <FormGroup label="Certificates" role="radiogroup" isStack fieldId={`${kind}-certs`}>
            <Radio
              id={`${kind}-certs-issue`}
              name={`${kind}-certificates`}
              label="Issue certificates from a private CA"
              description="One click: a private CA issues every member realm a certificate for the addresses its peers dial."
              isChecked={form.certificates === "issue"}
              onChange={() => change({ certificates: "issue" })}
            />
            <Radio
              id={`${kind}-certs-uploaded`}
              name={`${kind}-certificates`}
              label="Use uploaded keystores"
              isChecked={form.certificates === "uploaded"}
              onChange={() => change({ certificates: "uploaded" })}
            />
          </FormGroup>
          {form.certificates === "uploaded" && (
            <KeystoreChoices
              kind={kind}
              members={members}
              stores={form.stores}
              errors={errors}
              onChange={(stores) => change({ stores })}
            />
          )}
          {encrypt && (
            <>
              <FormGroup
                label="Old plaintext interfaces"
                role="radiogroup"
                isStack
                fieldId={`${kind}-plaintext`}
              >
                {PLAINTEXT_CHOICES.map((choice) => (
                  <Radio
                    key={choice.value}
                    id={`${kind}-plaintext-${choice.value}`}
                    name={`${kind}-plaintext`}
                    label={choice.label}
                    isChecked={form.plaintext === choice.value}
                    onChange={() => change({ plaintext: choice.value })}
                  />
                ))}
              </FormGroup>
              <Checkbox
                id={`${kind}-client-interface`}
                label="Also add a TLS interface for clients"
                isChecked={form.clientInterface}
                onChange={(_e, checked) => change({ clientInterface: checked })}
              />
              <FormGroup label="TLS protocols" role="group" isStack fieldId={`${kind}-protocols`}>
                {TLS_PROTOCOLS.map((p) => (
                  <Checkbox
                    key={p}
                    id={`${kind}-protocol-${p}`}
                    label={p}
                    isChecked={form.protocols.includes(p)}
                    onChange={(_e, checked) =>
                      change({
                        // Keep the schema's order whatever the order of clicks.
                        protocols: TLS_PROTOCOLS.filter((q) =>
                          q === p ? checked : form.protocols.includes(q),
                        ),
                      })
                    }
                  />
                ))}
                <FieldError message={errors.protocols} />
              </FormGroup>
            </>
          )}
          {errors.form && <Alert variant="danger" isInline title={errors.form} />}
          {create.error && (
            <Alert variant="danger" isInline title="The wizard was not started">
              {create.error.message}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form={`start-${kind}-form`} isLoading={create.isPending}>
          Start
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

interface KeystoreChoicesProps {
  kind: WizardKind;
  members: string[];
  stores: StartWizardForm["stores"];
  errors: StartWizardErrors;
  onChange: (stores: StartWizardForm["stores"]) => void;
}

/** A key store and a trust store (GET /keystores) for every member realm. */
function KeystoreChoices({ kind, members, stores, errors, onChange }: KeystoreChoicesProps) {
  const keystores = useKeystoresQuery();
  const items = keystores.data?.items ?? [];
  const pick = (realm: string, field: "keystoreId" | "truststoreId", value: string) => {
    const current = stores[realm] ?? { keystoreId: "", truststoreId: "" };
    onChange({ ...stores, [realm]: { ...current, [field]: value } });
  };
  return (
    <>
      {keystores.error && <Alert variant="danger" isInline title={keystores.error.message} />}
      {members.map((realm) => (
        <div key={realm} style={{ display: "grid", gap: 8, gridTemplateColumns: "1fr 1fr" }}>
          {(["keystoreId", "truststoreId"] as const).map((field) => {
            const what = field === "keystoreId" ? "Key store" : "Trust store";
            const errorKey = `${field === "keystoreId" ? "keystore" : "truststore"}:${realm}`;
            const id = `${kind}-${field}-${realm}`;
            return (
              <FormGroup key={field} label={`${what} for ${realm}`} isRequired fieldId={id}>
                <FormSelect
                  id={id}
                  value={stores[realm]?.[field] ?? ""}
                  validated={errors[errorKey] ? "error" : "default"}
                  onChange={(_e, value) => pick(realm, field, value)}
                >
                  <FormSelectOption value="" label={`Choose a ${what.toLowerCase()}…`} />
                  {items.map((s) => (
                    <FormSelectOption key={s.id} value={s.id} label={s.name} />
                  ))}
                </FormSelect>
                <FieldError message={errors[errorKey]} />
              </FormGroup>
            );
          })}
        </div>
      ))}
    </>
  );
}
