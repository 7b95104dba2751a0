import {
  Alert,
  Button,
  Drawer,
  DrawerContent,
  DrawerContentBody,
  DrawerPanelContent,
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
import { PrivateCasSection } from "../pki/PrivateCasSection";
import { useHasRole } from "../session/session.queries";
import { ChangeKeystorePasswordModal } from "./ChangeKeystorePasswordModal";
import { DeployKeystoreModal } from "./DeployKeystoreModal";
import { ExpiryLabel } from "./ExpiryLabel";
import { GenerateKeyPairModal } from "./GenerateKeyPairModal";
import { ImportTrustedCertificateModal } from "./ImportTrustedCertificateModal";
import { KeystoreDownloadMenu } from "./KeystoreDownloadMenu";
import { KeystoreEntriesTable } from "./KeystoreEntriesTable";
import { KeystoreEntryDetails } from "./KeystoreEntryDetails";
import { KeystoreUploadForm } from "./KeystoreUploadForm";
import {
  useDeleteKeystoreMutation,
  useKeystoreQuery,
  useKeystoresQuery,
} from "./keystores.queries";

type KeystoreDialog = "upload" | "trusted" | "keyPair" | "deploy" | "password";

/**
 * Keystores and truststores kept by the manager: upload, inspect entries and their chains,
 * generate keys and have them signed, download, deploy to realms, change the password; and the
 * private CAs.
 */
export function KeystoresPage() {
  const canEdit = useHasRole("operator");
  const list = useKeystoresQuery();
  const remove = useDeleteKeystoreMutation();
  const [dialog, setDialog] = useState<KeystoreDialog | null>(null);
  const [selected, setSelected] = useState<string | undefined>();
  const [selectedAlias, setSelectedAlias] = useState<string | undefined>();
  const detail = useKeystoreQuery(selected);
  const store = detail.data?.id === selected ? detail.data : undefined;
  // Looked up on every render, so the drawer closes when the entry is deleted or replaced.
  const entry = store?.entries.find((e) => e.alias === selectedAlias);
  const select = (id: string | undefined) => {
    setSelected(id);
    setSelectedAlias(undefined);
  };

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
                <Button onClick={() => setDialog("upload")}>Upload keystore</Button>
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
                    <Button variant="link" isInline onClick={() => select(store.id)}>
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
                            if (selected === store.id) select(undefined);
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
      {detail.error && (
        <PageSection>
          <Alert variant="danger" isInline title={detail.error.message} />
        </PageSection>
      )}
      {store && (
        <PageSection aria-label={`Keystore ${store.name}`}>
          <Drawer isExpanded={Boolean(entry)} isInline>
            <DrawerContent
              panelContent={
                <DrawerPanelContent widths={{ default: "width_50" }}>
                  {entry && (
                    <KeystoreEntryDetails
                      key={`${store.id}/${entry.alias}`}
                      keystoreId={store.id}
                      entry={entry}
                      canEdit={canEdit}
                      onClose={() => setSelectedAlias(undefined)}
                    />
                  )}
                </DrawerPanelContent>
              }
            >
              <DrawerContentBody>
                <Title headingLevel="h2">{store.name}</Title>
                {canEdit && (
                  <Toolbar>
                    <ToolbarContent>
                      <ToolbarItem>
                        <Button variant="secondary" onClick={() => setDialog("trusted")}>
                          Import trusted certificate
                        </Button>
                      </ToolbarItem>
                      <ToolbarItem>
                        <Button variant="secondary" onClick={() => setDialog("keyPair")}>
                          Generate key pair
                        </Button>
                      </ToolbarItem>
                      <ToolbarItem>
                        <KeystoreDownloadMenu keystoreId={store.id} keystoreName={store.name} />
                      </ToolbarItem>
                      <ToolbarItem>
                        <Button variant="secondary" onClick={() => setDialog("deploy")}>
                          Deploy to realms
                        </Button>
                      </ToolbarItem>
                      <ToolbarItem>
                        <Button variant="secondary" onClick={() => setDialog("password")}>
                          Change password
                        </Button>
                      </ToolbarItem>
                    </ToolbarContent>
                  </Toolbar>
                )}
                <KeystoreEntriesTable
                  name={store.name}
                  entries={store.entries}
                  selectedAlias={entry?.alias}
                  onSelect={setSelectedAlias}
                />
              </DrawerContentBody>
            </DrawerContent>
          </Drawer>
          {dialog === "trusted" && (
            <ImportTrustedCertificateModal keystoreId={store.id} onClose={() => setDialog(null)} />
          )}
          {dialog === "keyPair" && (
            <GenerateKeyPairModal keystoreId={store.id} onClose={() => setDialog(null)} />
          )}
          {dialog === "deploy" && (
            <DeployKeystoreModal
              keystoreId={store.id}
              keystoreName={store.name}
              entries={store.entries}
              onClose={() => setDialog(null)}
            />
          )}
          {dialog === "password" && (
            <ChangeKeystorePasswordModal
              keystoreId={store.id}
              keystoreName={store.name}
              onClose={() => setDialog(null)}
            />
          )}
        </PageSection>
      )}
      <PageSection>
        <PrivateCasSection />
      </PageSection>
      <Modal
        isOpen={dialog === "upload"}
        onClose={() => setDialog(null)}
        variant="medium"
        aria-labelledby="upload-keystore-title"
      >
        <ModalHeader title="Upload keystore" labelId="upload-keystore-title" />
        <ModalBody>
          <KeystoreUploadForm
            showName
            onUploaded={(keystore) => {
              select(keystore.id);
              setDialog(null);
            }}
          />
        </ModalBody>
      </Modal>
    </>
  );
}
