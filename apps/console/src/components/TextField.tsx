import { FormGroup, TextInput } from "@patternfly/react-core";
import { type Control, Controller, type FieldPath, type FieldValues } from "react-hook-form";
import { FieldError } from "./FieldError";

export interface TextFieldProps<T extends FieldValues> {
  control: Control<T>;
  name: FieldPath<T>;
  label: string;
  id: string;
  error?: string | undefined;
  isRequired?: boolean;
  isDisabled?: boolean;
  type?: "text" | "number" | "password";
}

/** A labelled text input bound to a react-hook-form field, with its validation message. */
export function TextField<T extends FieldValues>(props: TextFieldProps<T>) {
  const { control, name, label, id, error, isRequired, isDisabled, type = "text" } = props;
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => (
        <FormGroup label={label} isRequired={isRequired} fieldId={id}>
          <TextInput
            id={id}
            type={type}
            value={field.value}
            onChange={(_e, value) => field.onChange(value)}
            onBlur={field.onBlur}
            isDisabled={isDisabled}
            validated={error ? "error" : "default"}
          />
          <FieldError message={error} />
        </FormGroup>
      )}
    />
  );
}
