import { FormHelperText, HelperText, HelperTextItem } from "@patternfly/react-core";

/** A validation message under a form field. */
export function FieldError({ message }: { message: string | undefined }) {
  if (!message) return null;
  return (
    <FormHelperText>
      <HelperText>
        <HelperTextItem variant="error">{message}</HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}
