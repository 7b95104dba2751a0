/** Query keys for the health dashboard (GET /api/v1/health/summary). */
export const healthKeys = {
  all: ["health"] as const,
  summary: () => [...healthKeys.all, "summary"] as const,
};
