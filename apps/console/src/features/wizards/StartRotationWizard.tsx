import { Button } from "@patternfly/react-core";
import { useState } from "react";
import { useHasRole } from "../session/session.queries";
import { StartWizardModal } from "./StartWizardModal";

export interface StartRotationWizardProps {
  cluster: string;
  /** The cluster's member realms, each of which gets new credentials. */
  members: string[];
}

/** "Rotate credentials": starts the rotate-credentials wizard for a cluster (operators and admins). */
export function StartRotationWizard({ cluster, members }: StartRotationWizardProps) {
  const canOperate = useHasRole("operator");
  const [open, setOpen] = useState(false);
  if (!canOperate) return null;
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Rotate credentials
      </Button>
      {open && (
        <StartWizardModal
          kind="rotate-credentials"
          cluster={cluster}
          members={members}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
