import type { WizardFinding } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";

/** Pre-flight findings: which realm, what is wrong, how to fix it; errors first. */
export function WizardFindingsTable({ findings }: { findings: WizardFinding[] }) {
  const sorted = [...findings].sort(
    (a, b) => Number(a.severity === "warning") - Number(b.severity === "warning"),
  );
  return (
    <Table aria-label="Pre-flight findings" variant="compact">
      <Thead>
        <Tr>
          <Th>Severity</Th>
          <Th>Realm</Th>
          <Th>Problem</Th>
          <Th>How to fix</Th>
          <Th>Acknowledged</Th>
        </Tr>
      </Thead>
      <Tbody>
        {sorted.map((finding) => (
          <Tr key={finding.id}>
            <Td dataLabel="Severity">
              <Label color={finding.severity === "error" ? "red" : "orange"}>
                {finding.severity === "error" ? "Error" : "Warning"}
              </Label>
            </Td>
            <Td dataLabel="Realm">{finding.realm ?? "—"}</Td>
            <Td dataLabel="Problem">{finding.problem}</Td>
            <Td dataLabel="How to fix">{finding.fix}</Td>
            <Td dataLabel="Acknowledged">
              {finding.severity === "error" ? "—" : finding.acknowledged ? "Yes" : "No"}
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
