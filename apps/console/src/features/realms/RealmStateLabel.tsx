import type { RealmState } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";

const COLOR: Record<RealmState, "green" | "orange" | "red" | "grey" | "blue"> = {
  running: "green",
  starting: "blue",
  stopping: "orange",
  stopped: "grey",
  backoff: "red",
  missing: "red",
  unknown: "grey",
};

export function RealmStateLabel({ state }: { state: RealmState }) {
  return <Label color={COLOR[state]}>{state}</Label>;
}
