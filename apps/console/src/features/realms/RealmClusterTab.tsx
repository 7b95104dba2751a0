import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  EmptyState,
  EmptyStateBody,
} from "@patternfly/react-core";
import { useRealmStatusQuery } from "./realms.queries";

/** Cluster tab: the realm's view of its cluster (role, master, quorum). */
export function RealmClusterTab({ realm }: { realm: string }) {
  const { data, error } = useRealmStatusQuery(realm);
  if (error) return <Alert variant="danger" isInline title={error.message} />;
  const cluster = data?.status?.cluster;
  if (!cluster) {
    return (
      <EmptyState titleText="Not clustered" headingLevel="h2">
        <EmptyStateBody>{realm} stands alone: it is not a member of any cluster.</EmptyStateBody>
      </EmptyState>
    );
  }
  const rows: [string, string][] = [
    ["Cluster", cluster.cluster],
    ["Role", cluster.role],
    ["Master", cluster.master ?? "none elected"],
    ["Quorum", cluster.hasQuorum ? `yes (margin ${cluster.quorumMargin})` : "lost"],
    ["Connected servers", String(cluster.connectedServers)],
    ["Disconnected servers", String(cluster.disconnectedServers)],
    ["Term", String(cluster.term)],
  ];
  return (
    <DescriptionList isHorizontal aria-label={`Cluster of ${realm}`}>
      {rows.map(([term, value]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>{value}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}
