import { LoginRequestSchema } from "@conclave/protocol";
import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  LoginPage as PfLoginPage,
  TextInput,
} from "@patternfly/react-core";
import { type FormEvent, useState } from "react";
import { FieldError } from "../../components/FieldError";
import { useLoginMutation } from "./session.queries";

/** Sign in with username and password (POST /api/v1/session). */
export function LoginPage() {
  const login = useLoginMutation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = LoginRequestSchema.safeParse({ username, password });
    if (!parsed.success) {
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    login.mutate({ username, password });
  };

  return (
    <PfLoginPage
      loginTitle="Sign in to Conclave"
      textContent="Administration console for clustered messaging realms"
    >
      <Form onSubmit={submit} noValidate>
        {login.error && <Alert variant="danger" isInline isPlain title={login.error.message} />}
        <FormGroup label="Username" isRequired fieldId="login-username">
          <TextInput
            id="login-username"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(_e, value) => setUsername(value)}
            validated={fieldErrors.username ? "error" : "default"}
            isRequired
          />
          <FieldError message={fieldErrors.username} />
        </FormGroup>
        <FormGroup label="Password" isRequired fieldId="login-password">
          <TextInput
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(_e, value) => setPassword(value)}
            validated={fieldErrors.password ? "error" : "default"}
            isRequired
          />
          <FieldError message={fieldErrors.password} />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isBlock isLoading={login.isPending}>
            Log in
          </Button>
        </ActionGroup>
      </Form>
    </PfLoginPage>
  );
}
