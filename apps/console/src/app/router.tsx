import { lazy } from "react";
import { createBrowserRouter, Navigate } from "react-router";
import { AppLayout } from "./AppLayout";

// Route-level code splitting: each page is its own chunk, loaded when first visited (or
// preloaded while the session is checked, see preloadPage).
const load = {
  enterprise: () => import("../features/realms/EnterprisePage"),
  realm: () => import("../features/realms/RealmPage"),
  clusters: () => import("../features/clusters/ClustersPage"),
  cluster: () => import("../features/clusters/ClusterPage"),
  health: () => import("../features/health/HealthDashboardPage"),
  audit: () => import("../features/audit/AuditPage"),
  users: () => import("../features/users/UsersPage"),
  keystores: () => import("../features/keystores/KeystoresPage"),
  wizard: () => import("../features/wizards/WizardPage"),
};

const EnterprisePage = lazy(() => load.enterprise().then((m) => ({ default: m.EnterprisePage })));
const RealmPage = lazy(() => load.realm().then((m) => ({ default: m.RealmPage })));
const ClustersPage = lazy(() => load.clusters().then((m) => ({ default: m.ClustersPage })));
const ClusterPage = lazy(() => load.cluster().then((m) => ({ default: m.ClusterPage })));
const HealthDashboardPage = lazy(() =>
  load.health().then((m) => ({ default: m.HealthDashboardPage })),
);
const AuditPage = lazy(() => load.audit().then((m) => ({ default: m.AuditPage })));
const UsersPage = lazy(() => load.users().then((m) => ({ default: m.UsersPage })));
const KeystoresPage = lazy(() => load.keystores().then((m) => ({ default: m.KeystoresPage })));
const WizardPage = lazy(() => load.wizard().then((m) => ({ default: m.WizardPage })));

/**
 * Starts loading the chunk of the page at `pathname`, so that it arrives while the session is
 * being checked rather than after it (the page renders only once the session is known).
 */
export function preloadPage(pathname: string): void {
  const [, first = "", second] = pathname.split("/");
  const byFirstSegment: Record<string, () => Promise<unknown>> = {
    "": load.enterprise,
    realms: load.realm,
    clusters: second ? load.cluster : load.clusters,
    wizards: load.wizard,
    health: load.health,
    keystores: load.keystores,
    audit: load.audit,
    users: load.users,
  };
  void byFirstSegment[first]?.().catch(() => {
    // A failed preload is retried by the route itself, which shows the error.
  });
}

export function createRouter() {
  return createBrowserRouter([
    {
      path: "/",
      element: <AppLayout />,
      children: [
        { index: true, element: <EnterprisePage /> },
        { path: "realms", element: <Navigate to="/" replace /> },
        { path: "realms/:realm", element: <Navigate to="status" replace /> },
        { path: "realms/:realm/:tab/*", element: <RealmPage /> },
        { path: "clusters", element: <ClustersPage /> },
        { path: "clusters/:cluster", element: <ClusterPage /> },
        { path: "wizards/:id", element: <WizardPage /> },
        { path: "health", element: <HealthDashboardPage /> },
        { path: "keystores", element: <KeystoresPage /> },
        { path: "audit", element: <AuditPage /> },
        { path: "users", element: <UsersPage /> },
        { path: "*", element: <Navigate to="/" replace /> },
      ],
    },
  ]);
}
