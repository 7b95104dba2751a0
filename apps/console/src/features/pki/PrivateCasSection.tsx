import {
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { apiFile, seg } from "../../api/client";
import { saveFile } from "../../api/save-file";
import { ExpiryLabel } from "../keystores/ExpiryLabel";
import { useHasRole } from "../session/session.queries";
import { CreateCaModal } from "./CreateCaModal";
import { useCertificateAuthoritiesQuery } from "./pki.queries";

/** Days before notAfter from which a CA shows as expiring, as the manager's default checks. */
const WARN_DAYS = 30;

function expiryOf(notBefore: string, notAfter: string) {
  const now = Date.now();
  if (Date.parse(notBefore) > now) return "notYetValid" as const;
  if (Date.parse(notAfter) <= now) return "expired" as const;
  if (Date.parse(notAfter) - now < WARN_DAYS * 86_400_000) return "expiringSoon" as const;
  return "valid" as const;
}

/**
 * The manager's private CAs: sign realm certificates without an external CA. Their
 * certificates are downloaded to put into truststores; their keys never leave the manager.
 */
export function PrivateCasSection() {
  const canEdit = useHasRole("operator");
  const cas = useCertificateAuthoritiesQuery();
  const [creating, setCreating] = useState(false);
  const download = useMutation({
    mutationFn: async ({ id, name }: { id: string; name: string }) => {
      const file = await apiFile(`/pki/cas/${seg(id)}/certificate`, {
        query: { chain: "true" },
        fallbackName: `${name}.pem`,
      });
      saveFile(file.blob, file.fileName);
    },
  });

  return (
    <section aria-labelledby="private-cas-title">
      <Title headingLevel="h2" id="private-cas-title">
        Private CAs
      </Title>
      {canEdit && (
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <Button variant="secondary" onClick={() => setCreating(true)}>
                Create CA
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      )}
      {cas.isPending && <Spinner size="md" aria-label="Loading certificate authorities" />}
      {cas.error && <Alert variant="danger" isInline title={cas.error.message} />}
      {cas.data?.items.length === 0 && (
        <EmptyState titleText="No private CA yet" headingLevel="h3">
          <EmptyStateBody>
            Create one to sign the realms' key pairs and put its certificate in their truststores.
          </EmptyStateBody>
        </EmptyState>
      )}
      {cas.data && cas.data.items.length > 0 && (
        <Table aria-label="Private CAs" variant="compact">
          <Thead>
            <Tr>
              <Th>Name</Th>
              <Th>Subject</Th>
              <Th>Signed by</Th>
              <Th>Key type</Th>
              <Th>Expires</Th>
              <Th>Issued</Th>
              <Th screenReaderText="Actions" />
            </Tr>
          </Thead>
          <Tbody>
            {cas.data.items.map((ca) => (
              <Tr key={ca.id}>
                <Td dataLabel="Name">{ca.name}</Td>
                <Td dataLabel="Subject">{ca.subject}</Td>
                <Td dataLabel="Signed by">
                  {ca.parentId
                    ? (cas.data.items.find((p) => p.id === ca.parentId)?.name ?? ca.issuer)
                    : "Root"}
                </Td>
                <Td dataLabel="Key type">
                  {ca.keyType} {ca.keySize}
                </Td>
                <Td dataLabel="Expires">
                  <ExpiryLabel at={ca.notAfter} status={expiryOf(ca.notBefore, ca.notAfter)} />
                </Td>
                <Td dataLabel="Issued">{ca.issuedCount}</Td>
                <Td isActionCell>
                  <Button
                    variant="secondary"
                    size="sm"
                    aria-label={`Download certificate of ${ca.name}`}
                    onClick={() => download.mutate({ id: ca.id, name: ca.name })}
                  >
                    Download certificate
                  </Button>
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
      {download.error && (
        <Alert variant="danger" isInline title="The CA certificate was not downloaded">
          {download.error.message}
        </Alert>
      )}
      {creating && <CreateCaModal cas={cas.data?.items ?? []} onClose={() => setCreating(false)} />}
    </section>
  );
}
