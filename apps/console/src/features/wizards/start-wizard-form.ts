import {
  type CreateWizardRequest,
  CreateWizardRequestSchema,
  type PlaintextPolicy,
  type TlsProtocol,
  type WizardKind,
} from "@conclave/protocol";

/** What the start modal holds; `stores` is only read when certificates are "uploaded". */
export interface StartWizardForm {
  certificates: "issue" | "uploaded";
  stores: Record<string, { keystoreId: string; truststoreId: string }>;
  plaintext: PlaintextPolicy;
  clientInterface: boolean;
  protocols: TlsProtocol[];
}

export const DEFAULT_START_FORM: StartWizardForm = {
  certificates: "issue",
  stores: {},
  plaintext: "keep",
  clientInterface: true,
  protocols: ["TLSv1.2", "TLSv1.3"],
};

/** Messages by field: `keystore:<realm>`, `truststore:<realm>`, `protocols`, or `form`. */
export type StartWizardErrors = Record<string, string>;

/**
 * The POST /wizards body for the modal's choices, checked with the shared schema; or the
 * messages to show beside the fields. The body carries only what the operator chose: the
 * manager fills in the defaults (ports, ciphers) itself.
 */
export function toCreateRequest(
  kind: WizardKind,
  cluster: string,
  members: readonly string[],
  form: StartWizardForm,
): { body: CreateWizardRequest } | { errors: StartWizardErrors } {
  const errors: StartWizardErrors = {};
  let certificates: "issue" | Record<string, { keystoreId: string; truststoreId: string }> =
    "issue";
  if (form.certificates === "uploaded") {
    certificates = {};
    for (const realm of members) {
      const chosen = form.stores[realm] ?? { keystoreId: "", truststoreId: "" };
      if (!chosen.keystoreId) errors[`keystore:${realm}`] = `Choose a key store for ${realm}`;
      if (!chosen.truststoreId) errors[`truststore:${realm}`] = `Choose a trust store for ${realm}`;
      certificates[realm] = { ...chosen };
    }
  }
  if (kind === "encrypt-inter-realm" && form.protocols.length === 0) {
    errors.protocols = "Choose at least one TLS protocol";
  }
  if (Object.keys(errors).length > 0) return { errors };

  const body: CreateWizardRequest =
    kind === "encrypt-inter-realm"
      ? {
          kind,
          cluster,
          options: {
            certificates,
            plaintext: form.plaintext,
            clientInterface: form.clientInterface,
            protocols: form.protocols,
          },
        }
      : { kind, cluster, options: { certificates } };
  const checked = CreateWizardRequestSchema.safeParse(body);
  if (!checked.success) {
    return { errors: { form: checked.error.issues.map((i) => i.message).join("; ") } };
  }
  return { body };
}
