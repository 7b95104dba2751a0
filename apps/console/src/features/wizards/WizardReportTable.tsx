import type { WizardReport } from "@conclave/protocol";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";

/** The link report: how every inter-realm link ended up, as the realms report it. */
export function WizardReportTable({ report }: { report: WizardReport }) {
  return (
    <>
      <Table aria-label="Link report" variant="compact">
        <Thead>
          <Tr>
            <Th>From</Th>
            <Th>To</Th>
            <Th>Protocol</Th>
            <Th>TLS version</Th>
            <Th>Cipher</Th>
            <Th>Peer certificate SHA-256</Th>
            <Th>Verified</Th>
          </Tr>
        </Thead>
        <Tbody>
          {report.links.map((link) => (
            <Tr key={`${link.from}→${link.to}`}>
              <Td dataLabel="From">{link.from}</Td>
              <Td dataLabel="To">{link.to}</Td>
              <Td dataLabel="Protocol">{link.protocol}</Td>
              <Td dataLabel="TLS version">{link.tlsVersion ?? "—"}</Td>
              <Td dataLabel="Cipher">{link.cipher ?? "—"}</Td>
              <Td dataLabel="Peer certificate SHA-256" style={{ wordBreak: "break-all" }}>
                {link.peerCertificateSha256 ?? "—"}
              </Td>
              <Td dataLabel="Verified">
                {link.tlsVersion ? (link.peerCertificateVerified ? "Yes" : "No") : "—"}
              </Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
      {report.lockedDown.length > 0 && (
        <Table aria-label="Lock down" variant="compact">
          <Thead>
            <Tr>
              <Th>Realm</Th>
              <Th>Old interface</Th>
              <Th>Plaintext inter-realm hello</Th>
            </Tr>
          </Thead>
          <Tbody>
            {report.lockedDown.map((item) => (
              <Tr key={`${item.realm}/${item.alias}`}>
                <Td dataLabel="Realm">{item.realm}</Td>
                <Td dataLabel="Old interface">{item.alias}</Td>
                <Td dataLabel="Plaintext inter-realm hello">
                  {item.refused ? "Refused" : "Accepted"}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}
    </>
  );
}
