import { useId } from "react";

export interface MetricSeries {
  /** Legend and screen-reader name ("in", "p99"). */
  name: string;
  /** One value per entry of the chart's `times`. */
  values: readonly number[];
  color: string;
}

export interface MetricChartProps {
  /** Visible title ("Connections"); the svg is labelled "<title> over the last hour". */
  title: string;
  /** Sample times (ms since the epoch), oldest first. */
  times: readonly number[];
  series: readonly MetricSeries[];
  format: (value: number) => string;
  /** The window shown (ms since the epoch). */
  from: number;
  to: number;
  /** Points further apart than this are not joined: the realm or its agent was not reporting. */
  gapMs: number;
}

const WIDTH = 600;
const HEIGHT = 120;

/** A round number at or above `max` (1, 2, 5 × 10^n), so the top grid line reads well. */
function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** An SVG path through the points, starting a new segment across each gap. */
function linePath(
  times: readonly number[],
  values: readonly number[],
  x: (t: number) => number,
  y: (v: number) => number,
  gapMs: number,
): string {
  const joined = (i: number) => i > 0 && i < times.length && times[i]! - times[i - 1]! <= gapMs;
  let d = "";
  for (let i = 0; i < times.length; i++) {
    d += `${joined(i) ? "L" : "M"}${x(times[i]!).toFixed(1)} ${y(values[i]!).toFixed(1)}`;
    // A point with no neighbour on either side still shows, as a dot (round cap).
    if (!joined(i) && !joined(i + 1)) d += "h0.01";
  }
  return d;
}

/**
 * A small line chart in plain SVG (a chart library would cost more than the whole initial
 * bundle allows). Screen readers get the label and the latest values as text.
 */
export function MetricChart({ title, times, series, format, from, to, gapMs }: MetricChartProps) {
  const latestId = useId();
  const top = niceCeiling(Math.max(0, ...series.flatMap((s) => s.values)));
  const span = Math.max(1, to - from);
  const x = (t: number) => ((t - from) / span) * WIDTH;
  const y = (v: number) => HEIGHT - (v / top) * HEIGHT;
  const last = times.length - 1;
  const latest =
    last < 0
      ? "No samples yet"
      : `Latest: ${series.map((s) => `${s.name} ${format(s.values[last]!)}`).join(", ")}`;

  return (
    <figure style={{ margin: 0 }}>
      <figcaption
        style={{ display: "flex", justifyContent: "space-between", gap: 8, fontWeight: 600 }}
      >
        <span>{title}</span>
        {series.length > 1 && (
          <span style={{ fontWeight: 400 }} aria-hidden="true">
            {series.map((s) => (
              <span key={s.name} style={{ marginInlineStart: 12 }}>
                <span style={{ color: s.color }}>━</span> {s.name}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <div
        aria-hidden="true"
        style={{ fontSize: "0.75rem", color: "var(--pf-t--global--text--color--subtle)" }}
      >
        {format(top)}
      </div>
      <svg
        role="img"
        aria-label={`${title} over the last hour`}
        aria-describedby={latestId}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width="100%"
        height={HEIGHT}
        style={{ display: "block", overflow: "visible" }}
      >
        {[0, 0.5, 1].map((f) => (
          <line
            key={f}
            x1={0}
            x2={WIDTH}
            y1={HEIGHT * f}
            y2={HEIGHT * f}
            stroke="var(--pf-t--global--border--color--default, #c7c7c7)"
            strokeWidth={1}
            vectorEffect="non-scaling-stroke"
          />
        ))}
        {series.map((s) => (
          <path
            key={s.name}
            d={linePath(times, s.values, x, y, gapMs)}
            fill="none"
            stroke={s.color}
            strokeWidth={2}
            strokeLinejoin="round"
            strokeLinecap="round"
            vectorEffect="non-scaling-stroke"
          />
        ))}
      </svg>
      <div
        aria-hidden="true"
        style={{
          display: "flex",
          justifyContent: "space-between",
          fontSize: "0.75rem",
          color: "var(--pf-t--global--text--color--subtle)",
        }}
      >
        <span>{Math.round(span / 60_000)} min ago</span>
        <span>now</span>
      </div>
      <span id={latestId} className="pf-v6-screen-reader">
        {latest}
      </span>
    </figure>
  );
}
