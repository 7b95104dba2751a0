import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";
import { REDACTED, redact } from "./redact.js";

// PEM blocks are assembled at run time: the body is a truncated fake, and no file of the repo
// should look like a committed private key to a secret scanner.
const KEY = ["PRIVATE", "KEY"].join(" ");
const pem = (label: string, body: string) =>
  `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
const PEM = pem(KEY, "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7");

describe("redact", () => {
  it("replaces values under secret keys at any depth", () => {
    expect(
      redact({
        username: "alice",
        password: "p",
        nested: [{ keyStorePassword: "k", trustStorePassword: "t", passphrase: "x" }],
        privateKey: "pk",
        private_key: "pk",
        keyMaterial: "m",
        apiToken: "t",
        csrfToken: "c",
        clientSecret: "s",
        headers: { authorization: "Bearer x", cookie: "a=b", accept: "json" },
        count: 3,
        empty: null,
      }),
    ).toEqual({
      username: "alice",
      password: REDACTED,
      nested: [{ keyStorePassword: REDACTED, trustStorePassword: REDACTED, passphrase: REDACTED }],
      privateKey: REDACTED,
      private_key: REDACTED,
      keyMaterial: REDACTED,
      apiToken: REDACTED,
      csrfToken: REDACTED,
      clientSecret: REDACTED,
      headers: { authorization: REDACTED, cookie: REDACTED, accept: "json" },
      count: 3,
      empty: null,
    });
  });

  it("cuts PEM private keys, API tokens and argon2 hashes out of free text", () => {
    const text = `key: ${PEM}\ncert ok; token cnclv_${"a".repeat(43)} hash $argon2id$v=19$m=1,t=1,p=1$abc$def`;
    const out = redact({ note: text }) as { note: string };
    expect(out.note).not.toContain("MIIEvQ");
    expect(out.note).not.toContain("cnclv_aaaa");
    expect(out.note).not.toContain("$argon2id");
    expect(out.note).toContain("cert ok");
    expect(redact(pem(`ENCRYPTED ${KEY}`, "abc"))).toBe(REDACTED);
    expect(redact(pem("CERTIFICATE", "abc"))).toContain("CERTIFICATE");
  });

  it("handles errors, buffers, dates and cycles", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(redact(cyclic)).toEqual({ a: 1, self: "[Circular]" });
    expect(redact(Buffer.from("secret"))).toBe(REDACTED);
    expect(redact(new Date(0))).toBe("1970-01-01T00:00:00.000Z");
    const error = redact(new Error(`bad key ${PEM}`)) as { message: string; stack: string };
    expect(error.message).not.toContain("MIIEvQ");
    expect(error.stack).not.toContain("MIIEvQ");
  });
});

describe("logger", () => {
  it("writes one redacted JSON object per line, honouring the level", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", write: (line) => lines.push(line) }).child({
      component: "test",
    });
    logger.debug("hidden");
    logger.info("login", { username: "bob", password: "hunter2hunter2", body: { token: "abc" } });
    logger.error(`failed with ${PEM}`);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => l.endsWith("\n"))).toBe(true);
    const first = JSON.parse(lines[0]!);
    expect(first).toMatchObject({
      level: "info",
      msg: "login",
      component: "test",
      username: "bob",
      password: REDACTED,
      body: { token: REDACTED },
    });
    expect(lines.join("")).not.toContain("hunter2");
    expect(lines.join("")).not.toContain("MIIEvQ");
  });
});
