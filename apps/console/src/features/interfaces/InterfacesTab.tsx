import type { RealmInterface } from "@conclave/protocol";
import {
  Alert,
  Button,
  Spinner,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { useState } from "react";
import { useHasRole } from "../session/session.queries";
import { InterfaceModal } from "./InterfaceModal";
import { InterfacesTable } from "./InterfacesTable";
import {
  useDeleteInterfaceMutation,
  useInterfacesQuery,
  useStartStopInterfaceMutation,
} from "./interfaces.queries";

/** Comms > Interfaces of one realm: the table, add/edit dialog, start/stop. */
export function InterfacesTab({ realm }: { realm: string }) {
  const canEdit = useHasRole("operator");
  const list = useInterfacesQuery(realm);
  const startStop = useStartStopInterfaceMutation(realm);
  const remove = useDeleteInterfaceMutation(realm);
  const [editing, setEditing] = useState<RealmInterface | "new" | null>(null);
  const actionError = startStop.error ?? remove.error;

  return (
    <>
      {canEdit && (
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <Button onClick={() => setEditing("new")}>Add interface</Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
      )}
      {list.isPending && <Spinner aria-label="Loading interfaces" />}
      {list.error && <Alert variant="danger" isInline title={list.error.message} />}
      {actionError && <Alert variant="danger" isInline title={actionError.message} />}
      {list.data && (
        <InterfacesTable
          realm={realm}
          interfaces={list.data}
          canEdit={canEdit}
          onEdit={setEditing}
          onStartStop={(iface, action) => startStop.mutate({ alias: iface.alias, action })}
          onDelete={(iface) => {
            if (window.confirm(`Delete interface ${iface.alias} of ${realm}?`)) {
              remove.mutate(iface.alias);
            }
          }}
        />
      )}
      {editing && (
        <InterfaceModal
          realm={realm}
          existing={editing === "new" ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
    </>
  );
}
