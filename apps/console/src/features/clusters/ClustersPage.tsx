import type { Cluster } from "@conclave/protocol";
import {
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  PageSection,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import { Link } from "react-router";
import { useHasRole } from "../session/session.queries";
import { ClusterFormationWizard } from "./ClusterFormationWizard";
import { ClusterStatusLabel } from "./ClusterStatusLabel";
import { useClusterStatusQuery, useClustersQuery } from "./clusters.queries";

/** Master and server counts come from the members' reports, one status answer per cluster. */
function ClusterRow({ cluster }: { cluster: Cluster }) {
  const { data: status } = useClusterStatusQuery(cluster.name);
  return (
    <Tr>
      <Td dataLabel="Cluster">
        <Link to={`/clusters/${encodeURIComponent(cluster.name)}`}>{cluster.name}</Link>
      </Td>
      <Td dataLabel="Status">
        <ClusterStatusLabel status={status?.status ?? cluster.status} />
      </Td>
      <Td dataLabel="Master">{status ? (status.master ?? "none elected") : "—"}</Td>
      <Td dataLabel="Members">{cluster.members.length}</Td>
      <Td dataLabel="Connected / Disconnected">
        {status ? `${status.connectedServers} / ${status.disconnectedServers}` : "—"}
      </Td>
    </Tr>
  );
}

/** The Clusters node: every cluster with its health, and the formation wizard. */
export function ClustersPage() {
  const canEdit = useHasRole("operator");
  const clusters = useClustersQuery();
  const [forming, setForming] = useState(false);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Clusters</Title>
      </PageSection>
      <PageSection>
        {canEdit && (
          <Toolbar>
            <ToolbarContent>
              <ToolbarItem>
                <Button onClick={() => setForming(true)}>Form cluster</Button>
              </ToolbarItem>
            </ToolbarContent>
          </Toolbar>
        )}
        {clusters.isPending && <Spinner aria-label="Loading clusters" />}
        {clusters.error && <Alert variant="danger" isInline title={clusters.error.message} />}
        {clusters.data?.length === 0 && (
          <EmptyState titleText="No clusters" headingLevel="h2">
            <EmptyStateBody>
              Every realm stands alone.
              {canEdit && " Form a cluster to replicate state between realms."}
            </EmptyStateBody>
          </EmptyState>
        )}
        {clusters.data && clusters.data.length > 0 && (
          <Table aria-label="Clusters" variant="compact">
            <Thead>
              <Tr>
                <Th>Cluster</Th>
                <Th>Status</Th>
                <Th>Master</Th>
                <Th>Members</Th>
                <Th>Connected / Disconnected</Th>
              </Tr>
            </Thead>
            <Tbody>
              {clusters.data.map((cluster) => (
                <ClusterRow key={cluster.name} cluster={cluster} />
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
      {forming && <ClusterFormationWizard onClose={() => setForming(false)} />}
    </>
  );
}
