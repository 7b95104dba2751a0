import { FormGroup } from "@patternfly/react-core";
import { FieldError } from "./FieldError";

export interface FileFieldProps {
  id: string;
  label: string;
  /** File types the picker offers, e.g. ".pem,.crt". */
  accept: string;
  error?: string | undefined;
  isRequired?: boolean;
  onChange: (file: File | null) => void;
}

/** A labelled file picker for one file, with its validation message. */
export function FileField({ id, label, accept, error, isRequired, onChange }: FileFieldProps) {
  return (
    <FormGroup label={label} fieldId={id} isRequired={isRequired}>
      <input
        id={id}
        type="file"
        accept={accept}
        onChange={(event) => onChange(event.target.files?.[0] ?? null)}
      />
      <FieldError message={error} />
    </FormGroup>
  );
}
