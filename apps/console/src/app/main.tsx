import "@patternfly/react-core/dist/styles/base.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setUnauthenticatedHandler } from "../api/client";
import { sessionKeys } from "../features/session/session.keys";
import { App } from "./App";
import { createQueryClient } from "./query-client";
import { preloadPage } from "./router";

const queryClient = createQueryClient();
// Any 401 (expired or revoked session) drops the session: App shows the login page.
setUnauthenticatedHandler(() => queryClient.setQueryData(sessionKeys.all, null));

preloadPage(window.location.pathname);

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
