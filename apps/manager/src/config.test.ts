import { describe, expect, it } from "vitest";
import { ConfigError, checkListenSafety, DEFAULT_PASSWORD_HASHING, loadConfig } from "./config.js";

describe("loadConfig", () => {
  it("defaults to 127.0.0.1:8080, ./data, PGlite and production argon2 costs", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      databaseUrl: undefined,
      secureCookies: false,
    });
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.passwordHashing).toEqual(DEFAULT_PASSWORD_HASHING);
    expect(DEFAULT_PASSWORD_HASHING.memoryCost).toBeGreaterThanOrEqual(19_456);
  });

  it("reads the environment", () => {
    const config = loadConfig({
      HOST: "0.0.0.0",
      PORT: "9000",
      DATABASE_URL: "postgres://u@db/conclave",
      CONCLAVE_TLS_CERT_FILE: "/c.pem",
      CONCLAVE_TLS_KEY_FILE: "/k.pem",
      CONCLAVE_LOGIN_MAX_FAILURES: "10",
    });
    expect(config).toMatchObject({
      host: "0.0.0.0",
      port: 9000,
      databaseUrl: "postgres://u@db/conclave",
      tls: { certFile: "/c.pem", keyFile: "/k.pem" },
      secureCookies: true,
      loginThrottle: { maxFailures: 10 },
    });
  });

  it("names every bad variable and never echoes secrets", () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: "eighty",
        DATABASE_URL: "mysql://user:hunter2@db",
        CONCLAVE_LOG_LEVEL: "loud",
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/PORT/);
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).toMatch(/CONCLAVE_LOG_LEVEL/);
    expect(message).not.toContain("hunter2");
    expect(() => loadConfig({ CONCLAVE_TLS_CERT_FILE: "/c.pem" })).toThrow(/must be set together/);
  });
});

describe("checkListenSafety", () => {
  it("allows loopback, TLS, or an explicit flag; refuses plain HTTP elsewhere", () => {
    expect(() => checkListenSafety(loadConfig({}))).not.toThrow();
    expect(() => checkListenSafety(loadConfig({ HOST: "::1" }))).not.toThrow();
    expect(() => checkListenSafety(loadConfig({ HOST: "0.0.0.0" }))).toThrow(
      /--allow-insecure-http/,
    );
    expect(() =>
      checkListenSafety(loadConfig({ HOST: "0.0.0.0" }, ["--allow-insecure-http"])),
    ).not.toThrow();
    expect(() =>
      checkListenSafety(loadConfig({ HOST: "10.1.2.3", CONCLAVE_ALLOW_INSECURE_HTTP: "1" })),
    ).not.toThrow();
    expect(() =>
      checkListenSafety(
        loadConfig({ HOST: "0.0.0.0", CONCLAVE_TLS_CERT_FILE: "/c", CONCLAVE_TLS_KEY_FILE: "/k" }),
      ),
    ).not.toThrow();
  });
});
