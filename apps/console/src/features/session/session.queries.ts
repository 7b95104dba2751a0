import type { LoginRequest, LoginResponse, Role, SessionInfo } from "@conclave/protocol";
import {
  type QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { ApiError, api, setCsrfToken } from "../../api/client";
import { sessionKeys } from "./session.keys";

/** The signed-in user and CSRF token, or null when signed out (GET /session answered 401). */
export const sessionQueryOptions = queryOptions({
  queryKey: sessionKeys.all,
  queryFn: async (): Promise<SessionInfo | null> => {
    try {
      const info = await api<SessionInfo>("/session", { skipUnauthenticatedHandler: true });
      setCsrfToken(info.csrfToken);
      return info;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  },
  staleTime: Number.POSITIVE_INFINITY,
});

export function useSessionQuery() {
  return useQuery(sessionQueryOptions);
}

/**
 * Whatever was cached belonged to the previous user. The session query itself stays: App
 * observes it, and clear() would leave that observer on an orphaned query.
 */
function forgetEverythingButSession(queryClient: QueryClient): void {
  queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== sessionKeys.all[0] });
}

export function useLoginMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: LoginRequest) =>
      api<LoginResponse>("/session", { method: "POST", body, skipUnauthenticatedHandler: true }),
    onSuccess: (answer) => {
      setCsrfToken(answer.csrfToken);
      forgetEverythingButSession(queryClient);
      queryClient.setQueryData<SessionInfo>(sessionKeys.all, {
        user: answer.user,
        csrfToken: answer.csrfToken,
        authenticatedBy: "session",
      });
    },
  });
}

export function useLogoutMutation() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api<void>("/session", { method: "DELETE", skipUnauthenticatedHandler: true }),
    onSettled: () => {
      setCsrfToken(null);
      forgetEverythingButSession(queryClient);
      queryClient.setQueryData(sessionKeys.all, null);
    },
  });
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** True when the signed-in user's role is at least `min`; viewers see no edit buttons. */
export function useHasRole(min: Role): boolean {
  const { data } = useSessionQuery();
  return data ? RANK[data.user.role] >= RANK[min] : false;
}
