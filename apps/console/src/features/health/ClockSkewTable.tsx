import type { AgentClockSkew } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { skewLevel, skewLook } from "./skew-level";

/** Each agent's clock against the manager's: clusters need clocks within 2 s. */
export function ClockSkewTable({ agents }: { agents: AgentClockSkew[] }) {
  if (agents.length === 0) return <p>No agents are enrolled yet.</p>;
  return (
    <Table aria-label="Clock skew" variant="compact">
      <Thead>
        <Tr>
          <Th>Host</Th>
          <Th>Agent</Th>
          <Th>Skew (ms)</Th>
          <Th>Measured</Th>
        </Tr>
      </Thead>
      <Tbody>
        {agents.map((entry) => {
          const level = skewLevel(entry);
          const look = skewLook(level);
          const figure = entry.skewMs === null ? "—" : String(Math.round(entry.skewMs));
          return (
            <Tr key={entry.agent}>
              <Td dataLabel="Host">{entry.hostname}</Td>
              <Td dataLabel="Agent">{entry.agent}</Td>
              <Td dataLabel="Skew (ms)">
                {level === "ok" ? (
                  figure
                ) : level === "warning" || level === "danger" ? (
                  <Label color={look.colour} title={look.text}>
                    {figure}
                  </Label>
                ) : (
                  <>
                    {figure}{" "}
                    <Label color={look.colour} isCompact>
                      {look.text}
                    </Label>
                  </>
                )}
              </Td>
              <Td dataLabel="Measured">
                {entry.measuredAt ? (
                  <time dateTime={entry.measuredAt}>
                    {new Date(entry.measuredAt).toLocaleString()}
                  </time>
                ) : (
                  "—"
                )}
              </Td>
            </Tr>
          );
        })}
      </Tbody>
    </Table>
  );
}
