import { describe, expect, it } from "vitest";
import { parseRealmUrl } from "./realm-url.js";

describe("parseRealmUrl", () => {
  it("reads protocol, host, port and path", () => {
    expect(parseRealmUrl("nsp://127.0.0.1:9000")).toEqual({
      protocol: "nsp",
      host: "127.0.0.1",
      port: 9000,
      path: "/",
    });
    expect(parseRealmUrl("nhps://[::1]:8443/realm")).toEqual({
      protocol: "nhps",
      host: "::1",
      port: 8443,
      path: "/realm",
    });
  });

  it("rejects unknown protocols and non-URLs with a clear message", () => {
    expect(() => parseRealmUrl("http://x:1")).toThrow(/Unknown realm protocol http/);
    expect(() => parseRealmUrl("127.0.0.1:9000")).toThrow(/Unknown realm protocol|Not a realm URL/);
  });
});
