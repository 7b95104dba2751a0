import { TLS_PROTOCOLS, type TlsProtocol } from "@conclave/protocol";
import {
  Alert,
  Checkbox,
  ExpandableSection,
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextArea,
} from "@patternfly/react-core";
import { type Control, Controller, type FieldErrors, useWatch } from "react-hook-form";
import { CheckboxField } from "../../components/CheckboxField";
import { FieldError } from "../../components/FieldError";
import { ReadOnlyField } from "../../components/ReadOnlyField";
import { SelectField } from "../../components/SelectField";
import { KeystoreUploadForm } from "../keystores/KeystoreUploadForm";
import {
  useKeystoreChecksQuery,
  useKeystoreQuery,
  useKeystoresQuery,
} from "../keystores/keystores.queries";
import type { InterfaceFormValues } from "./interface-form";

export interface CertificatesTabProps {
  control: Control<InterfaceFormValues>;
  errors: FieldErrors<InterfaceFormValues>;
  setValue: (name: "keystoreId" | "truststoreId" | "keyAlias", value: string) => void;
}

/**
 * Certificates tab (nsps/nhps): key material is picked from the manager's keystores, or
 * uploaded here with its password, which the manager keeps encrypted and delivers to the realm.
 */
export function CertificatesTab({ control, errors, setValue }: CertificatesTabProps) {
  const keystores = useKeystoresQuery();
  const [keystoreId, keyAlias, bindAddress] = useWatch({
    control,
    name: ["keystoreId", "keyAlias", "bindAddress"],
  });
  const keystore = useKeystoreQuery(keystoreId || undefined);
  const keyEntries = keystore.data?.entries.filter((e) => e.kind === "privateKey") ?? [];
  const storeOptions = (keystores.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }));

  return (
    <>
      <SelectField
        control={control}
        name="keystoreId"
        label="Key store"
        id="iface-keystore"
        isRequired
        options={[{ value: "", label: "Choose a key store…" }, ...storeOptions]}
        error={errors.keystoreId?.message}
        onChanged={() => setValue("keyAlias", "")}
      />
      <ExpandableSection toggleText="Upload a key store" isIndented>
        <KeystoreUploadForm
          fileLabel="Key store path"
          passwordLabel="Key Store Passwd"
          keyPasswordLabel="Private key password"
          submitLabel="Upload key store"
          onUploaded={(store) => {
            setValue("keystoreId", store.id);
            setValue("keyAlias", "");
          }}
        />
      </ExpandableSection>
      <SelectField
        control={control}
        name="keyAlias"
        label="Certificate alias"
        id="iface-key-alias"
        isDisabled={!keystoreId}
        options={[
          { value: "", label: "The store's only key entry" },
          ...keyEntries.map((e) => ({ value: e.alias, label: e.alias })),
        ]}
        error={errors.keyAlias?.message}
      />
      <CoverageWarning keystoreId={keystoreId} keyAlias={keyAlias} bindAddress={bindAddress} />
      <SelectField
        control={control}
        name="truststoreId"
        label="Trust store"
        id="iface-truststore"
        options={[{ value: "", label: "None" }, ...storeOptions]}
      />
      <ExpandableSection toggleText="Upload a trust store" isIndented>
        <KeystoreUploadForm
          fileLabel="Trust store path"
          passwordLabel="Trust Store Passwd"
          showKeyPassword={false}
          submitLabel="Upload trust store"
          onUploaded={(store) => setValue("truststoreId", store.id)}
        />
      </ExpandableSection>
      <CheckboxField
        control={control}
        name="enableClientCertValidation"
        label="Enable Client Cert Validation"
        id="iface-client-cert"
      />
      <Controller
        control={control}
        name="protocols"
        render={({ field }) => (
          <FormGroup label="Protocols" role="group" isStack fieldId="iface-protocols">
            {TLS_PROTOCOLS.map((p: TlsProtocol) => (
              <Checkbox
                key={p}
                id={`iface-protocol-${p}`}
                label={p}
                isChecked={field.value.includes(p)}
                onChange={(_e, checked) =>
                  field.onChange(
                    checked
                      ? TLS_PROTOCOLS.filter((x) => x === p || field.value.includes(x))
                      : field.value.filter((x) => x !== p),
                  )
                }
              />
            ))}
            <FieldError message={errors.protocols?.message} />
          </FormGroup>
        )}
      />
      <Controller
        control={control}
        name="cipherSuites"
        render={({ field }) => (
          <FormGroup label="Cipher suites" fieldId="iface-ciphers">
            <TextArea
              id="iface-ciphers"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
              onBlur={field.onBlur}
              rows={3}
              resizeOrientation="vertical"
              validated={errors.cipherSuites ? "error" : "default"}
              aria-describedby="iface-ciphers-help"
            />
            <FormHelperText>
              <HelperText id="iface-ciphers-help">
                <HelperTextItem>
                  OpenSSL names; empty means the platform's secure defaults
                </HelperTextItem>
              </HelperText>
            </FormHelperText>
            <FieldError message={errors.cipherSuites?.message} />
          </FormGroup>
        )}
      />
      <ReadOnlyField
        id="iface-crl"
        label="CRL"
        value="None"
        note="Not editable through the manager yet."
      />
    </>
  );
}

/** Warns when the chosen certificate does not cover the bind address (or has other problems). */
function CoverageWarning({
  keystoreId,
  keyAlias,
  bindAddress,
}: {
  keystoreId: string;
  keyAlias: string;
  bindAddress: string;
}) {
  const checks = useKeystoreChecksQuery(keystoreId || undefined, {
    bindAddress: bindAddress.trim() || undefined,
    role: "server",
  });
  const items = checks.data?.items ?? [];
  const relevant = keyAlias ? items.filter((i) => i.alias === keyAlias) : items.slice(0, 1);
  const findings = relevant.flatMap((i) => i.findings).filter((f) => f.severity !== "info");
  if (findings.length === 0) return null;
  const notCovered = findings.some((f) => f.id.includes("host") || f.id.includes("localhost"));
  return (
    <Alert
      variant={findings.some((f) => f.severity === "error") ? "danger" : "warning"}
      isInline
      title={
        notCovered
          ? `The certificate does not cover the bind address ${bindAddress}`
          : "Certificate checks found problems"
      }
    >
      <ul>
        {findings.map((f) => (
          <li key={f.id + f.message}>
            {f.message}
            {f.fix ? ` ${f.fix}` : ""}
          </li>
        ))}
      </ul>
    </Alert>
  );
}
