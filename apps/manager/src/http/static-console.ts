import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";
import { compressedAssets } from "./compressed-assets.js";

/**
 * Where the built console lives: CONCLAVE_CONSOLE_DIR, else apps/console/dist beside this
 * package. Undefined when it has not been built, so the API still runs alone.
 */
export function findConsoleDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.CONCLAVE_CONSOLE_DIR
    ? resolve(env.CONCLAVE_CONSOLE_DIR)
    : fileURLToPath(new URL("../../../console/dist", import.meta.url));
  return existsSync(join(dir, "index.html")) ? dir : undefined;
}

const isApiPath = (path: string) => path === "/api" || path.startsWith("/api/");

/** Only our own bundle runs; React and PatternFly set inline styles, nothing sets inline script. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

/**
 * Serves the console SPA: hashed assets with a long cache, and index.html for every other GET
 * outside /api so client-side routes survive a reload. /api paths never reach it.
 */
export function createStaticConsoleRouter(dir: string): Router {
  const router = express.Router();
  const index = join(dir, "index.html");
  router.use((req, res, next) => {
    if (isApiPath(req.path)) return next();
    res.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    next();
  });
  router.use("/assets", compressedAssets(join(dir, "assets")));
  router.use(
    "/assets",
    express.static(join(dir, "assets"), {
      index: false,
      immutable: true,
      maxAge: "365d",
    }),
  );
  router.use(express.static(dir, { index: false, maxAge: 0 }));
  router.use((req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    // A missing asset is a 404, not the shell: a stale page must not get HTML for its script.
    if (isApiPath(req.path) || req.path.startsWith("/assets/")) return next();
    // The shell must be revalidated so a new build's asset names are picked up at once.
    res.set("Cache-Control", "no-cache");
    res.sendFile(index);
  });
  return router;
}
