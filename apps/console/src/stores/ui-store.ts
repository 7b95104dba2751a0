import { create } from "zustand";

/**
 * UI state only: which tree nodes the operator has expanded. Server data lives in the
 * react-query cache, never here.
 */
export interface UiState {
  /** Ids of expanded tree nodes ("realms", "/clusters"). */
  expanded: string[];
  toggleExpanded(id: string, open: boolean): void;
}

export const useUiStore = create<UiState>((set) => ({
  expanded: ["realms", "/clusters"],
  toggleExpanded: (id, open) =>
    set((state) => ({
      expanded: open
        ? [...new Set([...state.expanded, id])]
        : state.expanded.filter((item) => item !== id),
    })),
}));
