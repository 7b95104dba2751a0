import { TLS_PROTOCOLS, type TlsProtocol } from "@conclave/protocol";
import {
  Alert,
  Checkbox,
  ExpandableSection,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";
import { type Control, Controller, type FieldErrors, useWatch } from "react-hook-form";
import { FieldError } from "../../components/FieldError";
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
  const stores = keystores.data?.items ?? [];

  return (
    <>
      <Controller
        control={control}
        name="keystoreId"
        render={({ field }) => (
          <FormGroup label="Key store" isRequired fieldId="iface-keystore">
            <FormSelect
              id="iface-keystore"
              value={field.value}
              validated={errors.keystoreId ? "error" : "default"}
              onChange={(_e, value) => {
                field.onChange(value);
                setValue("keyAlias", "");
              }}
            >
              <FormSelectOption value="" label="Choose a key store…" />
              {stores.map((s) => (
                <FormSelectOption key={s.id} value={s.id} label={s.name} />
              ))}
            </FormSelect>
            <FieldError message={errors.keystoreId?.message} />
          </FormGroup>
        )}
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
      <Controller
        control={control}
        name="keyAlias"
        render={({ field }) => (
          <FormGroup label="Certificate alias" fieldId="iface-key-alias">
            <FormSelect
              id="iface-key-alias"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
              isDisabled={!keystoreId}
            >
              <FormSelectOption value="" label="The store's only key entry" />
              {keyEntries.map((e) => (
                <FormSelectOption key={e.alias} value={e.alias} label={e.alias} />
              ))}
            </FormSelect>
            <FieldError message={errors.keyAlias?.message} />
          </FormGroup>
        )}
      />
      <CoverageWarning keystoreId={keystoreId} keyAlias={keyAlias} bindAddress={bindAddress} />
      <Controller
        control={control}
        name="truststoreId"
        render={({ field }) => (
          <FormGroup label="Trust store" fieldId="iface-truststore">
            <FormSelect
              id="iface-truststore"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
            >
              <FormSelectOption value="" label="None" />
              {stores.map((s) => (
                <FormSelectOption key={s.id} value={s.id} label={s.name} />
              ))}
            </FormSelect>
          </FormGroup>
        )}
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
      <Controller
        control={control}
        name="enableClientCertValidation"
        render={({ field }) => (
          <Checkbox
            id="iface-client-cert"
            label="Enable Client Cert Validation"
            isChecked={field.value}
            onChange={(_e, checked) => field.onChange(checked)}
          />
        )}
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
      {(
        [
          ["iface-ciphers", "Cipher suites", "Node's secure defaults for the chosen protocols"],
          ["iface-crl", "CRL", "None"],
        ] as const
      ).map(([id, label, value]) => (
        <FormGroup key={id} label={label} fieldId={id}>
          <TextInput id={id} value={value} isDisabled />
          <FormHelperText>
            <HelperText>
              <HelperTextItem>Not editable through the manager yet.</HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
      ))}
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
