import type { CertificateExpiry } from "@conclave/protocol";

/** Colours PatternFly's Label takes that the health page uses. */
export type LabelColour = "green" | "orange" | "red" | "blue" | "grey";

type CertificateStatus = CertificateExpiry["status"];

const CERTIFICATE_LOOK: Record<CertificateStatus, { colour: LabelColour; text: string }> = {
  valid: { colour: "green", text: "Valid" },
  expiringSoon: { colour: "orange", text: "Expires soon" },
  expired: { colour: "red", text: "Expired" },
};

/** The label of a certificate's days left, coloured by the manager's expiry status. */
export function certificateLook(status: CertificateStatus): { colour: LabelColour; text: string } {
  return CERTIFICATE_LOOK[status];
}

/** "12 days", "1 day", "expired 3 days ago": days left as an operator reads them. */
export function formatDaysLeft(daysLeft: number): string {
  const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;
  if (daysLeft < 0) return `expired ${days(-daysLeft)} ago`;
  return days(daysLeft);
}
