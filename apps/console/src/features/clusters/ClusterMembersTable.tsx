import type { ClusterStatusView } from "@conclave/protocol";
import { Button, Label } from "@patternfly/react-core";
import { CrownIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { Link } from "react-router";

type Member = ClusterStatusView["members"][number];

const STATE_COLOR: Record<Member["state"], "green" | "orange" | "red" | "grey"> = {
  connected: "green",
  recovering: "orange",
  disconnected: "red",
  unknown: "grey",
};

export interface ClusterMembersTableProps {
  cluster: string;
  members: readonly Member[];
  /** Link each realm to its status page (not inside the wizard's modal). */
  linkRealms?: boolean;
  /** Offers a Remove button per member (operators only). */
  onRemove?: (realm: string) => void;
}

/** The members as they report themselves: connection state and role. */
export function ClusterMembersTable({
  cluster,
  members,
  linkRealms = false,
  onRemove,
}: ClusterMembersTableProps) {
  return (
    <Table aria-label={`Members of ${cluster}`} variant="compact">
      <Thead>
        <Tr>
          <Th>Realm</Th>
          <Th>State</Th>
          <Th>Role</Th>
          {onRemove && <Th screenReaderText="Actions" />}
        </Tr>
      </Thead>
      <Tbody>
        {members.map((member) => (
          <Tr key={member.realm}>
            <Td dataLabel="Realm">
              {linkRealms ? (
                <Link to={`/realms/${encodeURIComponent(member.realm)}/status`}>
                  {member.realm}
                </Link>
              ) : (
                member.realm
              )}
            </Td>
            <Td dataLabel="State">
              <Label color={STATE_COLOR[member.state]}>{member.state}</Label>
            </Td>
            <Td dataLabel="Role">
              {member.role === "master" ? (
                <Label color="blue" icon={<CrownIcon />}>
                  master
                </Label>
              ) : (
                (member.role ?? "not answering")
              )}
            </Td>
            {onRemove && (
              <Td isActionCell>
                <Button
                  variant="secondary"
                  isDanger
                  size="sm"
                  aria-label={`Remove ${member.realm}`}
                  onClick={() => onRemove(member.realm)}
                >
                  Remove
                </Button>
              </Td>
            )}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
