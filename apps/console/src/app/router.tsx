import { lazy } from "react";
import { createBrowserRouter, Navigate } from "react-router";
import { AppLayout } from "./AppLayout";

// Route-level code splitting: each page is its own chunk, loaded when first visited.
const EnterprisePage = lazy(() =>
  import("../features/realms/EnterprisePage").then((m) => ({ default: m.EnterprisePage })),
);
const RealmPage = lazy(() =>
  import("../features/realms/RealmPage").then((m) => ({ default: m.RealmPage })),
);
const ClustersPage = lazy(() =>
  import("../features/clusters/ClustersPage").then((m) => ({ default: m.ClustersPage })),
);
const ClusterPage = lazy(() =>
  import("../features/clusters/ClusterPage").then((m) => ({ default: m.ClusterPage })),
);
const HealthDashboardPage = lazy(() =>
  import("../features/health/HealthDashboardPage").then((m) => ({
    default: m.HealthDashboardPage,
  })),
);
const AuditPage = lazy(() =>
  import("../features/audit/AuditPage").then((m) => ({ default: m.AuditPage })),
);
const UsersPage = lazy(() =>
  import("../features/users/UsersPage").then((m) => ({ default: m.UsersPage })),
);
const KeystoresPage = lazy(() =>
  import("../features/keystores/KeystoresPage").then((m) => ({ default: m.KeystoresPage })),
);
const WizardPage = lazy(() =>
  import("../features/wizards/WizardPage").then((m) => ({ default: m.WizardPage })),
);

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
