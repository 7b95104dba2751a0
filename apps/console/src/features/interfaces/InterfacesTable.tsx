import type { RealmInterface } from "@conclave/protocol";
import { Button } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { InterfaceStatusLabel } from "./InterfaceStatusLabel";

export interface InterfacesTableProps {
  realm: string;
  interfaces: RealmInterface[];
  canEdit: boolean;
  onEdit: (iface: RealmInterface) => void;
  onStartStop: (iface: RealmInterface, action: "start" | "stop") => void;
  onDelete: (iface: RealmInterface) => void;
}

const yesNo = (value: boolean) => (value ? "Yes" : "No");

/** A realm's interfaces as Enterprise Manager lists them under Comms > Interfaces. */
export function InterfacesTable({
  realm,
  interfaces,
  canEdit,
  onEdit,
  onStartStop,
  onDelete,
}: InterfacesTableProps) {
  return (
    <Table aria-label={`Interfaces of ${realm}`} variant="compact">
      <Thead>
        <Tr>
          <Th>Name</Th>
          <Th modifier="wrap">Protocol</Th>
          <Th>Status</Th>
          <Th>Adapter</Th>
          <Th>Port</Th>
          <Th modifier="wrap">Connections</Th>
          <Th modifier="wrap">Allow for InterRealm</Th>
          <Th modifier="wrap">Allow Client Connections</Th>
          {canEdit && <Th screenReaderText="Actions" />}
        </Tr>
      </Thead>
      <Tbody>
        {interfaces.map((iface) => (
          <Tr key={iface.alias}>
            <Td dataLabel="Name">{iface.alias}</Td>
            <Td dataLabel="Protocol">{iface.protocol}</Td>
            <Td dataLabel="Status">
              <InterfaceStatusLabel status={iface.status} error={iface.error} />
              {iface.status === "Error" && iface.error && <div>{iface.error}</div>}
            </Td>
            <Td dataLabel="Adapter">{iface.bindAddress}</Td>
            <Td dataLabel="Port">
              {iface.boundPort && iface.boundPort !== iface.port
                ? `${iface.port} (${iface.boundPort})`
                : iface.port}
            </Td>
            <Td dataLabel="Connections">{iface.connections ?? "—"}</Td>
            <Td dataLabel="Allow for InterRealm">{yesNo(iface.allowInterRealm)}</Td>
            <Td dataLabel="Allow Client Connections">{yesNo(iface.allowClientConnections)}</Td>
            {canEdit && (
              <Td isActionCell>
                <div style={{ display: "flex", gap: 8 }}>
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Edit ${iface.alias}`}
                    onClick={() => onEdit(iface)}
                  >
                    Edit
                  </Button>
                  {iface.status === "Running" ? (
                    <Button
                      size="sm"
                      variant="secondary"
                      aria-label={`Stop ${iface.alias}`}
                      onClick={() => onStartStop(iface, "stop")}
                    >
                      Stop
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      variant="secondary"
                      aria-label={`Start ${iface.alias}`}
                      onClick={() => onStartStop(iface, "start")}
                    >
                      Start
                    </Button>
                  )}
                  <Button
                    size="sm"
                    variant="secondary"
                    isDanger
                    aria-label={`Delete ${iface.alias}`}
                    onClick={() => onDelete(iface)}
                  >
                    Delete
                  </Button>
                </div>
              </Td>
            )}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
