import {
  Button,
  Form,
  FormGroup,
  TextInput,
  Toolbar,
  ToolbarContent,
  ToolbarGroup,
  ToolbarItem,
} from "@patternfly/react-core";
import { useState } from "react";
import { FieldError } from "../../components/FieldError";
import {
  type AuditFilterErrors,
  type AuditFilterValues,
  EMPTY_AUDIT_FILTERS,
} from "./audit-filters";

export interface AuditFilterToolbarProps {
  /** Called with the typed filters on Apply; answers the messages to show, if any. */
  onApply: (values: AuditFilterValues) => AuditFilterErrors | undefined;
}

const FIELDS: {
  name: keyof AuditFilterValues;
  label: string;
  type: "text" | "datetime-local";
  placeholder?: string;
}[] = [
  { name: "actor", label: "Actor", type: "text", placeholder: "alice or system" },
  { name: "action", label: "Action", type: "text", placeholder: "user.create or user.*" },
  { name: "resource", label: "Resource", type: "text", placeholder: "user:alice" },
  { name: "since", label: "Since", type: "datetime-local" },
  { name: "until", label: "Until", type: "datetime-local" },
];

/**
 * The audit log's filters. They apply on Enter or "Apply filters", not on every keystroke,
 * so a half-typed action does not query the log.
 */
export function AuditFilterToolbar({ onApply }: AuditFilterToolbarProps) {
  const [values, setValues] = useState<AuditFilterValues>(EMPTY_AUDIT_FILTERS);
  const [errors, setErrors] = useState<AuditFilterErrors>({});

  const apply = (next: AuditFilterValues) => setErrors(onApply(next) ?? {});

  return (
    <Form
      onSubmit={(event) => {
        event.preventDefault();
        apply(values);
      }}
      aria-label="Audit log filters"
    >
      <Toolbar>
        <ToolbarContent>
          <ToolbarGroup>
            {FIELDS.map((field) => (
              <ToolbarItem key={field.name}>
                <FormGroup label={field.label} fieldId={`audit-filter-${field.name}`}>
                  <TextInput
                    id={`audit-filter-${field.name}`}
                    type={field.type}
                    value={values[field.name]}
                    placeholder={field.placeholder}
                    validated={errors[field.name] ? "error" : "default"}
                    onChange={(_event, value) => setValues({ ...values, [field.name]: value })}
                  />
                  <FieldError message={errors[field.name]} />
                </FormGroup>
              </ToolbarItem>
            ))}
          </ToolbarGroup>
          <ToolbarGroup alignItems="end">
            <ToolbarItem>
              <Button type="submit">Apply filters</Button>
            </ToolbarItem>
            <ToolbarItem>
              <Button
                variant="link"
                onClick={() => {
                  setValues(EMPTY_AUDIT_FILTERS);
                  apply(EMPTY_AUDIT_FILTERS);
                }}
              >
                Clear filters
              </Button>
            </ToolbarItem>
          </ToolbarGroup>
        </ToolbarContent>
      </Toolbar>
    </Form>
  );
}
