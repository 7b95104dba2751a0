import { create } from "zustand";

/** A node of the Enterprise tree, as the router addresses it. */
export type TreeNode =
  | { kind: "enterprise" }
  | { kind: "realms" }
  | { kind: "realm"; realm: string }
  | { kind: "clusters" }
  | { kind: "keystores" };

/**
 * UI state only: what the operator has expanded and selected. Server data lives in the
 * react-query cache, never here.
 */
export interface UiState {
  selectedNode: TreeNode;
  /** Ids of expanded tree nodes ("realms", "clusters"). */
  expanded: string[];
  selectNode(node: TreeNode): void;
  toggleExpanded(id: string, open: boolean): void;
}

export const useUiStore = create<UiState>((set) => ({
  selectedNode: { kind: "enterprise" },
  expanded: ["realms", "clusters"],
  selectNode: (node) => set({ selectedNode: node }),
  toggleExpanded: (id, open) =>
    set((state) => ({
      expanded: open
        ? [...new Set([...state.expanded, id])]
        : state.expanded.filter((item) => item !== id),
    })),
}));
