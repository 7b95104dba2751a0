import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../logging/logger.js";

/**
 * Gives each request an id (answered in X-Request-Id, quoted in 500 answers) and logs one line
 * when it finishes: method, path without the query string, status, duration, user. Never
 * headers or bodies: that is where credentials travel.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    res.locals.requestId = requestId;
    res.set("X-Request-Id", requestId);
    res.on("finish", () => {
      logger.info("request", {
        requestId,
        method: req.method,
        path: req.originalUrl.split("?")[0],
        status: res.statusCode,
        ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        user: req.auth?.user.username,
        ip: req.ip,
      });
    });
    next();
  };
}
