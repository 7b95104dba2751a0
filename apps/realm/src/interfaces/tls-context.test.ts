import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { cipherString, versionRange } from "./tls-context.js";

describe("versionRange", () => {
  it("maps the Protocols list to OpenSSL's min and max version", () => {
    expect(versionRange(["TLSv1.3", "TLSv1.2"])).toEqual({
      minVersion: "TLSv1.2",
      maxVersion: "TLSv1.3",
    });
    expect(versionRange(["TLSv1.3"])).toEqual({ minVersion: "TLSv1.3", maxVersion: "TLSv1.3" });
  });
});

describe("cipherString", () => {
  it("keeps the platform defaults when no suites are chosen", () => {
    expect(cipherString([])).toBeUndefined();
  });

  it("keeps default TLSv1.3 suites when only TLSv1.2 ciphers are listed", () => {
    const ciphers = cipherString(["ECDHE-ECDSA-AES128-GCM-SHA256"])!.split(":");
    expect(ciphers).toContain("ECDHE-ECDSA-AES128-GCM-SHA256");
    expect(ciphers).toContain("TLS_AES_256_GCM_SHA384");
    expect(() => tls.createSecureContext({ ciphers: ciphers.join(":") })).not.toThrow();
  });

  it("keeps default TLSv1.2 ciphers when only TLSv1.3 suites are listed", () => {
    const ciphers = cipherString(["TLS_CHACHA20_POLY1305_SHA256"])!.split(":");
    expect(ciphers.filter((c) => c.startsWith("TLS_"))).toEqual(["TLS_CHACHA20_POLY1305_SHA256"]);
    expect(ciphers.some((c) => c.startsWith("ECDHE-"))).toBe(true);
  });
});
