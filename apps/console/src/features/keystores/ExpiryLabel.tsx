import type { ExpiryStatus } from "@conclave/protocol";
import { Label } from "@patternfly/react-core";

const LOOK: Record<ExpiryStatus, { color: "green" | "orange" | "red" | "grey"; text: string }> = {
  valid: { color: "green", text: "Valid" },
  expiringSoon: { color: "orange", text: "Expires soon" },
  expired: { color: "red", text: "Expired" },
  notYetValid: { color: "grey", text: "Not yet valid" },
};

/** An expiry date coloured by how close it is (orange within the warning window, red past it). */
export function ExpiryLabel({ at, status }: { at: string | null; status: ExpiryStatus | null }) {
  if (!at || !status) return <span>—</span>;
  const look = LOOK[status];
  return (
    <Label color={look.color} title={look.text}>
      {new Date(at).toISOString().slice(0, 10)} · {look.text}
    </Label>
  );
}
