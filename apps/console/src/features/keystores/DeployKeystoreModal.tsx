import type { KeystoreEntry } from "@conclave/protocol";
import {
  Alert,
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Label,
  List,
  ListItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
} from "@patternfly/react-core";
import { useId, useState } from "react";
import { FieldError } from "../../components/FieldError";
import { useRealmsQuery } from "../realms/realms.queries";
import { useDeployKeystoreMutation } from "./keystores.queries";

export interface DeployKeystoreModalProps {
  keystoreId: string;
  keystoreName: string;
  /** The keystore's entries; with several keys the operator picks the one to serve. */
  entries: KeystoreEntry[];
  onClose: () => void;
}

/**
 * Delivers a keystore's key to chosen realms and reloads the TLS interfaces that use it. Each
 * realm answers for itself, so one unreachable agent does not hide the others' success.
 */
export function DeployKeystoreModal({
  keystoreId,
  keystoreName,
  entries,
  onClose,
}: DeployKeystoreModalProps) {
  const id = useId();
  const realms = useRealmsQuery();
  const deploy = useDeployKeystoreMutation(keystoreId);
  const [chosen, setChosen] = useState<string[]>([]);
  const [keyAlias, setKeyAlias] = useState("");
  const [realmError, setRealmError] = useState<string | undefined>();
  const keys = entries.filter((e) => e.kind === "privateKey" && e.status === "ok");

  const toggle = (realm: string, checked: boolean) =>
    setChosen((current) =>
      checked ? [...current, realm] : current.filter((name) => name !== realm),
    );

  const submit = () => {
    setRealmError(chosen.length > 0 ? undefined : "Choose at least one realm");
    if (chosen.length === 0) return;
    deploy.mutate({ realms: chosen, keyAlias: keyAlias || undefined });
  };

  return (
    <Modal isOpen onClose={onClose} variant="medium" aria-labelledby={`${id}-title`}>
      <ModalHeader title={`Deploy ${keystoreName} to realms`} labelId={`${id}-title`} />
      <ModalBody>
        {deploy.data ? (
          <List isPlain aria-label="Deployment results">
            {deploy.data.map((result) => (
              <ListItem key={result.realm}>
                <Label color={result.ok ? "green" : "red"}>
                  {result.realm}: {result.ok ? "deployed" : "failed"}
                </Label>{" "}
                {result.ok
                  ? result.interfaces.length > 0
                    ? `Reloaded ${result.interfaces.join(", ")}`
                    : "No interface uses this keystore"
                  : result.error}
              </ListItem>
            ))}
          </List>
        ) : (
          <Form
            id={`${id}-form`}
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <FormGroup label="Realms" role="group" fieldId={`${id}-realms`} isRequired>
              {realms.isPending && <Spinner size="md" aria-label="Loading realms" />}
              {realms.error && <Alert variant="danger" isInline title={realms.error.message} />}
              {realms.data?.length === 0 && <div>No realms are connected.</div>}
              {realms.data?.map((realm) => (
                <Checkbox
                  key={realm.name}
                  id={`${id}-realm-${realm.name}`}
                  label={realm.name}
                  description={realm.cluster ? `Cluster ${realm.cluster}` : undefined}
                  isChecked={chosen.includes(realm.name)}
                  onChange={(_e, checked) => toggle(realm.name, checked)}
                />
              ))}
              <FieldError message={realmError} />
            </FormGroup>
            {keys.length > 1 && (
              <FormGroup label="Key entry" fieldId={`${id}-key`}>
                <FormSelect
                  id={`${id}-key`}
                  value={keyAlias}
                  onChange={(_e, value) => setKeyAlias(value)}
                >
                  <FormSelectOption value="" label="The one each interface uses now" />
                  {keys.map((entry) => (
                    <FormSelectOption key={entry.alias} value={entry.alias} label={entry.alias} />
                  ))}
                </FormSelect>
              </FormGroup>
            )}
            {deploy.error && (
              <Alert variant="danger" isInline title="The keystore was not deployed">
                {deploy.error.message}
              </Alert>
            )}
          </Form>
        )}
      </ModalBody>
      <ModalFooter>
        {deploy.data ? (
          <Button onClick={onClose}>Close</Button>
        ) : (
          <>
            <Button type="submit" form={`${id}-form`} isLoading={deploy.isPending}>
              Deploy
            </Button>
            <Button variant="link" onClick={onClose}>
              Cancel
            </Button>
          </>
        )}
      </ModalFooter>
    </Modal>
  );
}
