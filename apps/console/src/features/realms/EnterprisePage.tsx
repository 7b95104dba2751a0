import { Alert, Button, PageSection, Pagination, Spinner, Title } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import { useNavigate } from "react-router";
import { RealmStateLabel } from "./RealmStateLabel";
import { useRealmsQuery } from "./realms.queries";

/** The Enterprise node: every realm the manager knows, with its host, state and cluster. */
export function EnterprisePage() {
  const realms = useRealmsQuery();
  const navigate = useNavigate();
  // Pages of realms: an enterprise of hundreds must not render every row at once.
  const [page, setPage] = useState(1);
  const [perPage, setPerPage] = useState(50);
  const total = realms.data?.length ?? 0;
  const shown = (realms.data ?? []).slice((page - 1) * perPage, page * perPage);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Enterprise</Title>
      </PageSection>
      <PageSection>
        {realms.isPending && <Spinner aria-label="Loading realms" />}
        {realms.error && <Alert variant="danger" isInline title={realms.error.message} />}
        {realms.data && total > perPage && (
          <Pagination
            itemCount={total}
            page={page}
            perPage={perPage}
            perPageOptions={[50, 100, 200].map((n) => ({ title: String(n), value: n }))}
            onSetPage={(_e, next) => setPage(next)}
            onPerPageSelect={(_e, next) => {
              setPerPage(next);
              setPage(1);
            }}
            titles={{ paginationAriaLabel: "Realm pages" }}
          />
        )}
        {realms.data && (
          <Table aria-label="Realms" variant="compact">
            <Thead>
              <Tr>
                <Th>Realm</Th>
                <Th>Host</Th>
                <Th>State</Th>
                <Th>Interfaces</Th>
                <Th>Cluster</Th>
              </Tr>
            </Thead>
            <Tbody>
              {shown.map((realm) => (
                <Tr key={realm.name}>
                  <Td dataLabel="Realm">
                    <Button
                      variant="link"
                      isInline
                      onClick={() => navigate(`/realms/${encodeURIComponent(realm.name)}/status`)}
                    >
                      {realm.name}
                    </Button>
                  </Td>
                  <Td dataLabel="Host">{realm.host}</Td>
                  <Td dataLabel="State">
                    <RealmStateLabel state={realm.state} />
                  </Td>
                  <Td dataLabel="Interfaces">
                    {realm.interfaces
                      .map((i) => `${i.alias} (${i.protocol} ${i.port}, ${i.status})`)
                      .join(", ") || "none"}
                  </Td>
                  <Td dataLabel="Cluster">{realm.cluster ?? "—"}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </PageSection>
    </>
  );
}
