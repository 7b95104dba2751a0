import { readFile } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { RequestHandler } from "express";

const COMPRESSIBLE: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

type Encoding = "br" | "gzip";

// The async forms run on libuv's thread pool: quality 9 on a large chunk takes tens of ms,
// which the sync forms would take from every other request.
const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
const compress = (data: Buffer, encoding: Encoding): Promise<Buffer> =>
  encoding === "br"
    ? brotliAsync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 9 } })
    : gzipAsync(data, { level: 9 });

/**
 * Serves the console's hashed assets compressed (brotli or gzip, whichever the browser takes),
 * compressing each file once: the names are content hashes, so a file never changes while the
 * manager runs. The initial JavaScript is most of what a first visit waits for.
 */
export function compressedAssets(dir: string): RequestHandler {
  // The promise is cached, not the buffer, so concurrent first requests share one compression.
  const cache = new Map<string, Promise<Buffer | undefined>>();
  const compressed = (file: string, encoding: Encoding) => {
    const key = `${encoding}:${file}`;
    let entry = cache.get(key);
    if (!entry) {
      entry = readFile(file).then(
        (data) =>
          compress(data, encoding).catch(() => {
            // Not kept: the next request tries again, and this one gets the file uncompressed.
            cache.delete(key);
            return undefined;
          }),
        () => undefined,
      );
      cache.set(key, entry);
    }
    return entry;
  };

  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const type = COMPRESSIBLE[extname(req.path)];
    const file = normalize(join(dir, req.path));
    if (!type || !file.startsWith(dir + sep)) return next();
    const accepted = String(req.headers["accept-encoding"] ?? "");
    const encoding: Encoding | undefined = /\bbr\b/.test(accepted)
      ? "br"
      : /\bgzip\b/.test(accepted)
        ? "gzip"
        : undefined;
    if (!encoding) return next();
    compressed(file, encoding).then((body) => {
      // Unknown files fall through to express.static and its 404.
      if (!body) return next();
      res.set({
        "Content-Type": type,
        "Content-Encoding": encoding,
        "Content-Length": String(body.length),
        "Cache-Control": "public, max-age=31536000, immutable",
        Vary: "Accept-Encoding",
      });
      res.status(200).end(req.method === "HEAD" ? undefined : body);
    }, next);
  };
}
