/** A timestamp in the operator's locale, or "—" when there is none yet. */
export function formatTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}
