import { InterfaceProtocolSchema } from "@conclave/protocol";
import {
  Checkbox,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";
import { type Control, Controller, type FieldErrors } from "react-hook-form";
import { FieldError } from "../../components/FieldError";
import type { InterfaceFormValues } from "./interface-form";

export interface BasicTabProps {
  control: Control<InterfaceFormValues>;
  errors: FieldErrors<InterfaceFormValues>;
  /** The alias names the interface in its realm; it cannot change after creation. */
  isEdit: boolean;
}

const PROTOCOL_NAMES: Record<string, string> = {
  nsp: "nsp — socket",
  nhp: "nhp — HTTP/WebSocket",
  nsps: "nsps — TLS socket",
  nhps: "nhps — HTTPS/WSS",
};

/** Basic tab: the interface fields with Universal Messaging's names. */
export function BasicTab({ control, errors, isEdit }: BasicTabProps) {
  return (
    <>
      <Controller
        control={control}
        name="alias"
        render={({ field }) => (
          <FormGroup label="Adapter alias" isRequired fieldId="iface-alias">
            <TextInput
              id="iface-alias"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
              onBlur={field.onBlur}
              isDisabled={isEdit}
              validated={errors.alias ? "error" : "default"}
            />
            <FieldError message={errors.alias?.message} />
          </FormGroup>
        )}
      />
      <Controller
        control={control}
        name="protocol"
        render={({ field }) => (
          <FormGroup label="Protocol" isRequired fieldId="iface-protocol">
            <FormSelect
              id="iface-protocol"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
            >
              {InterfaceProtocolSchema.options.map((p) => (
                <FormSelectOption key={p} value={p} label={PROTOCOL_NAMES[p] ?? p} />
              ))}
            </FormSelect>
          </FormGroup>
        )}
      />
      <Controller
        control={control}
        name="bindAddress"
        render={({ field }) => (
          <FormGroup label="Bind address" isRequired fieldId="iface-bind">
            <TextInput
              id="iface-bind"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
              onBlur={field.onBlur}
              validated={errors.bindAddress ? "error" : "default"}
            />
            <FieldError message={errors.bindAddress?.message} />
          </FormGroup>
        )}
      />
      <Controller
        control={control}
        name="port"
        render={({ field }) => (
          <FormGroup label="Port" isRequired fieldId="iface-port">
            <TextInput
              id="iface-port"
              type="number"
              value={field.value}
              onChange={(_e, value) => field.onChange(value)}
              onBlur={field.onBlur}
              validated={errors.port ? "error" : "default"}
            />
            <FieldError message={errors.port?.message} />
          </FormGroup>
        )}
      />
      <Controller
        control={control}
        name="autostart"
        render={({ field }) => (
          <Checkbox
            id="iface-autostart"
            label="Autostart Interface"
            isChecked={field.value}
            onChange={(_e, checked) => field.onChange(checked)}
          />
        )}
      />
      <Controller
        control={control}
        name="allowInterRealm"
        render={({ field }) => (
          <Checkbox
            id="iface-interrealm"
            label="Allow for InterRealm"
            isChecked={field.value}
            onChange={(_e, checked) => field.onChange(checked)}
          />
        )}
      />
      <Controller
        control={control}
        name="allowClientConnections"
        render={({ field }) => (
          <Checkbox
            id="iface-clients"
            label="Allow Client Connections"
            isChecked={field.value}
            onChange={(_e, checked) => field.onChange(checked)}
          />
        )}
      />
      <RealmDefaultFields />
    </>
  );
}

/**
 * Fields operators know from Enterprise Manager whose values the realm sets itself; the REST API
 * does not take them yet, so they are shown read-only rather than silently dropped.
 */
function RealmDefaultFields() {
  return (
    <>
      <Checkbox
        id="iface-advertise"
        label="Advertise Interface"
        isChecked
        isDisabled
        description="Always advertised to clients."
      />
      {[
        ["iface-backlog", "Backlog", "OS default"],
        ["iface-accept-threads", "Accept Threads", "1 (event loop)"],
        ["iface-auth-time", "Auth Time", "Realm default"],
      ].map(([id, label, value]) => (
        <FormGroup key={id} label={label} fieldId={id}>
          <TextInput id={id} value={value} isDisabled />
          <FormHelperText>
            <HelperText>
              <HelperTextItem>
                Set by the realm; not editable through the manager yet.
              </HelperTextItem>
            </HelperText>
          </FormHelperText>
        </FormGroup>
      ))}
    </>
  );
}
