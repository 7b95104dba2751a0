import type { AgentClockSkew } from "@conclave/protocol";
import type { LabelColour } from "./health-looks";

/** Above this many ms of skew the dashboard warns (cluster pre-flight refuses at 2000). */
export const SKEW_WARNING_MS = 500;
/** Above this many ms, cluster formation's pre-flight check fails: shown as danger. */
export const SKEW_DANGER_MS = 2000;

export type SkewLevel = "ok" | "warning" | "danger" | "disconnected" | "unknown";

/**
 * How worrying an agent's clock skew is. A disconnected agent's last figure may be stale, so
 * its connection state wins over the number.
 */
export function skewLevel(entry: Pick<AgentClockSkew, "connected" | "skewMs">): SkewLevel {
  if (!entry.connected) return "disconnected";
  if (entry.skewMs === null) return "unknown";
  const magnitude = Math.abs(entry.skewMs);
  if (magnitude > SKEW_DANGER_MS) return "danger";
  if (magnitude > SKEW_WARNING_MS) return "warning";
  return "ok";
}

const LOOK: Record<SkewLevel, { colour: LabelColour; text: string }> = {
  ok: { colour: "green", text: "OK" },
  warning: { colour: "orange", text: "Warning" },
  danger: { colour: "red", text: "Too large" },
  disconnected: { colour: "grey", text: "Agent disconnected" },
  unknown: { colour: "grey", text: "Not measured yet" },
};

export function skewLook(level: SkewLevel): { colour: LabelColour; text: string } {
  return LOOK[level];
}
