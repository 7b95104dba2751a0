import type { ApiErrorResponse } from "@conclave/protocol";
import { ApiError } from "../../api/client";

/** Hands a file to the browser's download, as a link to a Blob URL that is revoked at once. */
export function saveFile(
  content: Blob | string,
  fileName: string,
  type = "application/octet-stream",
) {
  const blob = typeof content === "string" ? new Blob([content], { type }) : content;
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

/** Saves a CSR as <alias>.csr.pem for an external CA. */
export function saveCsr(alias: string, csr: string) {
  saveFile(csr, `${alias}.csr.pem`, "application/pkcs10");
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
  csrfToken?: string | null;
  fallbackName: string;
}

/**
 * Fetches a file route of /api/v1 (keystore and CA certificate downloads answer the file, not
 * JSON, so `api()` cannot read them). A failure still answers JSON and becomes an ApiError.
 */
export async function fetchFile(path: string, options: FetchFileOptions): Promise<FetchedFile> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && options.csrfToken) headers["x-csrf-token"] = options.csrfToken;
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
