import { randomBytes } from "node:crypto";
import cookieParser from "cookie-parser";
import express, { type Express, Router } from "express";
import { PasswordHasher } from "./auth/password-hasher.js";
import type { Config } from "./config.js";
import { createAgentsRouter } from "./features/agents/agents.router.js";
import { Fleet } from "./features/agents/fleet.js";
import { createApiTokensRouter } from "./features/api-tokens/api-tokens.router.js";
import { createAuditRouter } from "./features/audit/audit.router.js";
import { ClusterMonitor } from "./features/clusters/cluster-monitor.js";
import { createClustersRouter } from "./features/clusters/clusters.router.js";
import { createEventsRouter } from "./features/events/events.router.js";
import { createHealthRouter } from "./features/health/health.router.js";
import { createHealthSummaryRouter } from "./features/health/health-summary.router.js";
import { createInterfacesRouter } from "./features/interfaces/interfaces.router.js";
import { KeyMaterialSource } from "./features/keystores/key-material-source.js";
import { createKeystoreDeployRouter } from "./features/keystores/keystore-deploy.router.js";
import { createKeystoresRouter } from "./features/keystores/keystores.router.js";
import { createOpenApiRouter } from "./features/openapi/openapi.router.js";
import { createPkiRouter } from "./features/pki/pki.router.js";
import { createRealmsRouter } from "./features/realms/realms.router.js";
import { createSessionRouter } from "./features/session/session.router.js";
import { createUsersRouter } from "./features/users/users.router.js";
import { createWizards } from "./features/wizards/create-wizards.js";
import { createAuthenticate, type SessionCookieOptions } from "./http/auth.js";
import { csrfProtection } from "./http/csrf.js";
import { createErrorHandler, notFoundHandler } from "./http/error-handler.js";
import { API_PREFIX } from "./http/openapi.js";
import { LoginRateLimiter } from "./http/rate-limit.js";
import { requestLogger } from "./http/request-logger.js";
import { RouteRegistry } from "./http/route-registry.js";
import { createStaticConsoleRouter } from "./http/static-console.js";
import type { Logger } from "./logging/logger.js";
import { ApiTokensRepo } from "./store/api-tokens.repo.js";
import type { Db } from "./store/db.js";
import { LoginThrottleRepo } from "./store/login-throttle.repo.js";
import { SecretBox } from "./store/secrets.js";
import { SessionsRepo } from "./store/sessions.repo.js";
import { MANAGER_VERSION } from "./version.js";

/** The parts of the configuration the HTTP app uses. */
export type AppConfig = Pick<
  Config,
  "session" | "loginThrottle" | "passwordHashing" | "secureCookies" | "trustProxy"
>;

/** What the app is built from; main.ts opens these, tests make their own. */
export interface AppDeps {
  config: AppConfig;
  /** A migrated store. */
  db: Db;
  logger: Logger;
  version?: string;
  /**
   * Agents, realms and live events. main.ts passes one sealed with the master key; without it
   * the app gets one with a throwaway key (tests that never touch agents).
   */
  fleet?: Fleet;
  /**
   * Seals keystore passwords and private keys (CONCLAVE_MASTER_KEY or master.key; main.ts
   * passes it). Without it the keystore and PKI routes answer 503: a throwaway key would
   * lose every stored secret at the next restart.
   */
  secrets?: SecretBox;
  /** The built console (apps/console/dist) to serve outside /api; none in API-only tests. */
  consoleDir?: string;
}

/** The app plus what tests look into: the route registry and the router mounted at /api/v1. */
export interface ConclaveApp extends Express {
  locals: Express["locals"] & { routes: RouteRegistry; apiRouter: Router };
}

/**
 * Builds the Express app without listening, so tests drive it with supertest. Every API route
 * is mounted through the RouteRegistry under /api/v1; anything the registry does not know
 * answers 401 without credentials and 404 with them.
 */
export function createApp(deps: AppDeps): ConclaveApp {
  const { config, db, logger } = deps;
  const app = express() as ConclaveApp;
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);

  const cookie: SessionCookieOptions = {
    secure: config.secureCookies,
    ttlSeconds: config.session.ttlSeconds,
  };
  const authenticate = createAuthenticate({
    sessions: new SessionsRepo(db),
    apiTokens: new ApiTokensRepo(db),
    cookie,
    idleSeconds: config.session.idleSeconds,
  });
  const registry = new RouteRegistry({ authenticate, csrf: csrfProtection });
  const hasher = new PasswordHasher(config.passwordHashing);
  const rateLimiter = new LoginRateLimiter(new LoginThrottleRepo(db), config.loginThrottle);

  app.use(requestLogger(logger));
  app.use((_req, res, next) => {
    // API answers are per user and often sensitive: never cached, never framed, never sniffed.
    res.set({
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
    });
    next();
  });
  app.use(cookieParser());

  const api = Router();
  api.use(createHealthRouter({ registry, db }));
  api.use(createSessionRouter({ registry, db, hasher, rateLimiter, cookie }));
  api.use(createUsersRouter({ registry, db, hasher }));
  api.use(createApiTokensRouter({ registry, db }));
  api.use(createAuditRouter({ registry, db }));
  const fleet =
    deps.fleet ??
    new Fleet({ db, logger, secretBox: deps.secrets ?? new SecretBox(randomBytes(32)) });
  // nsps/nhps interfaces take their key material from the keystores feature.
  if (!fleet.keyMaterial && deps.secrets) {
    fleet.keyMaterial = new KeyMaterialSource({ db, secrets: deps.secrets });
  }
  api.use(createAgentsRouter({ registry, fleet }));
  api.use(createRealmsRouter({ registry, fleet, sampleMetrics: Boolean(deps.fleet) }));
  api.use(createInterfacesRouter({ registry, fleet }));
  api.use(createClustersRouter({ registry, fleet }));
  // Cluster status events need reports, so only with the fleet main.ts starts.
  if (deps.fleet) new ClusterMonitor(fleet).start();
  api.use(createEventsRouter({ registry, bus: fleet.bus }));
  api.use(createHealthSummaryRouter({ registry, db, secrets: deps.secrets }));
  api.use(createKeystoresRouter({ registry, db, secrets: deps.secrets }));
  api.use(createKeystoreDeployRouter({ registry, fleet }));
  api.use(createPkiRouter({ registry, db, secrets: deps.secrets }));
  // Wizards resume at start only with the fleet main.ts starts (reports drive their steps).
  api.use(createWizards({ registry, fleet, secrets: deps.secrets, resume: !!deps.fleet }));
  api.use(createOpenApiRouter({ registry, version: deps.version ?? MANAGER_VERSION }));
  api.use(authenticate, notFoundHandler);
  app.use(API_PREFIX, api);
  if (deps.consoleDir) app.use(createStaticConsoleRouter(deps.consoleDir));

  app.use(createErrorHandler(logger));
  app.locals.routes = registry;
  app.locals.apiRouter = api;
  return app;
}
