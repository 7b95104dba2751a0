const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;
const DNS_NAME =
  /^(\*\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

const isIp = (value: string) => IPV4.test(value) || (value.includes(":") && IPV6.test(value));

export type ParsedSans = { ok: true; sans: string[] } | { ok: false; message: string };

/**
 * Turns what an operator types (comma- or newline-separated names and addresses, optionally
 * prefixed "dns:" or "ip:") into the manager's "dns:…" / "ip:…" form, so a typo is caught here
 * instead of ending up in a certificate.
 */
export function parseSans(text: string): ParsedSans {
  const sans: string[] = [];
  for (const raw of text.split(/[,\n]/)) {
    const item = raw.trim();
    if (!item) continue;
    const prefixed = /^(dns|ip):(.*)$/i.exec(item);
    const kind = prefixed?.[1]?.toLowerCase();
    const value = (prefixed?.[2] ?? item).trim();
    if (kind === "ip" || (!kind && isIp(value))) {
      if (!isIp(value)) return { ok: false, message: `"${item}" is not an IP address` };
      sans.push(`ip:${value}`);
    } else if (DNS_NAME.test(value) && value.length <= 253) {
      sans.push(`dns:${value.toLowerCase()}`);
    } else {
      return { ok: false, message: `"${item}" is neither a DNS name nor an IP address` };
    }
  }
  return { ok: true, sans: [...new Set(sans)] };
}
