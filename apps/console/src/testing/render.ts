import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { createElement, type ReactElement } from "react";
import { vi } from "vitest";

/** A JSON route table for a stubbed fetch: "GET /api/v1/keystores" → body (or [status, body]). */
export type FakeRoutes = Record<string, unknown>;

/**
 * Stubs fetch with fixed answers, so component tests run without a manager. Unknown routes
 * answer 404 like the manager does.
 */
export function stubFetch(routes: FakeRoutes) {
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://console.test");
    const method = init?.method ?? "GET";
    calls.push({ method, path: url.pathname, body: init?.body });
    const answer = routes[`${method} ${url.pathname}`];
    const [status, body] =
      answer === undefined
        ? [404, { error: { code: "not_found", message: "No such route" } }]
        : Array.isArray(answer) && typeof answer[0] === "number"
          ? (answer as [number, unknown])
          : [200, answer];
    return new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { fetchMock, calls };
}

/** Renders with a fresh query client (no retries, so errors show at once). */
export function renderWithQueries(element: ReactElement) {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  return render(createElement(QueryClientProvider, { client }, element));
}
