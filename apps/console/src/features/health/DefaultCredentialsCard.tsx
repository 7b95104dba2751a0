import type { DefaultCredentialReason, DefaultCredentials } from "@conclave/protocol";
import { Card, CardBody, CardHeader, CardTitle, Label, LabelGroup } from "@patternfly/react-core";
import { ExclamationTriangleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useId } from "react";
import { Link } from "react-router";

const REASON_WORDS: Record<DefaultCredentialReason, { text: string; why: string }> = {
  knownPassword: {
    text: "Well-known password",
    why: "The keystore password is one that products and samples ship with (changeit, nirvana, …)",
  },
  selfSigned: {
    text: "Self-signed certificate",
    why: "No CA issued it: peers can only trust it one by one",
  },
  localhostOnly: {
    text: "Certificate for localhost only",
    why: "It covers only localhost / 127.0.0.1 / ::1, but the interface is reachable from other hosts",
  },
  sampleSubject: {
    text: "Sample certificate",
    why: "Its subject or issuer reads like a sample (demo, example, test CA)",
  },
};

const keyOf = (d: DefaultCredentials) => `${d.realm}\u0000${d.interface}\u0000${d.keystoreId}`;

/**
 * Keystores holding default or demo credentials and where they are used, with the fix; a link
 * to the cluster page (where "Rotate credentials" starts) when the realm is in a cluster.
 * Renders nothing when there are none.
 */
export function DefaultCredentialsCard({ credentials }: { credentials: DefaultCredentials[] }) {
  const titleId = `default-credentials-${useId()}`;
  if (credentials.length === 0) return null;
  return (
    <Card component="section" aria-labelledby={titleId}>
      <CardHeader>
        <CardTitle component="h2" id={titleId}>
          <ExclamationTriangleIcon color="var(--pf-t--global--icon--color--status--warning--default)" />{" "}
          Default or demo credentials
        </CardTitle>
      </CardHeader>
      <CardBody>
        <p>
          Their passwords or certificates come from products, samples or demo tools, so others may
          know them or they only work on one host. Move off them before production traffic relies on
          them.
        </p>
        <Table aria-label="Default or demo credentials" variant="compact">
          <Thead>
            <Tr>
              <Th>Where</Th>
              <Th>Keystore</Th>
              <Th>Why</Th>
              <Th>Fix</Th>
            </Tr>
          </Thead>
          <Tbody>
            {credentials.map((d) => (
              <Tr key={keyOf(d)}>
                <Td dataLabel="Where">
                  {d.realm ? `${d.realm} / ${d.interface}` : "Stored, not in use"}
                </Td>
                <Td dataLabel="Keystore">{d.keystore}</Td>
                <Td dataLabel="Why">
                  <LabelGroup>
                    {d.reasons.map((r) => (
                      <Label key={r} color="orange" title={REASON_WORDS[r].why}>
                        {REASON_WORDS[r].text}
                      </Label>
                    ))}
                  </LabelGroup>
                </Td>
                <Td dataLabel="Fix">
                  {d.fix}
                  {d.cluster && (
                    <>
                      {" "}
                      <Link to={`/clusters/${encodeURIComponent(d.cluster)}`}>
                        Open cluster {d.cluster}
                      </Link>
                    </>
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      </CardBody>
    </Card>
  );
}
