import { once } from "node:events";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { get, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync } from "node:zlib";
import express from "express";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticConsoleRouter, findConsoleDir } from "./static-console.js";

describe("static console", () => {
  let dir: string;
  const app = express();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "conclave-console-"));
    await mkdir(join(dir, "assets"));
    await writeFile(join(dir, "index.html"), "<!doctype html><title>Conclave</title>");
    await writeFile(join(dir, "assets", "index-abc123.js"), "console.log(1)");
    // The API answers first, as in createApp; the console must never shadow it.
    app.get("/api/v1/health", (_req, res) => res.json({ ok: true }));
    app.use(createStaticConsoleRouter(dir));
    app.use((_req, res) => res.status(404).json({ error: { code: "not_found" } }));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("serves index.html at / and for client-side routes, revalidated, with a CSP", async () => {
    for (const path of ["/", "/realms/realm-a/comms/interfaces", "/keystores"]) {
      const res = await request(app).get(path).expect(200);
      expect(res.text).toContain("<title>Conclave</title>");
      expect(res.headers["content-type"]).toMatch(/text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self'");
    }
  });

  it("serves hashed assets with a long cache and 404s a missing one", async () => {
    const res = await request(app).get("/assets/index-abc123.js").expect(200);
    expect(res.headers["cache-control"]).toContain("immutable");
    await request(app).get("/assets/missing.js").expect(404);
  });

  it("sends assets brotli- or gzip-compressed to browsers that take it, plain to others", async () => {
    const plain = "console.log(1)";
    // supertest would decode brotli itself; read the raw bytes the browser gets.
    const server = app.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const br = await new Promise<{ headers: IncomingHttpHeaders; body: Buffer }>((done, fail) => {
      get(
        `http://127.0.0.1:${port}/assets/index-abc123.js`,
        { headers: { "accept-encoding": "gzip, deflate, br" } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => done({ headers: res.headers, body: Buffer.concat(chunks) }));
        },
      ).once("error", fail);
    });
    server.close();
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(brotliDecompressSync(br.body).toString()).toBe(plain);

    const gzip = await request(app)
      .get("/assets/index-abc123.js")
      .set("Accept-Encoding", "gzip")
      .expect(200);
    expect(gzip.headers["content-encoding"]).toBe("gzip");
    expect(gzip.text).toBe(plain);

    const identity = await request(app)
      .get("/assets/index-abc123.js")
      .set("Accept-Encoding", "identity")
      .expect(200);
    expect(identity.headers["content-encoding"]).toBeUndefined();
    expect(identity.text).toBe(plain);
  });

  it("never answers /api paths with the SPA", async () => {
    await request(app).get("/api/v1/health").expect(200, { ok: true });
    const res = await request(app).get("/api/v1/nope").expect(404);
    expect(res.headers["content-type"]).toMatch(/json/);
    await request(app).get("/api").expect(404);
  });

  it("finds the console from CONCLAVE_CONSOLE_DIR only when it has been built", () => {
    expect(findConsoleDir({ CONCLAVE_CONSOLE_DIR: dir })).toBe(dir);
    expect(findConsoleDir({ CONCLAVE_CONSOLE_DIR: join(dir, "assets") })).toBeUndefined();
  });
});
