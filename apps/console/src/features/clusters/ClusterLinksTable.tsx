import type { ClusterLinkView } from "@conclave/protocol";
import { LockIcon, LockOpenIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";

function Encryption({ link }: { link: ClusterLinkView }) {
  if (!link.encrypted) {
    return (
      <span>
        <LockOpenIcon aria-hidden /> Plaintext
      </span>
    );
  }
  const detail = [link.tlsVersion, link.cipher].filter(Boolean).join(" ");
  return (
    <span>
      <LockIcon aria-hidden /> {detail || "TLS"}
    </span>
  );
}

/** Inter-realm links as the members report them: who dials whom, over what, how fast. */
export function ClusterLinksTable({
  cluster,
  links,
}: {
  cluster: string;
  links: readonly ClusterLinkView[];
}) {
  return (
    <Table aria-label={`Links of ${cluster}`} variant="compact">
      <Thead>
        <Tr>
          <Th>From</Th>
          <Th>To</Th>
          <Th>Protocol</Th>
          <Th>Encryption</Th>
          <Th modifier="wrap">Peer certificate</Th>
          <Th>RTT</Th>
        </Tr>
      </Thead>
      <Tbody>
        {links.length === 0 && (
          <Tr>
            <Td colSpan={6}>No inter-realm links are up.</Td>
          </Tr>
        )}
        {links.map((link) => (
          <Tr key={`${link.from}→${link.to}`}>
            <Td dataLabel="From">{link.from}</Td>
            <Td dataLabel="To">{link.to}</Td>
            <Td dataLabel="Protocol">{link.protocol}</Td>
            <Td dataLabel="Encryption">
              <Encryption link={link} />
            </Td>
            <Td dataLabel="Peer certificate">
              {link.encrypted ? (link.verified ? "Verified" : "Not verified") : "—"}
            </Td>
            <Td dataLabel="RTT">{link.rttMs === null ? "—" : `${link.rttMs.toFixed(1)} ms`}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
