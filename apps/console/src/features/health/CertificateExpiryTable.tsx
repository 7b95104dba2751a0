import type { CertificateExpiry } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { certificateLook, formatDaysLeft } from "./health-looks";

/** Certificates in keystores and on running interfaces, soonest expiry first. */
export function CertificateExpiryTable({ certificates }: { certificates: CertificateExpiry[] }) {
  if (certificates.length === 0) return <p>No certificates are stored or served yet.</p>;
  return (
    <Table aria-label="Certificate expiry" variant="compact">
      <Thead>
        <Tr>
          <Th>Where</Th>
          <Th>Subject</Th>
          <Th>Expires</Th>
          <Th>Days left</Th>
        </Tr>
      </Thead>
      <Tbody>
        {certificates.map((cert) => {
          const look = certificateLook(cert.status);
          return (
            <Tr key={`${cert.where}\u0000${cert.subject}\u0000${cert.notAfter}`}>
              <Td dataLabel="Where">{cert.where}</Td>
              <Td dataLabel="Subject">{cert.subject}</Td>
              <Td dataLabel="Expires">
                <time dateTime={cert.notAfter}>{cert.notAfter.slice(0, 10)}</time>
              </Td>
              <Td dataLabel="Days left">
                <Label color={look.colour} title={look.text}>
                  {formatDaysLeft(cert.daysLeft)} · {look.text}
                </Label>
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}
