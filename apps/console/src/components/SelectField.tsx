import { FormGroup, FormSelect, FormSelectOption } from "@patternfly/react-core";
import { type Control, Controller, type FieldPath, type FieldValues } from "react-hook-form";
import { FieldError } from "./FieldError";

export interface SelectFieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  id: string;
  options: { value: string; label: string }[];
  error?: string | undefined;
  isRequired?: boolean;
  isDisabled?: boolean;
  /** Runs after the field changes, e.g. to clear a field that depends on this one. */
  onChanged?: (value: string) => void;
}

/** A labelled select bound to a react-hook-form field, with its validation message. */
export function SelectField<T extends FieldValues>(props: SelectFieldProps<T>) {
  const { control, name, label, id, options, error, isRequired, isDisabled, onChanged } = props;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <FormGroup label={label} isRequired={isRequired} fieldId={id}>
          <FormSelect
            id={id}
            value={field.value}
            isDisabled={isDisabled}
            validated={error ? "error" : "default"}
            onChange={(_e, value) => {
              field.onChange(value);
              onChanged?.(value);
            }}
          >
            {options.map((o) => (
              <FormSelectOption key={o.value} value={o.value} label={o.label} />
            ))}
          </FormSelect>
          <FieldError message={error} />
        </FormGroup>
      )}
    />
  );
}
