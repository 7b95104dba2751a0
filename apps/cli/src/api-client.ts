import type { ApiErrorResponse } from "@conclave/protocol";
import { CliError } from "./cli-error.js";
import { ExitCode } from "./exit-codes.js";

/** How requests authenticate: the session cookie with its CSRF token, or an API token. */
export type Auth =
  | { kind: "session"; cookie: string; csrfToken: string }
  | { kind: "token"; token: string };

/** One request's body and query; `form` is sent as multipart/form-data. */
export interface RequestOptions {
  json?: unknown;
  form?: FormData;
  query?: Record<string, string | undefined>;
}

const CHANGES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A thin client over the manager's REST API (docs/api.md). Every non-2xx answer becomes a
 * {@link CliError} carrying the API's own message and the exit code for its status, so
 * commands only deal with success.
 */
export class ApiClient {
  constructor(
    /** The manager's base URL, e.g. http://127.0.0.1:8080 (no /api/v1). */
    readonly baseUrl: string,
    private readonly auth: Auth | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Sends a request under /api/v1 and returns the raw answer, throwing on non-2xx. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`/api/v1${path}`, this.baseUrl);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.auth?.kind === "token") headers.authorization = `Bearer ${this.auth.token}`;
    if (this.auth?.kind === "session") {
      headers.cookie = this.auth.cookie;
      if (CHANGES.has(method)) headers["x-csrf-token"] = this.auth.csrfToken;
    }
    let body: string | FormData | undefined;
    if (options.form) body = options.form;
    else if (options.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(options.json);
    }
    let res: Response;
    try {
      res = await this.fetchImpl(url, { method, headers, body, redirect: "manual" });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        `Cannot reach the manager at ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}). Is it running? Set CONCLAVE_URL or use --url.`,
        ExitCode.Unreachable,
      );
    }
    if (!res.ok) throw await toCliError(res, method, path);
    return res;
  }

  /** Sends a request and parses the JSON answer; undefined for 204. */
  async json<T>(method: string, path: string, options?: RequestOptions): Promise<T> {
    const res = await this.send(method, path, options);
    if (res.status === 204) return undefined as T;
    return (await res.json()) as T;
  }

  get<T>(path: string, query?: RequestOptions["query"]): Promise<T> {
    return this.json<T>("GET", path, { query });
  }
}

/** Maps an error answer to the exit code scripts rely on, keeping the API's message. */
async function toCliError(res: Response, method: string, path: string): Promise<CliError> {
  let code: string | undefined;
  let message = `${method} /api/v1${path} answered ${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as Partial<ApiErrorResponse>;
    if (body.error?.message) {
      code = body.error.code;
      message = body.error.message;
      const issues = body.error.details?.issues;
      if (issues?.length && !message.includes(issues[0]!.message)) {
        message += `\n${issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`;
      }
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status line is the best we have.
  }
  if (res.status === 401) {
    return new CliError(`${message}. Sign in with \`conclave login\`.`, ExitCode.Auth, code);
  }
  if (res.status === 403 && code === "csrf_failed") {
    return new CliError(`${message}. Sign in again with \`conclave login\`.`, ExitCode.Auth, code);
  }
  if (res.status === 404) return new CliError(message, ExitCode.NotFound, code);
  return new CliError(message, ExitCode.ApiError, code);
}

/** True when a 404 means the manager has no such route (an older manager), not no such object. */
export function isMissingRoute(error: unknown): boolean {
  return (
    error instanceof CliError &&
    error.exitCode === ExitCode.NotFound &&
    error.message.startsWith("No API route")
  );
}
