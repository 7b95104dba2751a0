import {
  type InterfaceDefinitionInput,
  InterfaceDefinitionSchema,
  type InterfaceProtocol,
  isTlsProtocol,
  type RealmInterface,
  type TlsProtocol,
} from "@conclave/protocol";
import type { FieldErrors, Resolver } from "react-hook-form";

/**
 * What the interface dialog edits. Numbers are kept as typed text so a half-typed port is not
 * lost; `toDefinition` turns the values into the REST body, which the shared zod schema checks.
 */
export interface InterfaceFormValues {
  alias: string;
  protocol: InterfaceProtocol;
  bindAddress: string;
  port: string;
  autostart: boolean;
  allowInterRealm: boolean;
  allowClientConnections: boolean;
  keystoreId: string;
  keyAlias: string;
  truststoreId: string;
  enableClientCertValidation: boolean;
  protocols: TlsProtocol[];
  /** Cipher suites as typed: names separated by commas, new lines (or OpenSSL's colons). */
  cipherSuites: string;
}

/** Fields shown on the Certificates tab, so a failed save can switch to it. */
export const CERTIFICATE_FIELDS: (keyof InterfaceFormValues)[] = [
  "keystoreId",
  "keyAlias",
  "truststoreId",
  "protocols",
  "cipherSuites",
];

export const DEFAULT_INTERFACE_VALUES: InterfaceFormValues = {
  alias: "",
  protocol: "nsp",
  bindAddress: "0.0.0.0",
  port: "9000",
  autostart: true,
  allowInterRealm: true,
  allowClientConnections: true,
  keystoreId: "",
  keyAlias: "",
  truststoreId: "",
  enableClientCertValidation: false,
  protocols: ["TLSv1.2", "TLSv1.3"],
  cipherSuites: "",
};

export function valuesFromInterface(iface: RealmInterface): InterfaceFormValues {
  return {
    alias: iface.alias,
    protocol: iface.protocol,
    bindAddress: iface.bindAddress,
    port: String(iface.port),
    autostart: iface.autostart,
    allowInterRealm: iface.allowInterRealm,
    allowClientConnections: iface.allowClientConnections,
    keystoreId: iface.certificates?.keystoreId ?? "",
    keyAlias: iface.certificates?.keyAlias ?? "",
    truststoreId: iface.certificates?.truststoreId ?? "",
    enableClientCertValidation: iface.certificates?.enableClientCertValidation ?? false,
    protocols: iface.certificates?.protocols ?? ["TLSv1.2", "TLSv1.3"],
    cipherSuites: (iface.certificates?.cipherSuites ?? []).join("\n"),
  };
}

/** The REST body (POST/PUT …/interfaces) for the form's values. */
export function toDefinition(values: InterfaceFormValues): InterfaceDefinitionInput {
  const port = values.port.trim() === "" ? Number.NaN : Number(values.port);
  return {
    alias: values.alias.trim(),
    protocol: values.protocol,
    bindAddress: values.bindAddress.trim(),
    port,
    autostart: values.autostart,
    allowInterRealm: values.allowInterRealm,
    allowClientConnections: values.allowClientConnections,
    certificates: isTlsProtocol(values.protocol)
      ? {
          // An empty id fails the schema's min(1) with a message on the Key store field.
          keystoreId: values.keystoreId,
          ...(values.keyAlias ? { keyAlias: values.keyAlias } : {}),
          ...(values.truststoreId ? { truststoreId: values.truststoreId } : {}),
          enableClientCertValidation: values.enableClientCertValidation,
          protocols: values.protocols,
          cipherSuites: parseCipherSuites(values.cipherSuites),
        }
      : undefined,
  };
}

/** The names in the Cipher suites text; blank text is the platform's defaults (an empty list). */
export function parseCipherSuites(text: string): string[] {
  return [...new Set(text.split(/[\s,:]+/).filter(Boolean))];
}

/** Maps a schema issue path (["certificates", "keystoreId"]) to the form field showing it. */
function fieldFor(path: PropertyKey[]): keyof InterfaceFormValues {
  const [head, next] = path;
  if (head === "certificates") {
    if (next === "protocols") return "protocols";
    if (next === "cipherSuites") return "cipherSuites";
    if (next === "keyAlias") return "keyAlias";
    if (next === "truststoreId") return "truststoreId";
    return "keystoreId";
  }
  return (typeof head === "string" ? head : "alias") as keyof InterfaceFormValues;
}

/**
 * Where the schema's wording speaks of JSON ("expected number, received NaN", an empty
 * keystoreId), say it in the form's terms instead; other messages pass through unchanged.
 */
const MESSAGES: Partial<
  Record<keyof InterfaceFormValues, (raw: string, values: InterfaceFormValues) => string>
> = {
  port: (raw) => (raw.includes("NaN") ? "Port must be a number from 0 to 65535" : raw),
  keystoreId: (raw, values) => (values.keystoreId ? raw : "Choose or upload a key store"),
  bindAddress: (raw, values) => (values.bindAddress.trim() ? raw : "Bind address is required"),
};

/** Validates with the shared InterfaceDefinitionSchema; errors keyed by form field. */
export function validateInterfaceForm(
  values: InterfaceFormValues,
): Partial<Record<keyof InterfaceFormValues, string>> {
  const parsed = InterfaceDefinitionSchema.safeParse(toDefinition(values));
  const errors: Partial<Record<keyof InterfaceFormValues, string>> = {};
  if (parsed.success) return errors;
  for (const issue of parsed.error.issues) {
    const field = fieldFor(issue.path);
    errors[field] ??= MESSAGES[field]?.(issue.message, values) ?? issue.message;
  }
  return errors;
}

/**
 * A react-hook-form resolver over the shared schema. zodResolver would need a schema of the
 * form's own shape (text ports, flat certificate fields); this keeps the REST schema the one
 * source of the rules and messages.
 */
export const interfaceFormResolver: Resolver<InterfaceFormValues> = async (values) => {
  const errors = validateInterfaceForm(values);
  if (Object.keys(errors).length === 0) return { values, errors: {} };
  const fieldErrors: FieldErrors<InterfaceFormValues> = {};
  for (const [field, message] of Object.entries(errors)) {
    (fieldErrors as Record<string, { type: string; message: string }>)[field] = {
      type: "schema",
      message,
    };
  }
  return { values: {}, errors: fieldErrors };
};
