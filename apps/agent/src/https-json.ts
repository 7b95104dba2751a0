import { request } from "node:https";

/** An HTTPS call that failed: no answer (`status` 0) or a non-2xx answer. */
export class HttpsCallError extends Error {
  override name = "HttpsCallError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** TLS options for one call: what to trust, and the client certificate to present. */
export interface CallTls {
  ca?: string;
  cert?: string;
  key?: string;
  /** Only for fetching the CA before enrolment, whose pin is checked by the caller. */
  insecureSkipVerify?: boolean;
}

/** Sends JSON over HTTPS and parses the JSON answer; rejects with HttpsCallError otherwise. */
export function httpsJson<T>(
  url: string,
  method: string,
  body: unknown,
  tls: CallTls,
  timeoutMs = 10_000,
): Promise<T> {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise<T>((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
        rejectUnauthorized: !tls.insecureSkipVerify,
        minVersion: "TLSv1.2",
        agent: false,
        timeout: timeoutMs,
        headers: payload
          ? { "content-type": "application/json", "content-length": payload.length }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          let parsed: unknown;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            reject(new HttpsCallError(status, `HTTP ${status}, not JSON`));
            return;
          }
          if (status >= 200 && status < 300) resolve(parsed as T);
          else {
            const message =
              (parsed as { error?: { message?: string } } | undefined)?.error?.message ??
              `HTTP ${status}`;
            reject(new HttpsCallError(status, message));
          }
        });
        res.on("error", (error) => reject(new HttpsCallError(0, error.message)));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) => reject(new HttpsCallError(0, error.message)));
    req.end(payload);
  });
}
