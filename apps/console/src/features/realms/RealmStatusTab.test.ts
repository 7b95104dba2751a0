// @vitest-environment happy-dom
import type { RealmLiveStatus, RealmMetrics, RealmMetricsSample } from "@conclave/protocol";
import { cleanup, screen, waitFor } from "@testing-library/react";
import { createElement } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderWithQueries, stubFetch } from "../../testing/render";
import { RealmStatusTab } from "./RealmStatusTab";

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

const live: RealmLiveStatus = { realm: "realm-a", state: "stopped", status: null };

function sample(minutesAgo: number, connections: number): RealmMetricsSample {
  return {
    at: Date.now() - minutesAgo * 60_000,
    connections,
    eventsInPerSecond: 50,
    eventsOutPerSecond: 200,
    rssBytes: 64 * 1024 * 1024,
    heapUsedBytes: 16 * 1024 * 1024,
    eventLoopDelayMeanMs: 0.4,
    eventLoopDelayP99Ms: 2.5,
  };
}

const metrics = (samples: RealmMetricsSample[]): RealmMetrics => ({
  realm: "realm-a",
  intervalSeconds: 10,
  samples,
});

const CHARTS = [
  "Connections over the last hour",
  "Events/s over the last hour",
  "Memory over the last hour",
  "Event-loop delay over the last hour",
];

describe("RealmStatusTab charts", () => {
  it("draws a labelled chart per figure with the latest values for screen readers", async () => {
    // 50 and 49 min ago, then a 30-minute gap (the realm was down), then the last two minutes.
    const samples = [sample(50, 1), sample(49.84, 2), sample(2, 5), sample(1.84, 7)];
    stubFetch({
      "GET /api/v1/realms/realm-a/status": live,
      "GET /api/v1/realms/realm-a/metrics": metrics(samples),
    });
    renderWithQueries(createElement(RealmStatusTab, { realm: "realm-a" }));

    const charts = await screen.findAllByRole("img");
    expect(charts.map((c) => c.getAttribute("aria-label"))).toEqual(CHARTS);
    const connections = screen.getByRole("img", { name: "Connections over the last hour" });
    const latest = document.getElementById(connections.getAttribute("aria-describedby") ?? "");
    expect(latest?.textContent).toBe("Latest: connections 7");
    expect(latest?.className).toContain("screen-reader");
    expect(screen.getByText("Latest: in 50.0/s, out 200.0/s")).toBeTruthy();
    expect(screen.getByText("Latest: resident 64.0 MiB, heap 16.0 MiB")).toBeTruthy();
    expect(screen.getByText("Latest: mean 0.4 ms, p99 2.5 ms")).toBeTruthy();

    // The gap is not bridged: two segments, each starting with a move.
    const line = connections.querySelector("path")?.getAttribute("d") ?? "";
    expect(line.match(/M/g)).toHaveLength(2);
    expect(line.match(/L/g)).toHaveLength(2);
    // Older points sit further left than newer ones, and more connections sit higher.
    const points = [...line.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(points.map(([x]) => x)).toEqual([...points.map(([x]) => x!)].sort((a, b) => a - b));
    expect(points[3]![1]).toBeLessThan(points[0]![1]!);
  });

  it("says history is still filling and that no sample exists yet", async () => {
    stubFetch({
      "GET /api/v1/realms/realm-a/status": live,
      "GET /api/v1/realms/realm-a/metrics": metrics([]),
    });
    renderWithQueries(createElement(RealmStatusTab, { realm: "realm-a" }));
    expect(await screen.findByText(/History fills in every 10 s/)).toBeTruthy();
    expect(screen.getAllByText("No samples yet")).toHaveLength(4);
  });

  it("asks for new samples every 10 s", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const { calls } = stubFetch({
      "GET /api/v1/realms/realm-a/status": live,
      "GET /api/v1/realms/realm-a/metrics": metrics([sample(1, 3)]),
    });
    renderWithQueries(createElement(RealmStatusTab, { realm: "realm-a" }));
    await screen.findAllByRole("img");
    const metricCalls = () => calls.filter((c) => c.path.endsWith("/metrics")).length;
    expect(metricCalls()).toBe(1);
    vi.advanceTimersByTime(9_000);
    expect(metricCalls()).toBe(1);
    vi.advanceTimersByTime(1_000);
    await waitFor(() => expect(metricCalls()).toBe(2));
  });
});
