/** What a redacted value is replaced with. */
export const REDACTED = "[REDACTED]";

/**
 * Keys whose values are secrets wherever they appear: passwords, passphrases, tokens (API,
 * session, CSRF), secrets, private keys and other key material, and the HTTP headers that carry
 * credentials.
 */
const SECRET_KEY =
  /pass(?:word|wd|phrase)|token|secret|private_?key|key_?material|master_?key|api_?key|^authorization$|^(?:set-)?cookie$|password_?hash|^credentials?$/i;

/** A PEM block holding a private key (PKCS#1, PKCS#8, encrypted, EC, OpenSSH…). */
const PEM_PRIVATE_KEY =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;

/** A Conclave API token or an argon2 hash, should one end up in free text. */
const INLINE_SECRET = /\bcnclv_[A-Za-z0-9_-]{16,}|\$argon2(?:id|i|d)\$[^\s"']+/g;

/** True when a value stored under `key` must never be shown. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Removes private-key PEM blocks and API tokens from a string. */
export function redactString(text: string): string {
  return text.replace(PEM_PRIVATE_KEY, REDACTED).replace(INLINE_SECRET, REDACTED);
}

/**
 * A deep copy of `value` that is safe to log or to put in the audit log: values under secret
 * keys replaced, private keys and tokens cut out of strings. Errors become
 * `{name, message, stack}` (redacted too); cycles become "[Circular]".
 */
export function redact(value: unknown): unknown {
  return redactValue(value, new WeakSet());
}

function redactValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === "string") return redactString(value);
  if (value === null || typeof value !== "object") {
    return typeof value === "bigint" ? value.toString() : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return REDACTED;
  if (seen.has(value)) return "[Circular]";
  seen.add(value);
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      ...(value.stack ? { stack: redactString(value.stack) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, seen));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      isSecretKey(key) && item !== null && item !== undefined ? REDACTED : redactValue(item, seen);
  }
  return out;
}
