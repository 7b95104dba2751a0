import type { ClusterHealth, ClusterStatusView } from "@conclave/protocol";
import {
  Alert,
  Card,
  CardBody,
  CardHeader,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  Label,
  Spinner,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useId } from "react";
import { ClusterStatusLabel } from "../clusters/ClusterStatusLabel";
import { useClusterStatusQuery } from "../clusters/clusters.queries";
import { ClusterTopology } from "./ClusterTopology";
import type { LabelColour } from "./health-looks";

export interface ClusterCardProps {
  /** The cluster as the health summary lists it; its live status is fetched by name. */
  cluster: { name: string; status: ClusterHealth; master: string | null };
}

const STATE_COLOUR: Record<ClusterStatusView["members"][number]["state"], LabelColour> = {
  connected: "green",
  recovering: "orange",
  disconnected: "red",
  unknown: "grey",
};

/** One cluster on the dashboard: status, master, connected figures, topology and members. */
export function ClusterCard({ cluster }: ClusterCardProps) {
  const { data, error, isPending } = useClusterStatusQuery(cluster.name);
  const health = data?.status ?? cluster.status;
  const master = data ? data.master : cluster.master;
  const titleId = `cluster-card-${useId()}`;
  return (
    <Card isCompact component="article" aria-labelledby={titleId}>
      <CardHeader>
        <Flex alignItems={{ default: "alignItemsCenter" }}>
          <FlexItem>
            <CardTitle component="h3" id={titleId}>
              {cluster.name}
            </CardTitle>
          </FlexItem>
          <FlexItem>
            <ClusterStatusLabel status={health} />
          </FlexItem>
        </Flex>
      </CardHeader>
      <CardBody>
        <DescriptionList isHorizontal isCompact>
          <DescriptionListGroup>
            <DescriptionListTerm>Master</DescriptionListTerm>
            <DescriptionListDescription>{master ?? "none"}</DescriptionListDescription>
          </DescriptionListGroup>
          {data && (
            <DescriptionListGroup>
              <DescriptionListTerm>Servers</DescriptionListTerm>
              <DescriptionListDescription>
                {`${data.connectedServers} connected`} ·{" "}
                {`${data.disconnectedServers} disconnected`}
              </DescriptionListDescription>
            </DescriptionListGroup>
          )}
        </DescriptionList>
        {isPending && <Spinner size="md" aria-label={`Loading the status of ${cluster.name}`} />}
        {error && <Alert variant="danger" isInline isPlain title={error.message} />}
        {data && (
          <Flex
            alignItems={{ default: "alignItemsFlexStart" }}
            spaceItems={{ default: "spaceItemsLg" }}
            style={{ marginTop: 16 }}
          >
            <FlexItem flex={{ default: "flex_2" }}>
              <ClusterTopology cluster={cluster.name} status={data} />
            </FlexItem>
            <FlexItem flex={{ default: "flex_1" }}>
              <Table aria-label={`Members of ${cluster.name} on the dashboard`} variant="compact">
                <Thead>
                  <Tr>
                    <Th>Realm</Th>
                    <Th>State</Th>
                  </Tr>
                </Thead>
                <Tbody>
                  {data.members.map((member) => (
                    <Tr key={member.realm}>
                      <Td dataLabel="Realm">
                        {member.realm}
                        {member.realm === data.master ? " (master)" : ""}
                      </Td>
                      <Td dataLabel="State">
                        <Label color={STATE_COLOUR[member.state]} isCompact>
                          {member.state}
                        </Label>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            </FlexItem>
          </Flex>
        )}
      </CardBody>
    </Card>
  );
}
