import type { ApiErrorResponse, InputIssue } from "@conclave/protocol";

/** An answer from the manager that was not 2xx, with its error code and operator message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: InputIssue[] = [],
    /** The whole `error.details` (e.g. a pre-flight 422's `findings`), for pages that show more. */
    readonly details: Record<string, unknown> = {},
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
      error?.details ?? {},
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

export interface FetchedFile {
  blob: Blob;
  /** From Content-Disposition, else `fallbackName`. */
  fileName: string;
  headers: Headers;
}

export interface FetchFileOptions {
  method?: "GET" | "POST";
  /** JSON body of a POST; it may hold a password, so it is sent once and not kept. */
  body?: unknown;
  query?: Record<string, string>;
  fallbackName: string;
}

/**
 * Fetches a file route of /api/v1 (keystore and CA certificate downloads answer the file, not
 * JSON, so `api()` cannot read them). A failure still answers JSON and becomes an ApiError.
 */
export async function apiFile(path: string, options: FetchFileOptions): Promise<FetchedFile> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  const query = new URLSearchParams(options.query ?? {});
  const res = await fetch(`/api/v1${path}${query.size > 0 ? `?${query}` : ""}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    credentials: "same-origin",
  });
  if (!res.ok) {
    let error: Partial<ApiErrorResponse["error"]> | undefined;
    try {
      error = ((await res.json()) as Partial<ApiErrorResponse>).error;
    } catch {
      error = undefined;
    }
    throw new ApiError(
      res.status,
      error?.code ?? "http_error",
      error?.message ?? `The manager answered ${res.status} ${res.statusText}`,
    );
  }
  const disposition = res.headers.get("content-disposition") ?? "";
  const fileName = /filename="([^"]+)"/.exec(disposition)?.[1] ?? options.fallbackName;
  return { blob: await res.blob(), fileName, headers: res.headers };
}

/** Realm and interface names go into paths; encode them even though the schemas forbid '/'. */
export const seg = (value: string): string => encodeURIComponent(value);
