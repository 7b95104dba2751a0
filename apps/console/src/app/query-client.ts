import { QueryClient } from "@tanstack/react-query";
import { ApiError } from "../api/client";

/** One cache for the app. Live updates arrive over SSE, so polling and focus refetch stay off. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // A 4xx will not get better by asking again.
        retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      },
      mutations: { retry: false },
    },
  });
}
