import type { KeystoreEntry } from "@conclave/protocol";
import { Button } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { ExpiryLabel } from "./ExpiryLabel";

export interface KeystoreEntriesTableProps {
  name: string;
  entries: KeystoreEntry[];
  /** The alias whose details are open, highlighted. */
  selectedAlias?: string;
  /** Opens an entry's details; without it aliases are plain text. */
  onSelect?: (alias: string) => void;
}

/** The entries of one keystore, as keytool -list -v shows them. */
export function KeystoreEntriesTable({
  name,
  entries,
  selectedAlias,
  onSelect,
}: KeystoreEntriesTableProps) {
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
        {entries.length === 0 && (
          <Tr>
            <Td colSpan={7}>This keystore has no entries yet.</Td>
          </Tr>
        )}
        {entries.map((entry) => (
          <Tr key={entry.alias} isRowSelected={entry.alias === selectedAlias}>
            <Td dataLabel="Alias">
              {onSelect ? (
                <Button variant="link" isInline onClick={() => onSelect(entry.alias)}>
                  {entry.alias}
                </Button>
              ) : (
                entry.alias
              )}
            </Td>
            <Td dataLabel="Kind">
              {entry.kind === "privateKey" ? "Private key" : "Trusted certificate"}
              {entry.isCA ? " (CA)" : ""}
              {entry.status === "pendingCaReply" ? " (awaiting CA reply)" : ""}
            </Td>
            <Td dataLabel="Subject">{entry.subject}</Td>
            <Td dataLabel="Issuer">
              {entry.issuer ?? "—"}
              {entry.chain[0]?.selfSigned ? " (self-signed)" : ""}
            </Td>
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
