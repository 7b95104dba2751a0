import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { get, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as zlib from "node:zlib";
import express from "express";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { compressedAssets } from "./compressed-assets.js";

// Counted, so a test can tell one compression from two, and that none ran on the event loop.
vi.mock("node:zlib", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:zlib")>();
  return {
    ...real,
    brotliCompress: vi.fn(real.brotliCompress),
    gzip: vi.fn(real.gzip),
    brotliCompressSync: vi.fn(real.brotliCompressSync),
    gzipSync: vi.fn(real.gzipSync),
  };
});

interface RawResponse {
  status: number | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

describe("compressed assets", () => {
  let root: string;
  let server: Server;
  let port: number;
  // Big enough that the first request is still compressing when the second arrives.
  const big = Array.from({ length: 40_000 }, (_, i) => `export const v${i} = ${i * 7919};`).join(
    "\n",
  );

  // Raw bytes: supertest would decode the body and hide what the browser gets.
  const fetchRaw = (path: string, acceptEncoding: string) =>
    new Promise<RawResponse>((done, fail) => {
      get(
        `http://127.0.0.1:${port}${path}`,
        { headers: { "accept-encoding": acceptEncoding } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            done({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      ).once("error", fail);
    });

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "conclave-assets-"));
    const dir = join(root, "assets");
    await mkdir(dir);
    await writeFile(join(root, "outside-abc123.js"), "not an asset");
    await writeFile(join(dir, "big-abc123.js"), big);
    await writeFile(join(dir, "small-def456.css"), "body{margin:0}");
    await writeFile(join(dir, "retry-789abc.js"), "console.log(2)");
    const app = express();
    app.use("/assets", compressedAssets(dir));
    app.use("/assets", express.static(dir));
    app.use((_req, res) => res.status(404).end());
    server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.close();
    await rm(root, { recursive: true, force: true });
  });
  beforeEach(() => {
    vi.mocked(zlib.brotliCompress).mockClear();
  });

  it("gives two concurrent first requests the same compressed body, compressing once", async () => {
    const [first, second] = await Promise.all([
      fetchRaw("/assets/big-abc123.js", "gzip, deflate, br"),
      fetchRaw("/assets/big-abc123.js", "gzip, deflate, br"),
    ]);
    for (const res of [first, second]) {
      expect(res.status).toBe(200);
      expect(res.headers["content-encoding"]).toBe("br");
      expect(res.headers["content-type"]).toBe("text/javascript; charset=utf-8");
      expect(Number(res.headers["content-length"])).toBe(res.body.length);
      expect(res.body.length).toBeLessThan(big.length / 3);
      expect(zlib.brotliDecompressSync(res.body).toString()).toBe(big);
    }
    expect(zlib.brotliCompress).toHaveBeenCalledTimes(1);

    // Later requests are answered from the cache.
    const third = await fetchRaw("/assets/big-abc123.js", "br");
    expect(zlib.brotliDecompressSync(third.body).toString()).toBe(big);
    expect(zlib.brotliCompress).toHaveBeenCalledTimes(1);
  });

  it("compresses off the event loop, for gzip as for brotli", async () => {
    const [first, second] = await Promise.all([
      fetchRaw("/assets/small-def456.css", "gzip"),
      fetchRaw("/assets/small-def456.css", "gzip"),
    ]);
    for (const res of [first, second]) {
      expect(res.headers["content-encoding"]).toBe("gzip");
      expect(zlib.gunzipSync(res.body).toString()).toBe("body{margin:0}");
    }
    expect(zlib.gzip).toHaveBeenCalledTimes(1);
    expect(zlib.gzipSync).not.toHaveBeenCalled();
    expect(zlib.brotliCompressSync).not.toHaveBeenCalled();
  });

  it("leaves unknown files and types to what comes after it", async () => {
    expect((await fetchRaw("/assets/missing-000.js", "br")).status).toBe(404);
    expect((await fetchRaw("/assets/../outside-abc123.js", "br")).status).toBe(404);
    expect((await fetchRaw("/assets/readme.txt", "br")).status).toBe(404);
  });

  it("sends the file uncompressed when compressing fails, and compresses it next time", async () => {
    vi.mocked(zlib.brotliCompress).mockImplementationOnce(((
      _data: zlib.InputType,
      _options: zlib.BrotliOptions,
      callback: zlib.CompressCallback,
    ) => callback(new Error("out of memory"), Buffer.alloc(0))) as typeof zlib.brotliCompress);
    const failed = await fetchRaw("/assets/retry-789abc.js", "br");
    expect(failed.status).toBe(200);
    expect(failed.headers["content-encoding"]).toBeUndefined();
    expect(failed.body.toString()).toBe("console.log(2)");

    const retried = await fetchRaw("/assets/retry-789abc.js", "br");
    expect(retried.headers["content-encoding"]).toBe("br");
    expect(zlib.brotliDecompressSync(retried.body).toString()).toBe("console.log(2)");
  });
});
