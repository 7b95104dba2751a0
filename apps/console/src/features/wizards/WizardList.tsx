import { Alert, Spinner } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { Link } from "react-router";
import { formatTime } from "./format-time";
import { WizardStateLabel } from "./WizardStateLabel";
import { WIZARD_TITLE } from "./wizard-view";
import { useWizardsQuery } from "./wizards.queries";

export interface WizardListProps {
  cluster: string;
}

/** The wizards run on one cluster, newest first, each linking to its page. */
export function WizardList({ cluster }: WizardListProps) {
  const list = useWizardsQuery();
  if (list.isPending) return <Spinner aria-label="Loading wizards" />;
  if (list.error) return <Alert variant="danger" isInline title={list.error.message} />;
  const wizards = list.data
    .filter((w) => w.cluster === cluster)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  if (wizards.length === 0) return <p>No wizard has run on {cluster} yet.</p>;
  return (
    <Table aria-label={`Wizards of ${cluster}`} variant="compact">
      <Thead>
        <Tr>
          <Th>Kind</Th>
          <Th>State</Th>
          <Th>Started</Th>
        </Tr>
      </Thead>
      <Tbody>
        {wizards.map((w) => (
          <Tr key={w.id}>
            <Td dataLabel="Kind">
              <Link to={`/wizards/${encodeURIComponent(w.id)}`}>{WIZARD_TITLE[w.kind]}</Link>
            </Td>
            <Td dataLabel="State">
              <WizardStateLabel state={w.state} />
            </Td>
            <Td dataLabel="Started">{formatTime(w.createdAt)}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
