import {
  FormGroup,
  FormHelperText,
  HelperText,
  HelperTextItem,
  TextInput,
} from "@patternfly/react-core";

/** A field operators know from Enterprise Manager, shown disabled with why it cannot change. */
export function ReadOnlyField({
  id,
  label,
  value,
  note,
}: {
  id: string;
  label: string;
  value: string;
  note: string;
}) {
  return (
    <FormGroup label={label} fieldId={id}>
      <TextInput id={id} value={value} isDisabled />
      <FormHelperText>
        <HelperText>
          <HelperTextItem>{note}</HelperTextItem>
        </HelperText>
      </FormHelperText>
    </FormGroup>
  );
}
