import type { Subject } from "@conclave/protocol";
import { UsageError } from "../cli-error.js";
import type { OptionValues } from "../command.js";

/** Distinguished-name flags: --cn (required), --o, --ou, --l, --st, --c. */
export const subjectOptions = {
  cn: { type: "string" },
  o: { type: "string" },
  ou: { type: "string" },
  l: { type: "string" },
  st: { type: "string" },
  c: { type: "string" },
} as const;

export const subjectFlags: Record<string, string> = {
  cn: "Subject CN (required)",
  o: "Subject O",
  ou: "Subject OU",
  l: "Subject L",
  st: "Subject ST",
  c: "Subject C (two letters)",
};

export function subjectFromFlags(values: OptionValues): Subject {
  const CN = values.cn as string | undefined;
  if (!CN) throw new UsageError("--cn is required");
  const subject: Subject = { CN };
  for (const key of ["o", "ou", "l", "st", "c"] as const) {
    const value = values[key] as string | undefined;
    if (value) subject[key.toUpperCase() as "O" | "OU" | "L" | "ST" | "C"] = value;
  }
  return subject;
}
