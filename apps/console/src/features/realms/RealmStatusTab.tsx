import {
  Alert,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Spinner,
  Title,
} from "@patternfly/react-core";
import { formatBytes, formatDuration } from "./format";
import { RealmMetricsCharts } from "./RealmMetricsCharts";
import { RealmStateLabel } from "./RealmStateLabel";
import { useRealmStatusQuery } from "./realms.queries";

/** Status tab: the realm's own figures, read live through its agent, and charts of the last hour. */
export function RealmStatusTab({ realm }: { realm: string }) {
  const { data, error, isPending } = useRealmStatusQuery(realm);
  if (isPending) return <Spinner aria-label="Loading status" />;
  if (error) return <Alert variant="danger" isInline title={error.message} />;
  const status = data.status;
  const rows: [string, React.ReactNode][] = [
    ["State", <RealmStateLabel key="state" state={data.state} />],
  ];
  if (status) {
    rows.push(
      ["Uptime", formatDuration(status.uptimeSeconds)],
      ["Version", status.version],
      ["Process id", status.pid],
      ["Connections", status.connections],
      [
        "Events/s",
        `${status.events.inPerSecond.toFixed(1)} in · ${status.events.outPerSecond.toFixed(1)} out`,
      ],
      ["Events total", `${status.events.totalIn} in · ${status.events.totalOut} out`],
      [
        "Memory",
        `${formatBytes(status.memory.rssBytes)} resident · ${formatBytes(status.memory.heapUsedBytes)} heap`,
      ],
      [
        "Event-loop delay",
        `${status.eventLoopDelayMs.mean.toFixed(1)} ms mean · ${status.eventLoopDelayMs.p99.toFixed(1)} ms p99 · ${status.eventLoopDelayMs.max.toFixed(1)} ms max`,
      ],
      ["Channels", status.channels.length],
    );
  }
  return (
    <>
      {!status && (
        <Alert variant="info" isInline title="The realm is not reporting its status right now." />
      )}
      <DescriptionList isHorizontal aria-label={`Status of ${realm}`}>
        {rows.map(([term, value]) => (
          <DescriptionListGroup key={term}>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription>{value}</DescriptionListDescription>
          </DescriptionListGroup>
        ))}
      </DescriptionList>
      <Title headingLevel="h2" size="lg" style={{ margin: "24px 0 8px" }}>
        Last hour
      </Title>
      <RealmMetricsCharts realm={realm} />
    </>
  );
}
