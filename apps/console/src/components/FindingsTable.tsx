import type { PreflightFinding, WizardFinding } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";

export interface FindingsTableProps {
  /** Cluster formation's findings, or a wizard's. */
  findings: readonly (PreflightFinding | WizardFinding)[];
  /** Adds the Acknowledged column: a wizard's warnings are acknowledged before it goes on. */
  withAcknowledged?: boolean;
}

/** Pre-flight findings: which realm, what is wrong, how to fix it; errors first, so they are read first. */
export function FindingsTable({ findings, withAcknowledged }: FindingsTableProps) {
  const sorted = [...findings].sort(
    (a, b) => Number(b.severity === "error") - Number(a.severity === "error"),
  );
  return (
    <Table aria-label="Pre-flight findings" variant="compact">
      <Thead>
        <Tr>
          <Th>Severity</Th>
          <Th>Realm</Th>
          <Th>Problem</Th>
          <Th>How to fix</Th>
          {withAcknowledged && <Th>Acknowledged</Th>}
        </Tr>
      </Thead>
      <Tbody>
        {sorted.map((finding) => (
          // Cluster findings have no id; a check may report several problems for one realm.
          <Tr
            key={
              "id" in finding ? finding.id : `${finding.realm}|${finding.check}|${finding.problem}`
            }
          >
            <Td dataLabel="Severity">
              <Label color={finding.severity === "error" ? "red" : "orange"}>
                {finding.severity === "error" ? "Error" : "Warning"}
              </Label>
            </Td>
            {/* A finding without a realm is about the cluster as a whole. */}
            <Td dataLabel="Realm">{finding.realm ?? "all"}</Td>
            <Td dataLabel="Problem">{finding.problem}</Td>
            <Td dataLabel="How to fix">{finding.fix}</Td>
            {withAcknowledged && (
              <Td dataLabel="Acknowledged">
                {finding.severity === "error"
                  ? "—"
                  : "acknowledged" in finding && finding.acknowledged
                    ? "Yes"
                    : "No"}
              </Td>
            )}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
