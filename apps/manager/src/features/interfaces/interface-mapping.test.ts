import { type InterfaceDefinition, InterfaceDefinitionSchema } from "@conclave/protocol";
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../http/errors.js";
import {
  comparableDefinition,
  comparableFields,
  toRealmInterface,
  toRealmInterfaceView,
} from "./interface-mapping.js";
import type { KeyMaterialSource } from "./key-material-source.js";

const nsps = InterfaceDefinitionSchema.parse({
  alias: "nsps0",
  protocol: "nsps",
  bindAddress: "127.0.0.1",
  port: 9443,
  allowInterRealm: true,
  allowClientConnections: false,
  certificates: {
    keystoreId: "ks-1",
    truststoreId: "ts-1",
    protocols: ["TLSv1.3"],
    cipherSuites: ["TLS_AES_256_GCM_SHA384"],
  },
});

const source: KeyMaterialSource = {
  async materialFor() {
    return {
      keyStore: { data: Buffer.from("key bytes"), format: "pkcs12", password: "store pass" },
      certificateAlias: "realm1",
    };
  },
};

describe("REST interface ↔ realm interface mapping", () => {
  it("maps alias, allowInterRealm and certificates to name, allowForInterRealm and key files", async () => {
    const source: KeyMaterialSource = {
      async materialFor(keystoreId, truststoreId) {
        expect([keystoreId, truststoreId]).toEqual(["ks-1", "ts-1"]);
        return {
          keyStore: { data: Buffer.from("key bytes"), format: "pkcs12", password: "store pass" },
          certificateAlias: "realm1",
          trustStore: {
            data: Buffer.from("trust bytes"),
            format: "pkcs12",
            password: "trust pass",
          },
        };
      },
    };
    const { iface, files } = await toRealmInterface(nsps, source);
    expect(iface).toMatchObject({
      name: "nsps0",
      allowForInterRealm: true,
      allowClientConnections: false,
      tls: {
        keyStorePath: "keys/nsps0-keystore.p12",
        keyStorePassword: "store pass",
        certificateAlias: "realm1",
        trustStorePath: "keys/nsps0-truststore.p12",
        trustStorePassword: "trust pass",
        protocols: ["TLSv1.3"],
        cipherSuites: ["TLS_AES_256_GCM_SHA384"],
        enableClientCertValidation: false,
      },
    });
    expect(files.map((f) => [f.name, Buffer.from(f.contentBase64, "base64").toString()])).toEqual([
      ["nsps0-keystore.p12", "key bytes"],
      ["nsps0-truststore.p12", "trust bytes"],
    ]);
    // Desired and actual compare equal field by field once mapped.
    expect(comparableFields(iface)).toEqual(comparableDefinition(nsps));
  });

  it("takes Cipher suites to the realm and reports a realm with other suites as drift", async () => {
    const { iface } = await toRealmInterface(nsps, source);
    expect(iface.tls?.cipherSuites).toEqual(["TLS_AES_256_GCM_SHA384"]);
    const changed = { ...iface, tls: { ...iface.tls!, cipherSuites: [] } };
    expect(comparableFields(changed)).toMatchObject({ cipherSuites: [] });
    expect(comparableDefinition(nsps)).toMatchObject({ cipherSuites: ["TLS_AES_256_GCM_SHA384"] });
  });

  it("reads a definition stored before Cipher suites existed as the platform's defaults", async () => {
    const { cipherSuites: _none, ...certificates } = nsps.certificates!;
    const stored = { ...nsps, certificates } as InterfaceDefinition;
    const { iface } = await toRealmInterface(stored, source);
    expect(iface.tls?.cipherSuites).toEqual([]);
    expect(comparableFields(iface)).toEqual(comparableDefinition(stored));
    expect(toRealmInterfaceView(stored, undefined).certificates?.cipherSuites).toEqual([]);
    // And the REST schema still accepts it, filling in the default.
    expect(InterfaceDefinitionSchema.parse(stored).certificates?.cipherSuites).toEqual([]);
  });

  it("answers 422 keystore not found, with or without a keystores feature", async () => {
    await expect(toRealmInterface(nsps, undefined)).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/keystore not found: ks-1/),
    });
    const missing: KeyMaterialSource = {
      materialFor: () => Promise.reject(new NotFoundError("No keystore with id ks-1")),
    };
    await expect(toRealmInterface(nsps, missing)).rejects.toMatchObject({ status: 422 });
  });
});
