import {
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";
import { FieldError } from "./FieldError";

export interface InputFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  /** A hint under the field, e.g. what leaving it empty means. */
  hint?: string;
  isRequired?: boolean;
  type?: "text" | "number";
  min?: number;
  max?: number;
  placeholder?: string;
}

/**
 * A labelled text input over a plain state value, with its validation message: TextField's
 * counterpart for forms that keep their values in useState rather than react-hook-form.
 */
export function InputField(props: InputFieldProps) {
  const { id, label, value, onChange, error, hint, isRequired, ...input } = props;
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <TextInput
        id={id}
        {...input}
        value={value}
        validated={error ? "error" : "default"}
        onChange={(_e, next) => onChange(next)}
      />
      {hint && (
        <FormHelperText>
          <HelperText>
            <HelperTextItem>{hint}</HelperTextItem>
          </HelperText>
        </FormHelperText>
      )}
      <FieldError message={error} />
    </FormGroup>
  );
}
