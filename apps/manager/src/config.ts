import { resolve } from "node:path";
import { z } from "zod";

/** argon2id cost. Production defaults follow OWASP's password storage cheat sheet. */
export interface PasswordHashingParams {
  /** KiB of memory per hash. */
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/** OWASP minimum for argon2id: 19 MiB, 2 iterations, 1 lane. Tests lower it; nothing else may. */
export const DEFAULT_PASSWORD_HASHING: PasswordHashingParams = {
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

/** Everything the manager reads from its environment, parsed and checked once at start. */
export interface Config {
  host: string;
  port: number;
  /** Directory for the PGlite store and the master key file. */
  dataDir: string;
  /** PostgreSQL server; the embedded PGlite store in `dataDir/pglite` when absent. */
  databaseUrl: string | undefined;
  /** CONCLAVE_MASTER_KEY (raw text, parsed by loadMasterKey). */
  masterKey: string | undefined;
  /** Password for the first admin; a random one is printed when absent. */
  adminPassword: string | undefined;
  tls: { certFile: string; keyFile: string } | undefined;
  /** Set to listen on a non-loopback address without TLS (e.g. behind a TLS proxy). */
  allowInsecureHttp: boolean;
  /** Sets `Secure` on the session cookie; on with TLS, or when a TLS proxy is in front. */
  secureCookies: boolean;
  /** Express "trust proxy" setting, so client addresses come from X-Forwarded-For. */
  trustProxy: boolean | number | string;
  logLevel: "debug" | "info" | "warn" | "error";
  session: { ttlSeconds: number; idleSeconds: number };
  loginThrottle: { maxFailures: number; windowSeconds: number; lockoutSeconds: number };
  passwordHashing: PasswordHashingParams;
  /** The HTTPS port node agents enrol and report on (mutual TLS; see docs/agent.md). */
  agentGateway: { host: string; port: number; url: string | undefined };
  /** When set, a one-time enrolment token is written here at start (npm start's local agent). */
  enrolmentTokenFile: string | undefined;
}

/** The configuration is wrong; `message` lists each variable and what to fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const flag = z
  .enum(["1", "0", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const EnvSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  CONCLAVE_DATA_DIR: z.string().min(1).default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  CONCLAVE_MASTER_KEY: z.string().optional(),
  CONCLAVE_ADMIN_PASSWORD: z.string().optional(),
  CONCLAVE_TLS_CERT_FILE: z.string().min(1).optional(),
  CONCLAVE_TLS_KEY_FILE: z.string().min(1).optional(),
  CONCLAVE_ALLOW_INSECURE_HTTP: flag.default(false),
  CONCLAVE_SECURE_COOKIES: flag.optional(),
  CONCLAVE_TRUST_PROXY: z.string().optional(),
  CONCLAVE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  CONCLAVE_SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(12 * 3600),
  CONCLAVE_SESSION_IDLE_SECONDS: z.coerce.number().int().min(60).default(3600),
  CONCLAVE_LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  CONCLAVE_LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  CONCLAVE_LOGIN_LOCKOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .default(15 * 60),
  CONCLAVE_AGENT_HOST: z.string().min(1).optional(),
  CONCLAVE_AGENT_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CONCLAVE_AGENT_GATEWAY_URL: z.url().optional(),
  CONCLAVE_ENROLMENT_TOKEN_FILE: z.string().min(1).optional(),
});

/** Variables that hold secrets: their values never appear in an error message. */
const SECRET_VARIABLES = new Set([
  "CONCLAVE_MASTER_KEY",
  "CONCLAVE_ADMIN_PASSWORD",
  "DATABASE_URL",
]);

/**
 * Reads the configuration from environment variables (see docs/manager.md) and command-line
 * flags (`--allow-insecure-http`). Throws ConfigError naming every bad variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const message = SECRET_VARIABLES.has(name)
        ? issue.message.replace(/"[^"]*"/g, "…")
        : issue.message;
      return `  ${name}: ${message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  if ((e.CONCLAVE_TLS_CERT_FILE === undefined) !== (e.CONCLAVE_TLS_KEY_FILE === undefined)) {
    throw new ConfigError(
      "Invalid configuration:\n  CONCLAVE_TLS_CERT_FILE and CONCLAVE_TLS_KEY_FILE must be set together",
    );
  }
  const tls =
    e.CONCLAVE_TLS_CERT_FILE && e.CONCLAVE_TLS_KEY_FILE
      ? { certFile: e.CONCLAVE_TLS_CERT_FILE, keyFile: e.CONCLAVE_TLS_KEY_FILE }
      : undefined;
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: resolve(e.CONCLAVE_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    masterKey: e.CONCLAVE_MASTER_KEY,
    adminPassword: e.CONCLAVE_ADMIN_PASSWORD,
    tls,
    allowInsecureHttp: e.CONCLAVE_ALLOW_INSECURE_HTTP || argv.includes("--allow-insecure-http"),
    secureCookies: e.CONCLAVE_SECURE_COOKIES ?? tls !== undefined,
    trustProxy: parseTrustProxy(e.CONCLAVE_TRUST_PROXY),
    logLevel: e.CONCLAVE_LOG_LEVEL,
    session: {
      ttlSeconds: e.CONCLAVE_SESSION_TTL_SECONDS,
      idleSeconds: e.CONCLAVE_SESSION_IDLE_SECONDS,
    },
    loginThrottle: {
      maxFailures: e.CONCLAVE_LOGIN_MAX_FAILURES,
      windowSeconds: e.CONCLAVE_LOGIN_WINDOW_SECONDS,
      lockoutSeconds: e.CONCLAVE_LOGIN_LOCKOUT_SECONDS,
    },
    passwordHashing: DEFAULT_PASSWORD_HASHING,
    agentGateway: {
      host: e.CONCLAVE_AGENT_HOST ?? e.HOST,
      // A manager on an ephemeral port (PORT=0, tests) gets an ephemeral gateway too.
      port: e.CONCLAVE_AGENT_PORT ?? (e.PORT === 0 ? 0 : 8443),
      url: e.CONCLAVE_AGENT_GATEWAY_URL,
    },
    enrolmentTokenFile: e.CONCLAVE_ENROLMENT_TOKEN_FILE
      ? resolve(e.CONCLAVE_ENROLMENT_TOKEN_FILE)
      : undefined,
  };
}

/** "true"/"false", a hop count, or Express's address list syntax ("loopback, 10.0.0.0/8"). */
function parseTrustProxy(value: string | undefined): boolean | number | string {
  if (value === undefined || value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

/** True for addresses only this host can reach. */
export function isLoopbackHost(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * Refuses a plain-HTTP listener on a non-loopback address unless the operator said so:
 * session cookies and passwords would cross the network in clear text.
 */
export function checkListenSafety(config: Config): void {
  if (config.tls || config.allowInsecureHttp || isLoopbackHost(config.host)) return;
  throw new ConfigError(
    `Refusing to serve plain HTTP on ${config.host}: passwords and session cookies would cross ` +
      "the network unencrypted. Set CONCLAVE_TLS_CERT_FILE and CONCLAVE_TLS_KEY_FILE, or, when a " +
      "TLS proxy terminates HTTPS in front of the manager, pass --allow-insecure-http (or set " +
      "CONCLAVE_ALLOW_INSECURE_HTTP=1) and CONCLAVE_SECURE_COOKIES=1.",
  );
}
