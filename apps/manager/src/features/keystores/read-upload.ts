import { MAX_KEYSTORE_BYTES } from "@conclave/pki";
import busboy from "busboy";
import express, { type Request, type Response } from "express";
import type { z } from "zod";
import { HttpError, InputError } from "../../http/errors.js";
import { JSON_BODY_LIMIT } from "../../http/route-registry.js";
import { parseInput } from "../../http/validate.js";

/** An uploaded file and the form's text fields. */
export interface Upload {
  file: Buffer | undefined;
  fileName: string | undefined;
  fields: Record<string, string>;
}

/** Room for the text fields and part headers around the file. */
const FORM_OVERHEAD_BYTES = 256 * 1024;
const MAX_FIELD_BYTES = 64 * 1024;

const tooLarge = () =>
  new HttpError(
    413,
    "payload_too_large",
    `The file is larger than ${MAX_KEYSTORE_BYTES} bytes (10 MiB). Keystores are normally a few kilobytes — check that the right file was chosen.`,
  );

/**
 * Reads a multipart/form-data body with one file part (at most 10 MiB, the limit of
 * @conclave/pki) and a few text fields. Anything larger answers 413 without buffering it:
 * a declared Content-Length is checked first, and the stream is cut at the limit otherwise.
 */
export function readMultipart(req: Request, fileField = "file"): Promise<Upload> {
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (declared > MAX_KEYSTORE_BYTES + FORM_OVERHEAD_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: {
          files: 1,
          fields: 10,
          parts: 11,
          fileSize: MAX_KEYSTORE_BYTES,
          fieldSize: MAX_FIELD_BYTES,
        },
      });
    } catch {
      reject(new InputError("The multipart/form-data body has no boundary"));
      return;
    }
    const chunks: Buffer[] = [];
    const fields: Record<string, string> = {};
    let fileName: string | undefined;
    let sawFile = false;
    let failed: unknown;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = error;
      req.unpipe(parser);
      // Let the rest of the body drain so the answer reaches the client.
      req.resume();
      reject(error);
    };
    parser.on("file", (name, stream, info) => {
      if (name !== fileField || sawFile) {
        stream.resume();
        fail(new InputError(`Send exactly one file, in the form field "${fileField}"`));
        return;
      }
      sawFile = true;
      fileName = info.filename;
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => fail(tooLarge()));
    });
    parser.on("field", (name, value, info) => {
      if (info.valueTruncated) {
        fail(new InputError(`The form field "${name}" is too long`));
        return;
      }
      fields[name] = value;
    });
    parser.on("filesLimit", () => fail(new InputError(`Send one file only, as "${fileField}"`)));
    parser.on("fieldsLimit", () => fail(new InputError("Too many form fields")));
    parser.on("partsLimit", () => fail(new InputError("Too many form parts")));
    parser.on("error", () =>
      fail(new InputError("The multipart/form-data body is malformed or cut short")),
    );
    parser.on("close", () => {
      if (failed) return;
      resolve({ file: sawFile ? Buffer.concat(chunks) : undefined, fileName, fields });
    });
    req.on("aborted", () => fail(new InputError("The upload was aborted")));
    req.pipe(parser);
  });
}

const jsonBody = express.json({ limit: JSON_BODY_LIMIT });

/**
 * Parses a JSON body with `schema`, for routes that take either JSON or a multipart upload
 * (the route registry parses JSON-only routes itself).
 */
export function readJsonBody<S extends z.ZodType>(
  req: Request,
  res: Response,
  schema: S,
): Promise<z.output<S>> {
  return new Promise((resolve, reject) => {
    jsonBody(req, res, (error?: unknown) => {
      if (error) {
        reject(error);
        return;
      }
      try {
        resolve(parseInput(schema, req.body ?? {}, "body"));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

/** Which of the two body forms a request uses; 415 for anything else. */
export function bodyKind(req: Request): "multipart" | "json" {
  if (req.is("multipart/form-data")) return "multipart";
  if (req.is("application/json")) return "json";
  throw new HttpError(
    415,
    "unsupported_media_type",
    "Send multipart/form-data (a file) or application/json",
  );
}
