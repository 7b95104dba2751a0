import tls from "node:tls";
import { describe, expect, it } from "vitest";
import { planCiphers } from "./cipher-suites.js";

const plan = (suites: string[], protocols: ("TLSv1.2" | "TLSv1.3")[] = ["TLSv1.2", "TLSv1.3"]) =>
  planCiphers(suites, protocols);

describe("planCiphers", () => {
  it("keeps OpenSSL's defaults and the Protocols range when no suites are chosen", () => {
    expect(plan([])).toEqual({
      plan: { ciphers: undefined, minVersion: "TLSv1.2", maxVersion: "TLSv1.3" },
    });
    expect(plan([], ["TLSv1.3"])).toMatchObject({
      plan: { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" },
    });
  });

  it("gives OpenSSL exactly the listed suites, TLSv1.3 ones first, and OpenSSL accepts them", () => {
    const result = plan(["ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_256_GCM_SHA384"]);
    expect(result).toEqual({
      plan: {
        ciphers: "TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES128-GCM-SHA256",
        minVersion: "TLSv1.2",
        maxVersion: "TLSv1.3",
      },
    });
    if ("plan" in result) expect(() => tls.createSecureContext(result.plan)).not.toThrow();
  });

  it("switches off a protocol none of whose suites is listed", () => {
    expect(plan(["ECDHE-ECDSA-AES128-GCM-SHA256"])).toMatchObject({
      plan: { minVersion: "TLSv1.2", maxVersion: "TLSv1.2" },
    });
    expect(plan(["TLS_CHACHA20_POLY1305_SHA256"])).toMatchObject({
      plan: { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" },
    });
  });

  it("refuses a list that leaves the chosen Protocols no suite", () => {
    expect(plan(["ECDHE-RSA-AES128-GCM-SHA256"], ["TLSv1.3"])).toEqual({
      error: expect.stringMatching(
        /^Cipher suites ECDHE-RSA-AES128-GCM-SHA256 leave no usable suite for Protocols TLSv1\.3: add a TLSv1\.3 suite/,
      ),
    });
    expect(plan(["TLS_AES_128_GCM_SHA256"], ["TLSv1.2"])).toEqual({
      error: expect.stringMatching(/add a TLSv1\.2 cipher/),
    });
  });

  it("refuses every name OpenSSL does not know, even among known ones", () => {
    expect(plan(["ECDHE-RSA-AES128-GCM-SHA256", "FOO"])).toEqual({
      error: expect.stringMatching(/^Cipher suite FOO is not known to this realm's TLS library/),
    });
    expect(plan(["FOO", "BAR"])).toEqual({
      error: expect.stringMatching(/^Cipher suites FOO, BAR are not known/),
    });
  });

  it("says how OpenSSL spells a lower-case or IANA name", () => {
    expect(plan(["ecdhe-rsa-aes128-gcm-sha256"])).toEqual({
      error: expect.stringContaining(
        "OpenSSL spells ecdhe-rsa-aes128-gcm-sha256 as ECDHE-RSA-AES128-GCM-SHA256",
      ),
    });
    // OpenSSL would take this IANA name into its TLSv1.3 list and ignore it there.
    expect(plan(["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"])).toEqual({
      error: expect.stringContaining("is an IANA name"),
    });
  });

  it("counts only the TLSv1.2 ciphers the served key can sign for", () => {
    expect(plan(["ECDHE-RSA-AES128-GCM-SHA256"], ["TLSv1.2"])).toHaveProperty("plan");
    expect(planCiphers(["ECDHE-RSA-AES128-GCM-SHA256"], ["TLSv1.2"], "EC")).toEqual({
      error:
        "Cipher suites ECDHE-RSA-AES128-GCM-SHA256 leave no usable suite for Protocols TLSv1.2 with the certificate's EC key: add a TLSv1.2 cipher such as ECDHE-ECDSA-AES128-GCM-SHA256, or allow the other protocol",
    });
    expect(planCiphers(["ECDHE-ECDSA-AES128-GCM-SHA256"], ["TLSv1.2"], "Ed25519")).toHaveProperty(
      "plan",
    );
    // An RSA key with only ECDSA ciphers still serves TLSv1.3 from the listed suite.
    expect(
      planCiphers(
        ["TLS_AES_128_GCM_SHA256", "ECDHE-ECDSA-AES128-GCM-SHA256"],
        ["TLSv1.2", "TLSv1.3"],
        "RSA",
      ),
    ).toMatchObject({ plan: { minVersion: "TLSv1.3", maxVersion: "TLSv1.3" } });
  });

  it("does not count pre-shared-key ciphers, which a realm cannot serve", () => {
    expect(plan(["PSK-AES128-GCM-SHA256"], ["TLSv1.2"])).toEqual({
      error: expect.stringMatching(/^Cipher suites PSK-AES128-GCM-SHA256 leave no usable suite/),
    });
  });
});
