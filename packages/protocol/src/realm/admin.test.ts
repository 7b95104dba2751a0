import { describe, expect, it } from "vitest";
import { InterfaceChangeResponseSchema, TlsReloadResultSchema } from "./admin.js";
import { InterfaceStatusSchema } from "./status.js";

const status = {
  name: "nsp0",
  protocol: "nsp",
  bindAddress: "127.0.0.1",
  port: 0,
  boundPort: 9000,
  state: "Running",
  error: null,
  connections: 2,
  clientSessions: 1,
  interRealmLinks: 1,
  allowForInterRealm: true,
  allowClientConnections: true,
  certificate: null,
};

describe("admin schemas", () => {
  it("accept an interface change answer with its status", () => {
    expect(InterfaceStatusSchema.parse(status)).toEqual(status);
    const answer = InterfaceChangeResponseSchema.parse({
      interface: { name: "nsp0", protocol: "nsp", port: 0 },
      status,
      applied: "restarted",
    });
    expect(answer.interface.allowClientConnections).toBe(true);
  });

  it("require a reason or a certificate in a TLS reload result", () => {
    expect(
      TlsReloadResultSchema.safeParse({
        name: "nsps0",
        reloaded: false,
        error: "bad",
        certificate: null,
      }).success,
    ).toBe(true);
    expect(TlsReloadResultSchema.safeParse({ name: "nsps0", reloaded: "yes" }).success).toBe(false);
  });
});
