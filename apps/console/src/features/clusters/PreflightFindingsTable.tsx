import type { PreflightFinding } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";

/** Pre-flight findings with the fix for each, errors first so they are read first. */
export function PreflightFindingsTable({ findings }: { findings: readonly PreflightFinding[] }) {
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
        </Tr>
      </Thead>
      <Tbody>
        {sorted.map((finding) => (
          // Findings have no id; a check may report several problems for one realm.
          <Tr key={`${finding.realm}|${finding.check}|${finding.problem}`}>
            <Td dataLabel="Severity">
              <Label color={finding.severity === "error" ? "red" : "orange"}>
                {finding.severity}
              </Label>
            </Td>
            <Td dataLabel="Realm">{finding.realm ?? "all"}</Td>
            <Td dataLabel="Problem">{finding.problem}</Td>
            <Td dataLabel="How to fix">{finding.fix}</Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
