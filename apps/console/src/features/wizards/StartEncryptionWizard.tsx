import { Button } from "@patternfly/react-core";
import { useState } from "react";
import { useHasRole } from "../session/session.queries";
import { StartWizardModal } from "./StartWizardModal";

export interface StartEncryptionWizardProps {
  cluster: string;
  /** The cluster's member realms, each of which needs certificates. */
  members: string[];
}

/** "Switch to TLS": starts the encrypt-inter-realm wizard for a cluster (operators and admins). */
export function StartEncryptionWizard({ cluster, members }: StartEncryptionWizardProps) {
  const canOperate = useHasRole("operator");
  const [open, setOpen] = useState(false);
  if (!canOperate) return null;
  return (
    <>
      <Button onClick={() => setOpen(true)}>Switch to TLS</Button>
      {open && (
        <StartWizardModal
          kind="encrypt-inter-realm"
          cluster={cluster}
          members={members}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}
