import { RoleSchema } from "@conclave/protocol";
import {
  Alert,
  Button,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import { FieldError } from "../../components/FieldError";
import {
  EMPTY_NEW_USER,
  type NewUserErrors,
  type NewUserValues,
  validateNewUser,
} from "./user-form";
import { useCreateUserMutation } from "./users.queries";

export interface AddUserModalProps {
  onClose: () => void;
}

/** What each role may do, in the words the role selector shows. */
export const ROLE_NAMES: Record<NewUserValues["role"], string> = {
  admin: "admin — everything, including users",
  operator: "operator — changes realms and clusters",
  viewer: "viewer — reads only",
};

/** Creates a user; the shared schema's messages show under the fields, the manager's inline. */
export function AddUserModal({ onClose }: AddUserModalProps) {
  const create = useCreateUserMutation();
  const [values, setValues] = useState<NewUserValues>(EMPTY_NEW_USER);
  const [errors, setErrors] = useState<NewUserErrors>({});

  const set = (field: keyof NewUserValues, value: string) =>
    setValues({ ...values, [field]: value });

  const save = () => {
    const result = validateNewUser(values);
    setErrors(result.errors ?? {});
    if (result.body) create.mutate(result.body, { onSuccess: onClose });
  };

  return (
    <Modal isOpen onClose={onClose} variant="small" aria-labelledby="add-user-title">
      <ModalHeader title="Add user" labelId="add-user-title" />
      <ModalBody>
        <Form
          id="add-user-form"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save();
          }}
        >
          <FormGroup label="Username" isRequired fieldId="add-user-username">
            <TextInput
              id="add-user-username"
              value={values.username}
              autoComplete="off"
              validated={errors.username ? "error" : "default"}
              onChange={(_event, value) => set("username", value)}
            />
            <FieldError message={errors.username} />
          </FormGroup>
          <FormGroup label="Password" isRequired fieldId="add-user-password">
            <TextInput
              id="add-user-password"
              type="password"
              value={values.password}
              autoComplete="new-password"
              validated={errors.password ? "error" : "default"}
              onChange={(_event, value) => set("password", value)}
            />
            <FieldError message={errors.password} />
          </FormGroup>
          <FormGroup label="Role" isRequired fieldId="add-user-role">
            <FormSelect
              id="add-user-role"
              value={values.role}
              onChange={(_event, value) => set("role", value)}
            >
              {RoleSchema.options.map((role) => (
                <FormSelectOption key={role} value={role} label={ROLE_NAMES[role]} />
              ))}
            </FormSelect>
            <FieldError message={errors.role} />
          </FormGroup>
          {create.error && (
            <Alert variant="danger" isInline title="The user was not added">
              {create.error.message}
            </Alert>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button type="submit" form="add-user-form" isLoading={create.isPending}>
          Add
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
