import { describe, expect, it } from "vitest";
import {
  DEFAULT_INTERFACE_VALUES,
  parseCipherSuites,
  toDefinition,
  validateInterfaceForm,
  valuesFromInterface,
} from "./interface-form";

const values = (over: Partial<typeof DEFAULT_INTERFACE_VALUES>) => ({
  ...DEFAULT_INTERFACE_VALUES,
  alias: "nsp1",
  ...over,
});

describe("interface form", () => {
  it("accepts a plain interface and sends no certificates for it", () => {
    expect(validateInterfaceForm(values({}))).toEqual({});
    expect(toDefinition(values({})).certificates).toBeUndefined();
  });

  it("uses the shared schema's rules: port range, alias pattern, empty port", () => {
    expect(validateInterfaceForm(values({ port: "65536" })).port).toMatch(/65535/);
    expect(validateInterfaceForm(values({ port: "" })).port).toBe(
      "Port must be a number from 0 to 65535",
    );
    expect(validateInterfaceForm(values({ alias: "bad alias!" })).alias).toMatch(
      /Interface names are/,
    );
    expect(validateInterfaceForm(values({ bindAddress: " " })).bindAddress).toBe(
      "Bind address is required",
    );
  });

  it("needs a key store and at least one TLS protocol for nsps", () => {
    const errors = validateInterfaceForm(values({ protocol: "nsps", protocols: [] }));
    expect(errors.keystoreId).toBe("Choose or upload a key store");
    expect(errors.protocols).toBe("Choose at least one TLS protocol");
    expect(
      validateInterfaceForm(values({ protocol: "nhps", keystoreId: "ks1", keyAlias: "server" })),
    ).toEqual({});
  });

  it("reads Cipher suites separated by new lines, commas or colons; blank text is the defaults", () => {
    expect(parseCipherSuites("TLS_AES_128_GCM_SHA256\n ECDHE-RSA-AES128-GCM-SHA256,\n")).toEqual([
      "TLS_AES_128_GCM_SHA256",
      "ECDHE-RSA-AES128-GCM-SHA256",
    ]);
    expect(parseCipherSuites("A:B, A")).toEqual(["A", "B"]);
    expect(parseCipherSuites(" \n ")).toEqual([]);
    const definition = toDefinition(
      values({ protocol: "nsps", keystoreId: "ks1", cipherSuites: "TLS_AES_128_GCM_SHA256" }),
    );
    expect(definition.certificates?.cipherSuites).toEqual(["TLS_AES_128_GCM_SHA256"]);
  });

  it("round-trips an interface from the API into the form and back", () => {
    const iface = {
      alias: "nsps0",
      protocol: "nsps" as const,
      bindAddress: "127.0.0.1",
      port: 9443,
      autostart: true,
      allowInterRealm: false,
      allowClientConnections: true,
      certificates: {
        keystoreId: "ks1",
        keyAlias: "server",
        enableClientCertValidation: false,
        protocols: ["TLSv1.3" as const],
        cipherSuites: ["TLS_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384"],
      },
      status: "Running" as const,
    };
    const { status: _status, ...definition } = iface;
    expect(toDefinition(valuesFromInterface(iface))).toEqual(definition);
  });
});
