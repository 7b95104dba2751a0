import { type Role, RoleSchema, type User } from "@conclave/protocol";
import {
  Alert,
  Button,
  FormSelect,
  FormSelectOption,
  PageSection,
  Spinner,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import { useHasRole, useSessionQuery } from "../session/session.queries";
import { AddUserModal } from "./AddUserModal";
import { DeleteUserModal } from "./DeleteUserModal";
import { ResetPasswordModal } from "./ResetPasswordModal";
import { useChangeRoleMutation, useUsersQuery } from "./users.queries";

type Dialog = { kind: "add" } | { kind: "reset"; user: User } | { kind: "delete"; user: User };

/** Who may sign in and with which role. Admins only, like the API behind it. */
export function UsersPage() {
  const session = useSessionQuery();
  const isAdmin = useHasRole("admin");
  const users = useUsersQuery(isAdmin);
  const changeRole = useChangeRoleMutation();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const me = session.data?.user.id;

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Users</Title>
      </PageSection>
      <PageSection>
        {session.isPending && <Spinner aria-label="Loading your session" />}
        {session.data && !isAdmin && (
          <Alert variant="info" isInline title="The Users page needs the admin role">
            Ask an admin to add, change or remove users.
          </Alert>
        )}
        {isAdmin && (
          <>
            <Toolbar>
              <ToolbarContent>
                <ToolbarItem>
                  <Button onClick={() => setDialog({ kind: "add" })}>Add user</Button>
                </ToolbarItem>
              </ToolbarContent>
            </Toolbar>
            {users.isPending && <Spinner aria-label="Loading users" />}
            {users.error && <Alert variant="danger" isInline title={users.error.message} />}
            {changeRole.error && (
              <Alert variant="danger" isInline title="The role was not changed">
                {changeRole.error.message}
              </Alert>
            )}
            {users.data && (
              <Table aria-label="Users" variant="compact">
                <Thead>
                  <Tr>
                    <Th>Username</Th>
                    <Th>Role</Th>
                    <Th>Created</Th>
                    <Th screenReaderText="Actions" />
                  </Tr>
                </Thead>
                <Tbody>
                  {users.data.items.map((user) => (
                    <Tr key={user.id}>
                      <Td dataLabel="Username">
                        {user.username}
                        {user.id === me ? " (you)" : ""}
                      </Td>
                      <Td dataLabel="Role">
                        <FormSelect
                          aria-label={`Role of ${user.username}`}
                          value={user.role}
                          isDisabled={changeRole.isPending}
                          onChange={(_event, value) => {
                            changeRole.reset();
                            changeRole.mutate({ id: user.id, role: value as Role });
                          }}
                        >
                          {RoleSchema.options.map((role) => (
                            <FormSelectOption key={role} value={role} label={role} />
                          ))}
                        </FormSelect>
                      </Td>
                      <Td dataLabel="Created">
                        <time dateTime={user.createdAt}>
                          {new Date(user.createdAt).toLocaleString()}
                        </time>
                      </Td>
                      <Td isActionCell>
                        <Button
                          variant="secondary"
                          size="sm"
                          aria-label={`Reset password of ${user.username}`}
                          onClick={() => setDialog({ kind: "reset", user })}
                        >
                          Reset password
                        </Button>{" "}
                        <Button
                          variant="secondary"
                          isDanger
                          size="sm"
                          aria-label={`Delete ${user.username}`}
                          onClick={() => setDialog({ kind: "delete", user })}
                        >
                          Delete
                        </Button>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
            )}
          </>
        )}
      </PageSection>
      {dialog?.kind === "add" && <AddUserModal onClose={() => setDialog(null)} />}
      {dialog?.kind === "reset" && (
        <ResetPasswordModal user={dialog.user} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === "delete" && (
        <DeleteUserModal user={dialog.user} onClose={() => setDialog(null)} />
      )}
    </>
  );
}
