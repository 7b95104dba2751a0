import { isTlsProtocol, type RealmInterface } from "@conclave/protocol";
import {
  Alert,
  Button,
  Form,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Tab,
  Tabs,
  TabTitleText,
} from "@patternfly/react-core";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { BasicTab } from "./BasicTab";
import { CertificatesTab } from "./CertificatesTab";
import {
  CERTIFICATE_FIELDS,
  DEFAULT_INTERFACE_VALUES,
  type InterfaceFormValues,
  interfaceFormResolver,
  toDefinition,
  valuesFromInterface,
} from "./interface-form";
import { useCreateInterfaceMutation, useUpdateInterfaceMutation } from "./interfaces.queries";

export interface InterfaceModalProps {
  realm: string;
  /** The interface to edit; absent to add a new one. */
  existing?: RealmInterface;
  onClose: () => void;
}

/**
 * Add or edit an interface: a Basic tab and, for nsps/nhps, a Certificates tab. Validation uses
 * the shared InterfaceDefinitionSchema; the manager's answer (e.g. port in use) shows inline.
 */
export function InterfaceModal({ realm, existing, onClose }: InterfaceModalProps) {
  const isEdit = Boolean(existing);
  const [tab, setTab] = useState<"basic" | "certificates">("basic");
  const create = useCreateInterfaceMutation(realm);
  const update = useUpdateInterfaceMutation(realm);
  const saving = isEdit ? update : create;
  const {
    control,
    handleSubmit,
    setValue,
    formState: { errors },
  } = useForm<InterfaceFormValues>({
    resolver: interfaceFormResolver,
    defaultValues: existing ? valuesFromInterface(existing) : DEFAULT_INTERFACE_VALUES,
  });
  const protocol = useWatch({ control, name: "protocol" });
  const secure = isTlsProtocol(protocol);
  const activeTab = secure ? tab : "basic";

  const save = handleSubmit(
    (values) => {
      const body = toDefinition(values);
      const done = { onSuccess: onClose };
      if (existing) update.mutate({ alias: existing.alias, body }, done);
      else create.mutate(body, done);
    },
    (fieldErrors) => {
      // Show the tab holding the first problem, so the operator sees the message.
      const keys = Object.keys(fieldErrors) as (keyof InterfaceFormValues)[];
      const onCertificates = keys.every((k) => CERTIFICATE_FIELDS.includes(k));
      setTab(onCertificates && secure ? "certificates" : "basic");
    },
  );

  const title = existing ? `Edit interface ${existing.alias}` : "Add interface";
  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby="iface-modal-title">
      <ModalHeader title={title} labelId="iface-modal-title" />
      <ModalBody>
        <Form id="iface-form" onSubmit={save} noValidate>
          <Tabs
            activeKey={activeTab}
            onSelect={(_e, key) => setTab(key as "basic" | "certificates")}
            aria-label="Interface settings"
          >
            <Tab eventKey="basic" title={<TabTitleText>Basic</TabTitleText>}>
              <div style={{ display: "grid", gap: 16, paddingTop: 16 }}>
                <BasicTab control={control} errors={errors} isEdit={isEdit} />
              </div>
            </Tab>
            {secure && (
              <Tab eventKey="certificates" title={<TabTitleText>Certificates</TabTitleText>}>
                <div style={{ display: "grid", gap: 16, paddingTop: 16 }}>
                  <CertificatesTab
                    control={control}
                    errors={errors}
                    setValue={(name, value) =>
                      setValue(name, value, { shouldValidate: Boolean(errors[name]) })
                    }
                  />
                </div>
              </Tab>
            )}
          </Tabs>
          {saving.error && (
            <Alert variant="danger" isInline title="The interface was not saved">
              {saving.error.message}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="iface-form" isLoading={saving.isPending}>
          Save
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
