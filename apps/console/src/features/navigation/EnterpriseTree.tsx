import { TreeView, type TreeViewDataItem } from "@patternfly/react-core";
import { useLocation, useNavigate } from "react-router";
import { useUiStore } from "../../stores/ui-store";
import { useRealmsQuery } from "../realms/realms.queries";
import { useHasRole } from "../session/session.queries";

/**
 * The Enterprise Manager tree: Enterprise > Realms > each realm, Clusters > each cluster,
 * Health, Keystores, Audit log and (for admins) Users.
 */
const TREE_REALMS = 50;

export function EnterpriseTree() {
  const realms = useRealmsQuery();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const expanded = useUiStore((s) => s.expanded);
  const toggleExpanded = useUiStore((s) => s.toggleExpanded);
  const isAdmin = useHasRole("admin");

  const clusterNames = [
    ...new Set((realms.data ?? []).flatMap((r) => (r.cluster ? [r.cluster] : []))),
  ];
  const data: TreeViewDataItem[] = [
    {
      id: "/",
      name: "Enterprise",
      defaultExpanded: true,
      children: [
        {
          id: "realms",
          name: "Realms",
          defaultExpanded: expanded.includes("realms"),
          children: [
            ...(realms.data ?? []).slice(0, TREE_REALMS).map((r) => ({
              id: `/realms/${encodeURIComponent(r.name)}`,
              name: r.name,
            })),
            // Hundreds of tree nodes make every page slow; the Enterprise page pages them.
            ...((realms.data?.length ?? 0) > TREE_REALMS
              ? [{ id: "/#all-realms", name: `All ${realms.data?.length} realms…` }]
              : []),
          ],
        },
        {
          id: "/clusters",
          name: "Clusters",
          defaultExpanded: expanded.includes("/clusters"),
          ...(clusterNames.length > 0
            ? {
                children: clusterNames.map((c) => ({
                  id: `/clusters/${encodeURIComponent(c)}`,
                  name: c,
                })),
              }
            : {}),
        },
        { id: "/health", name: "Health" },
        { id: "/keystores", name: "Keystores" },
        { id: "/audit", name: "Audit log" },
        ...(isAdmin ? [{ id: "/users", name: "Users" }] : []),
      ],
    },
  ];
  const active = findActive(data, pathname);

  return (
    <TreeView
      aria-label="Enterprise"
      data={data}
      activeItems={active ? [active] : []}
      hasGuides
      onExpand={(_e, item) => toggleExpanded(item.id ?? "", true)}
      onCollapse={(_e, item) => toggleExpanded(item.id ?? "", false)}
      onSelect={(_e, item) => {
        const id = item.id ?? "/";
        if (id === "realms") return;
        navigate(id.startsWith("/realms/") ? `${id}/status` : id);
      }}
    />
  );
}

/** The deepest tree node whose path starts the current location. */
function findActive(items: TreeViewDataItem[], pathname: string): TreeViewDataItem | undefined {
  let best: TreeViewDataItem | undefined;
  const visit = (list: TreeViewDataItem[]) => {
    for (const item of list) {
      const id = item.id ?? "";
      const matches = id === "/" ? pathname === "/" : id.startsWith("/") && pathname.startsWith(id);
      if (matches && (!best || id.length > (best.id ?? "").length)) best = item;
      if (item.children) visit(item.children);
    }
  };
  visit(items);
  return best;
}
