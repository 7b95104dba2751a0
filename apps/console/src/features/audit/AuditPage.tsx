import type { AuditEntry } from "@conclave/protocol";
import {
  Alert,
  Button,
  EmptyState,
  EmptyStateBody,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Label,
  PageSection,
  Spinner,
  Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import { useHasRole, useSessionQuery } from "../session/session.queries";
import { AuditChangesModal } from "./AuditChangesModal";
import { AuditFilterToolbar } from "./AuditFilterToolbar";
import { useAuditPageQuery } from "./audit.queries";
import type { AuditListQuery } from "./audit-filters";
import { toAuditQuery } from "./audit-filters";
import { auditOutcome } from "./audit-outcome";

const PAGE_SIZES = [25, 50, 100, 200];
const DEFAULT_PAGE_SIZE = 50;

/**
 * Who changed what, newest first. The manager pages with cursors, so the page keeps the
 * cursors it has been given to go back to newer entries.
 */
export function AuditPage() {
  const session = useSessionQuery();
  const canRead = useHasRole("operator");
  const [filters, setFilters] = useState<AuditListQuery>({ limit: DEFAULT_PAGE_SIZE });
  // cursors[i] is the cursor of page i + 1; page 0 has none.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const query: AuditListQuery = cursor ? { ...filters, cursor } : filters;
  const page = useAuditPageQuery(query, canRead);
  const limit = filters.limit ?? DEFAULT_PAGE_SIZE;
  const [shown, setShown] = useState<AuditEntry | null>(null);

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Audit log</Title>
      </PageSection>
      <PageSection>
        {session.isPending && <Spinner aria-label="Loading your session" />}
        {session.data && !canRead && (
          <Alert variant="info" isInline title="The audit log needs the operator role">
            Ask an admin to give you the operator or admin role to see who changed what.
          </Alert>
        )}
        {canRead && (
          <>
            <AuditFilterToolbar
              onApply={(values) => {
                const result = toAuditQuery(values, limit);
                if (result.errors) return result.errors;
                setFilters(result.query);
                setCursors([]);
                return undefined;
              }}
            />
            {page.isPending && <Spinner aria-label="Loading the audit log" />}
            {page.error && <Alert variant="danger" isInline title={page.error.message} />}
            {page.data && page.data.items.length === 0 && (
              <EmptyState titleText="No entries" headingLevel="h2">
                <EmptyStateBody>No audit entries match these filters.</EmptyStateBody>
              </EmptyState>
            )}
            {page.data && page.data.items.length > 0 && (
              <Table aria-label="Audit log" variant="compact">
                <Thead>
                  <Tr>
                    <Th>Time</Th>
                    <Th>Actor</Th>
                    <Th>Action</Th>
                    <Th>Resource</Th>
                    <Th>Outcome</Th>
                    <Th>Source IP</Th>
                    <Th screenReaderText="Changes" />
                  </Tr>
                </Thead>
                <Tbody>
                  {page.data.items.map((entry) => {
                    const outcome = auditOutcome(entry);
                    return (
                      <Tr key={entry.id}>
                        <Td dataLabel="Time">
                          <time dateTime={entry.at}>{new Date(entry.at).toLocaleString()}</time>
                        </Td>
                        <Td dataLabel="Actor">{entry.username ?? "—"}</Td>
                        <Td dataLabel="Action">{entry.action}</Td>
                        <Td dataLabel="Resource">{entry.target ?? "—"}</Td>
                        <Td dataLabel="Outcome">
                          <Label color={outcome === "failed" ? "red" : "green"} isCompact>
                            {outcome === "failed" ? "Failed" : "Succeeded"}
                          </Label>
                        </Td>
                        <Td dataLabel="Source IP">{entry.ip ?? "—"}</Td>
                        <Td isActionCell>
                          {(entry.before || entry.after) && (
                            <Button
                              variant="link"
                              isInline
                              aria-label={`Changes of ${entry.action} at ${entry.at}`}
                              onClick={() => setShown(entry)}
                            >
                              Changes
                            </Button>
                          )}
                        </Td>
                      </Tr>
                    );
                  })}
                </Tbody>
              </Table>
            )}
            {page.data && (
              <Flex
                alignItems={{ default: "alignItemsCenter" }}
                justifyContent={{ default: "justifyContentFlexEnd" }}
                style={{ marginTop: 16 }}
              >
                <FlexItem>
                  <FormSelect
                    aria-label="Entries per page"
                    value={String(limit)}
                    onChange={(_event, value) => {
                      setFilters({ ...filters, limit: Number(value) });
                      setCursors([]);
                    }}
                  >
                    {PAGE_SIZES.map((size) => (
                      <FormSelectOption
                        key={size}
                        value={String(size)}
                        label={`${size} per page`}
                      />
                    ))}
                  </FormSelect>
                </FlexItem>
                <FlexItem>Page {cursors.length + 1}</FlexItem>
                <FlexItem>
                  <Button
                    variant="secondary"
                    isDisabled={cursors.length === 0}
                    onClick={() => setCursors(cursors.slice(0, -1))}
                  >
                    Newer entries
                  </Button>
                </FlexItem>
                <FlexItem>
                  <Button
                    variant="secondary"
                    isDisabled={!page.data.nextCursor || page.isPlaceholderData}
                    onClick={() => {
                      const next = page.data?.nextCursor;
                      if (next) setCursors([...cursors, next]);
                    }}
                  >
                    Older entries
                  </Button>
                </FlexItem>
              </Flex>
            )}
          </>
        )}
      </PageSection>
      {shown && <AuditChangesModal entry={shown} onClose={() => setShown(null)} />}
    </>
  );
}
