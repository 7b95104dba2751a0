import type { RequestHandler } from "express";
import type { z } from "zod";
import { InputError } from "./errors.js";

/** Parses `value` with `schema`; throws InputError with the zod issue paths under `location`. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  location: "body" | "query" | "params",
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw InputError.fromZod(result.error, location);
  return result.data;
}

/** Parsed request parts, as `validate` leaves them in `res.locals.input`. */
export interface ValidatedInput {
  body?: unknown;
  query?: unknown;
  params?: unknown;
}

/**
 * Middleware form of `parseInput` for routers that do not go through the route registry:
 * parses the given parts and leaves them in `res.locals.input` (Express 5 makes `req.query`
 * read-only, so the parsed values cannot replace the raw ones).
 */
export function validate(schemas: {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
}): RequestHandler {
  return (req, res, next) => {
    const input: ValidatedInput = {};
    if (schemas.params) input.params = parseInput(schemas.params, req.params, "params");
    if (schemas.query) input.query = parseInput(schemas.query, req.query, "query");
    if (schemas.body) input.body = parseInput(schemas.body, req.body ?? {}, "body");
    res.locals.input = input;
    next();
  };
}
