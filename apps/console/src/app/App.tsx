import { Bullseye, Spinner } from "@patternfly/react-core";
import { useMemo } from "react";
import { RouterProvider } from "react-router";
import { LoginPage } from "../features/session/LoginPage";
import { useSessionQuery } from "../features/session/session.queries";
import { createRouter } from "./router";

/** Signed out: the login page. Signed in: the routed console. */
export function App() {
  const session = useSessionQuery();
  const router = useMemo(() => createRouter(), []);
  if (session.isPending) {
    return (
      <Bullseye>
        <Spinner aria-label="Loading session" />
      </Bullseye>
    );
  }
  if (!session.data) return <LoginPage />;
  return <RouterProvider router={router} />;
}
