import type { RealmMetricsSample } from "@conclave/protocol";
import { Alert, Content, Grid, GridItem, Spinner } from "@patternfly/react-core";
import { formatBytes } from "./format";
import { MetricChart, type MetricSeries } from "./MetricChart";
import { useRealmMetricsQuery } from "./realm-metrics.queries";

const HOUR_MS = 60 * 60_000;
const BLUE = "#0066cc";
const ORANGE = "#b1380b";

const perSecond = (n: number) => `${n.toFixed(1)}/s`;
const ms = (n: number) => `${n.toFixed(1)} ms`;

interface ChartSpec {
  title: string;
  format: (value: number) => string;
  series: { name: string; color: string; value: (s: RealmMetricsSample) => number }[];
}

const CHARTS: ChartSpec[] = [
  {
    title: "Connections",
    format: (n) => String(Math.round(n)),
    series: [{ name: "connections", color: BLUE, value: (s) => s.connections }],
  },
  {
    title: "Events/s",
    format: perSecond,
    series: [
      { name: "in", color: BLUE, value: (s) => s.eventsInPerSecond },
      { name: "out", color: ORANGE, value: (s) => s.eventsOutPerSecond },
    ],
  },
  {
    title: "Memory",
    format: formatBytes,
    series: [
      { name: "resident", color: BLUE, value: (s) => s.rssBytes },
      { name: "heap", color: ORANGE, value: (s) => s.heapUsedBytes },
    ],
  },
  {
    title: "Event-loop delay",
    format: ms,
    series: [
      { name: "mean", color: BLUE, value: (s) => s.eventLoopDelayMeanMs },
      { name: "p99", color: ORANGE, value: (s) => s.eventLoopDelayP99Ms },
    ],
  },
];

/** The Status tab's charts of the last hour, from the manager's samples. */
export function RealmMetricsCharts({ realm }: { realm: string }) {
  const { data, error, isPending, dataUpdatedAt } = useRealmMetricsQuery(realm);
  if (isPending) return <Spinner size="md" aria-label="Loading charts" />;
  if (error) return <Alert variant="warning" isInline title={`Charts: ${error.message}`} />;
  const { samples } = data;
  const times = samples.map((s) => s.at);
  // The window ends when the answer arrived, so the newest point sits at the right edge.
  const to = Math.max(dataUpdatedAt, times.at(-1) ?? 0);
  // Missing more than two samples in a row means the realm or its agent was not reporting.
  const gapMs = data.intervalSeconds * 1000 * 2.5;
  return (
    <>
      {samples.length < 2 && (
        <Content component="p">
          History fills in every {data.intervalSeconds} s from the agent's reports; the manager
          keeps the last hour in memory and starts afresh when it restarts.
        </Content>
      )}
      <Grid hasGutter md={6}>
        {CHARTS.map((chart) => {
          const series: MetricSeries[] = chart.series.map((s) => ({
            name: s.name,
            color: s.color,
            values: samples.map(s.value),
          }));
          return (
            <GridItem key={chart.title}>
              <MetricChart
                title={chart.title}
                times={times}
                series={series}
                format={chart.format}
                from={to - HOUR_MS}
                to={to}
                gapMs={gapMs}
              />
            </GridItem>
          );
        })}
      </Grid>
    </>
  );
}
