import {
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  Modal,
  ModalBody,
  ModalHeader,
  PageSection,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import { useHasRole } from "../session/session.queries";
import { ExpiryLabel } from "./ExpiryLabel";
import { KeystoreEntriesTable } from "./KeystoreEntriesTable";
import { KeystoreUploadForm } from "./KeystoreUploadForm";
import {
  useDeleteKeystoreMutation,
  useKeystoreQuery,
  useKeystoresQuery,
} from "./keystores.queries";

/** Keystores and truststores kept by the manager: upload, inspect entries, delete. */
export function KeystoresPage() {
  const canEdit = useHasRole("operator");
  const list = useKeystoresQuery();
  const remove = useDeleteKeystoreMutation();
  const [uploading, setUploading] = useState(false);
  const [selected, setSelected] = useState<string | undefined>();
  const detail = useKeystoreQuery(selected);

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Keystores</Title>
      </PageSection>
      <PageSection>
        {canEdit && (
          <Toolbar>
            <ToolbarContent>
              <ToolbarItem>
                <Button onClick={() => setUploading(true)}>Upload keystore</Button>
              </ToolbarItem>
            </ToolbarContent>
          </Toolbar>
        )}
        {list.isPending && <Spinner aria-label="Loading keystores" />}
        {list.error && <Alert variant="danger" isInline title={list.error.message} />}
        {list.data && list.data.items.length === 0 && (
          <EmptyState titleText="No keystores yet" headingLevel="h2">
            <EmptyStateBody>
              Upload a .jks, .p12/.pfx or .pem file to serve TLS on nsps and nhps interfaces.
            </EmptyStateBody>
          </EmptyState>
        )}
        {list.data && list.data.items.length > 0 && (
          <Table aria-label="Keystores" variant="compact">
            <Thead>
              <Tr>
                <Th>Name</Th>
                <Th>Type</Th>
                <Th>Private keys</Th>
                <Th>Trusted certificates</Th>
                <Th>Nearest expiry</Th>
                <Th screenReaderText="Actions" />
              </Tr>
            </Thead>
            <Tbody>
              {list.data.items.map((store) => (
                <Tr key={store.id} isRowSelected={store.id === selected}>
                  <Td dataLabel="Name">
                    <Button variant="link" isInline onClick={() => setSelected(store.id)}>
                      {store.name}
                    </Button>
                  </Td>
                  <Td dataLabel="Type">{store.type}</Td>
                  <Td dataLabel="Private keys">{store.privateKeyCount}</Td>
                  <Td dataLabel="Trusted certificates">{store.trustedCertificateCount}</Td>
                  <Td dataLabel="Nearest expiry">
                    <ExpiryLabel at={store.nearestExpiry} status={store.expiry} />
                  </Td>
                  <Td isActionCell>
                    {canEdit && (
                      <Button
                        variant="secondary"
                        isDanger
                        size="sm"
                        aria-label={`Delete ${store.name}`}
                        onClick={() => {
                          if (window.confirm(`Delete keystore ${store.name}?`)) {
                            remove.mutate(store.id);
                            if (selected === store.id) setSelected(undefined);
                          }
                        }}
                      >
                        Delete
                      </Button>
                    )}
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
        {remove.error && <Alert variant="danger" isInline title={remove.error.message} />}
      </PageSection>
      {detail.data && (
        <PageSection>
          <Title headingLevel="h2">{detail.data.name}</Title>
          <KeystoreEntriesTable name={detail.data.name} entries={detail.data.entries} />
        </PageSection>
      )}
      <Modal
        isOpen={uploading}
        onClose={() => setUploading(false)}
        variant="medium"
        aria-labelledby="upload-keystore-title"
      >
        <ModalHeader title="Upload keystore" labelId="upload-keystore-title" />
        <ModalBody>
          <KeystoreUploadForm
            showName
            onUploaded={(keystore) => {
              setSelected(keystore.id);
              setUploading(false);
            }}
          />
        </ModalBody>
      </Modal>
    </>
  );
}
