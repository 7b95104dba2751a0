import type { InterfaceState } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";

const COLOR: Record<InterfaceState, "green" | "grey" | "red"> = {
  Running: "green",
  Stopped: "grey",
  Error: "red",
};

/** Running / Stopped / Error, with the reason of an Error as its tooltip text. */
export function InterfaceStatusLabel({
  status,
  error,
}: {
  status: InterfaceState;
  error?: string;
}) {
  return (
    <Label color={COLOR[status]} title={error}>
      {status}
    </Label>
  );
}
