import type { ClusterHealth } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";

const COLOR: Record<ClusterHealth, "green" | "orange" | "red" | "blue"> = {
  Active: "green",
  Degraded: "orange",
  NoQuorum: "red",
  Forming: "blue",
};

/** Active green, Degraded orange, NoQuorum red, Forming blue: on every page that shows a cluster. */
export function ClusterStatusLabel({ status }: { status: ClusterHealth }) {
  return <Label color={COLOR[status]}>{status}</Label>;
}
