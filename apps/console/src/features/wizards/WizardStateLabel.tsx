import type { WizardState } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";
import { STATE_VIEW } from "./wizard-view";

export function WizardStateLabel({ state }: { state: WizardState }) {
  const view = STATE_VIEW[state];
  return <Label color={view.color}>{view.text}</Label>;
}
