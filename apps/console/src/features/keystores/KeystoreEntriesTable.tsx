import type { KeystoreEntry } from "@conclave/protocol";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { ExpiryLabel } from "./ExpiryLabel";

export interface KeystoreEntriesTableProps {
  name: string;
  entries: KeystoreEntry[];
}

/** The entries of one keystore, as keytool -list -v shows them. */
export function KeystoreEntriesTable({ name, entries }: KeystoreEntriesTableProps) {
  return (
    <Table aria-label={`Entries of ${name}`} variant="compact">
      <Thead>
        <Tr>
          <Th>Alias</Th>
          <Th>Kind</Th>
          <Th>Subject</Th>
          <Th>Issuer</Th>
          <Th>SANs</Th>
          <Th>Expires</Th>
          <Th>SHA-256 fingerprint</Th>
        </Tr>
      </Thead>
      <Tbody>
        {entries.map((entry) => (
          <Tr key={entry.alias}>
            <Td dataLabel="Alias">{entry.alias}</Td>
            <Td dataLabel="Kind">
              {entry.kind === "privateKey" ? "Private key" : "Trusted certificate"}
              {entry.status === "pendingCaReply" ? " (awaiting CA reply)" : ""}
            </Td>
            <Td dataLabel="Subject">{entry.subject}</Td>
            <Td dataLabel="Issuer">{entry.issuer ?? "—"}</Td>
            <Td dataLabel="SANs">{entry.sans.join(", ") || "—"}</Td>
            <Td dataLabel="Expires">
              <ExpiryLabel at={entry.notAfter} status={entry.expiry} />
            </Td>
            <Td dataLabel="SHA-256 fingerprint" modifier="breakWord">
              <code style={{ fontSize: "0.75em" }}>{entry.sha256 ?? "—"}</code>
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
