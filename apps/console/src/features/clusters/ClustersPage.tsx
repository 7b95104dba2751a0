import { EmptyState, EmptyStateBody, PageSection, Title } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useRealmsQuery } from "../realms/realms.queries";

/**
 * The Clusters node: clusters as their members report them. The cluster wizard and health
 * views come with the manager's clusters API (a later issue).
 */
export function ClustersPage() {
  const realms = useRealmsQuery();
  const clusters = new Map<string, string[]>();
  for (const realm of realms.data ?? []) {
    if (realm.cluster)
      clusters.set(realm.cluster, [...(clusters.get(realm.cluster) ?? []), realm.name]);
  }
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Clusters</Title>
      </PageSection>
      <PageSection>
        {clusters.size === 0 ? (
          <EmptyState titleText="No clusters" headingLevel="h2">
            <EmptyStateBody>Every realm stands alone.</EmptyStateBody>
          </EmptyState>
        ) : (
          <Table aria-label="Clusters" variant="compact">
            <Thead>
              <Tr>
                <Th>Cluster</Th>
                <Th>Members</Th>
              </Tr>
            </Thead>
            <Tbody>
              {[...clusters].map(([name, members]) => (
                <Tr key={name}>
                  <Td dataLabel="Cluster">{name}</Td>
                  <Td dataLabel="Members">{members.join(", ")}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
