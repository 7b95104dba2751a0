import type { ApiErrorResponse, InputIssue } from "@conclave/protocol";

/** An answer from the manager that was not 2xx, with its error code and operator message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: InputIssue[] = [],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => {};

/** Remembers the session's CSRF token (from POST/GET /api/v1/session) for every change. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called on any 401, so the app can drop its session and show the login page. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** JSON body, or FormData for uploads (the browser sets the multipart boundary). */
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** Login itself answers 401 for a wrong password: that must not bounce to the login page. */
  skipUnauthenticatedHandler?: boolean;
}

/** Typed fetch against /api/v1: JSON in and out, CSRF header on changes, ApiError on failure. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const url = `/api/v1${path}${query.size > 0 ? `?${query}` : ""}`;
  const res = await fetch(url, {
    method,
    headers,
    body,
    credentials: "same-origin",
    signal: options.signal,
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const data: unknown = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const error = (data as Partial<ApiErrorResponse> | undefined)?.error;
    if (res.status === 401 && !options.skipUnauthenticatedHandler) onUnauthenticated();
    throw new ApiError(
      res.status,
      error?.code ?? "http_error",
      error?.message ?? `The manager answered ${res.status} ${res.statusText}`,
      error?.details?.issues ?? [],
    );
  }
  return data as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Realm and interface names go into paths; encode them even though the schemas forbid '/'. */
export const seg = (value: string): string => encodeURIComponent(value);
