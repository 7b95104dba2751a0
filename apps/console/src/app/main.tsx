import "@patternfly/react-core/dist/styles/base.css";
import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { setUnauthenticatedHandler } from "../api/client";
import { healthSummaryQueryOptions } from "../features/health/health.queries";
import { sessionKeys } from "../features/session/session.keys";
import { sessionQueryOptions } from "../features/session/session.queries";
import { App } from "./App";
import { createQueryClient } from "./query-client";
import { preloadPage } from "./router";

const queryClient = createQueryClient();
// Any 401 (expired or revoked session) drops the session: App shows the login page.
setUnauthenticatedHandler(() => queryClient.setQueryData(sessionKeys.all, null));

// The first screen's requests start before React renders: the session, the page's chunk and,
// on the dashboard, its summary (a signed-out visitor gets 401s and the login page either way).
void queryClient.prefetchQuery(sessionQueryOptions);
preloadPage(window.location.pathname);
if (window.location.pathname === "/health") {
  void queryClient.prefetchQuery(healthSummaryQueryOptions);
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
