import { describe, expect, it } from "vitest";
import { interfaceFromFlags } from "./interface-flags.js";

const current = {
  protocol: "nsps" as const,
  bindAddress: "0.0.0.0",
  port: 9443,
  autostart: true,
  allowInterRealm: true,
  allowClientConnections: true,
  certificates: {
    keystoreId: "ks-1",
    enableClientCertValidation: false,
    protocols: ["TLSv1.3" as const],
    cipherSuites: ["TLS_AES_256_GCM_SHA384"],
  },
};
const resolve = async (idOrName: string) => idOrName;

describe("interfaceFromFlags", () => {
  it("keeps the interface's cipher suites when an update does not name them", async () => {
    const def = await interfaceFromFlags({ port: "9444" }, current, resolve);
    expect(def.port).toBe(9444);
    expect(def.certificates?.cipherSuites).toEqual(["TLS_AES_256_GCM_SHA384"]);
  });

  it("sets cipher suites from --cipher-suites, and clears them with an empty value", async () => {
    const set = await interfaceFromFlags(
      { "cipher-suites": "TLS_AES_128_GCM_SHA256, ECDHE-ECDSA-AES128-GCM-SHA256" },
      current,
      resolve,
    );
    expect(set.certificates?.cipherSuites).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "ECDHE-ECDSA-AES128-GCM-SHA256",
    ]);
    const cleared = await interfaceFromFlags({ "cipher-suites": "" }, current, resolve);
    expect(cleared.certificates?.cipherSuites).toEqual([]);
  });
});
