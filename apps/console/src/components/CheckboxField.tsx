import { Checkbox } from "@patternfly/react-core";
import { type Control, Controller, type FieldPath, type FieldValues } from "react-hook-form";

export interface CheckboxFieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  id: string;
}

/** A labelled checkbox bound to a boolean react-hook-form field. */
export function CheckboxField<T extends FieldValues>({
  control,
  name,
  label,
  id,
}: CheckboxFieldProps<T>) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <Checkbox
          id={id}
          label={label}
          isChecked={field.value}
          onChange={(_e, checked) => field.onChange(checked)}
        />
      )}
    />
  );
}
