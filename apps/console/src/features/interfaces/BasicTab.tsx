import { InterfaceProtocolSchema } from "@conclave/protocol";
import { Checkbox } from "@patternfly/react-core";
import type { Control, FieldErrors } from "react-hook-form";
import { CheckboxField } from "../../components/CheckboxField";
import { ReadOnlyField } from "../../components/ReadOnlyField";
import { SelectField } from "../../components/SelectField";
import { TextField } from "../../components/TextField";
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

const PROTOCOL_OPTIONS = InterfaceProtocolSchema.options.map((p) => ({
  value: p,
  label: PROTOCOL_NAMES[p] ?? p,
}));

const SET_BY_REALM = "Set by the realm; not editable through the manager yet.";

/** Basic tab: the interface fields with Universal Messaging's names. */
export function BasicTab({ control, errors, isEdit }: BasicTabProps) {
  return (
    <>
      <TextField
        control={control}
        name="alias"
        label="Adapter alias"
        id="iface-alias"
        isRequired
        isDisabled={isEdit}
        error={errors.alias?.message}
      />
      <SelectField
        control={control}
        name="protocol"
        label="Protocol"
        id="iface-protocol"
        isRequired
        options={PROTOCOL_OPTIONS}
      />
      <TextField
        control={control}
        name="bindAddress"
        label="Bind address"
        id="iface-bind"
        isRequired
        error={errors.bindAddress?.message}
      />
      <TextField
        control={control}
        name="port"
        label="Port"
        id="iface-port"
        type="number"
        isRequired
        error={errors.port?.message}
      />
      <CheckboxField
        control={control}
        name="autostart"
        label="Autostart Interface"
        id="iface-autostart"
      />
      <CheckboxField
        control={control}
        name="allowInterRealm"
        label="Allow for InterRealm"
        id="iface-interrealm"
      />
      <CheckboxField
        control={control}
        name="allowClientConnections"
        label="Allow Client Connections"
        id="iface-clients"
      />
      {/* Fields operators know from Enterprise Manager whose values the realm sets itself; the
          REST API does not take them yet, so they are shown read-only rather than dropped. */}
      <Checkbox
        id="iface-advertise"
        label="Advertise Interface"
        isChecked
        isDisabled
        description="Always advertised to clients."
      />
      <ReadOnlyField id="iface-backlog" label="Backlog" value="OS default" note={SET_BY_REALM} />
      <ReadOnlyField
        id="iface-accept-threads"
        label="Accept Threads"
        value="1 (event loop)"
        note={SET_BY_REALM}
      />
      <ReadOnlyField
        id="iface-auth-time"
        label="Auth Time"
        value="Realm default"
        note={SET_BY_REALM}
      />
    </>
  );
}
