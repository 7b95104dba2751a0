import {
  type CreateWizardRequest,
  type Wizard,
  type WizardAction,
  type WizardReport,
  WizardSchema,
} from "@conclave/protocol";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, seg } from "../../api/client";
import { isWorking } from "./wizard-view";
import { wizardKeys } from "./wizards.keys";

/** Every wizard the manager keeps (GET /wizards); `wizard.progress` events keep it current. */
export function useWizardsQuery() {
  return useQuery({
    queryKey: wizardKeys.list(),
    queryFn: ({ signal }) => api<Wizard[]>("/wizards", { signal }),
  });
}

/**
 * One wizard. Besides the `wizard.progress` events, it is fetched every 2 s while the engine
 * works on its own, so a dropped event stream never leaves a stale step on screen.
 */
export function useWizardQuery(id: string) {
  return useQuery({
    queryKey: wizardKeys.detail(id),
    queryFn: ({ signal }) => api<Wizard>(`/wizards/${seg(id)}`, { signal }),
    refetchInterval: (query) => (isWorking(query.state.data?.state) ? 2000 : false),
  });
}

/** POST /wizards: starts a wizard and answers its id. */
export function useCreateWizardMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWizardRequest) =>
      api<{ id: string }>("/wizards", { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: wizardKeys.list() }),
  });
}

export interface WizardActionInput {
  action: WizardAction;
  /** acknowledge only: the warnings accepted (all when absent). */
  findings?: string[];
}

/** POST /wizards/{id}/(pause|resume|rollback|cancel|acknowledge). */
export function useWizardActionMutation(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, findings }: WizardActionInput) =>
      api<unknown>(`/wizards/${seg(id)}/${action}`, {
        method: "POST",
        body: action === "acknowledge" ? (findings ? { findings } : {}) : undefined,
      }),
    onSuccess: (answer) => {
      // The answer may already be the changed wizard; show it before the refetch lands.
      const parsed = WizardSchema.safeParse(answer);
      if (parsed.success && parsed.data.id === id) {
        queryClient.setQueryData(wizardKeys.detail(id), parsed.data);
      }
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: wizardKeys.detail(id) }),
        queryClient.invalidateQueries({ queryKey: wizardKeys.list() }),
      ]);
    },
  });
}

/** GET /wizards/{id}/report, the link report kept with the wizard. */
export function fetchWizardReport(id: string): Promise<WizardReport> {
  return api<WizardReport>(`/wizards/${seg(id)}/report`);
}
