/** Query keys for user management (GET /api/v1/users). */
export const userKeys = {
  all: ["users"] as const,
  list: () => [...userKeys.all, "list"] as const,
};
