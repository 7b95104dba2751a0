import type { DistinguishedName } from "@conclave/pki";
import type { Subject } from "@conclave/protocol";

/** The operator's subject fields as @conclave/pki names them. */
export function toDistinguishedName(subject: Subject): DistinguishedName {
  return {
    commonName: subject.CN,
    ...(subject.O ? { organization: subject.O } : {}),
    ...(subject.OU ? { organizationalUnit: subject.OU } : {}),
    ...(subject.L ? { locality: subject.L } : {}),
    ...(subject.ST ? { state: subject.ST } : {}),
    ...(subject.C ? { country: subject.C } : {}),
  };
}

/**
 * Parses a subject as @conclave/pki prints it (RFC 2253, most specific first:
 * `CN=realm1, OU=Ops, O=Example\, Inc, C=GB`) back into its fields, so a CSR can be made
 * again for a key uploaded with its certificate (what `keytool -certreq` does). Attributes
 * other than CN, OU, O, L, ST, C and EMAILADDRESS are left out; multi-valued RDNs are split.
 */
export function parseDistinguishedName(subject: string): DistinguishedName | undefined {
  const pairs: [string, string][] = [];
  let i = 0;
  while (i < subject.length) {
    while (subject[i] === " ") i++;
    const eq = subject.indexOf("=", i);
    if (eq < 0) break;
    const type = subject.slice(i, eq).trim().toUpperCase();
    let value = "";
    i = eq + 1;
    while (i < subject.length && subject[i] !== "," && subject[i] !== "+") {
      if (subject[i] === "\\" && i + 1 < subject.length) {
        value += subject[i + 1];
        i += 2;
      } else {
        value += subject[i];
        i++;
      }
    }
    pairs.push([type, value.trim()]);
    i++;
  }
  const dn: Partial<DistinguishedName> = {};
  const units: string[] = [];
  // RFC 2253 lists the most specific RDN first; DER order (what encodeName writes) is reversed.
  for (const [type, value] of pairs.reverse()) {
    if (value === "") continue;
    if (type === "CN") dn.commonName = value;
    else if (type === "OU") units.push(value);
    else if (type === "O") dn.organization = value;
    else if (type === "L") dn.locality = value;
    else if (type === "ST") dn.state = value;
    else if (type === "C") dn.country = value;
    else if (type === "EMAILADDRESS" || type === "E") dn.emailAddress = value;
  }
  if (units.length > 0) dn.organizationalUnit = units.length === 1 ? units[0] : units;
  if (!dn.commonName) return undefined;
  return dn as DistinguishedName;
}
