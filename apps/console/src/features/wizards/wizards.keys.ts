/** Query keys for wizards (GET /api/v1/wizards, GET /api/v1/wizards/{id}). */
export const wizardKeys = {
  all: ["wizards"] as const,
  list: () => [...wizardKeys.all, "list"] as const,
  detail: (id: string) => [...wizardKeys.all, id] as const,
};
