import { chmod, unlink } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import type { AdminError, AdminErrorCode } from "@conclave/protocol";
import { ConfigError, RealmServerError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Realm } from "../realm.js";

const MAX_BODY_BYTES = 1024 * 1024;

const STATUS_BY_CODE: Record<AdminErrorCode, number> = {
  INVALID_JSON: 400,
  VALIDATION: 400,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  NOT_TLS: 409,
  TLS_MATERIAL: 422,
  INTERNAL: 500,
};

type Handler = (params: string[], body: () => Promise<unknown>) => Promise<[number, unknown]>;

/** The admin routes, as [method, path pattern, handler]; see docs/realm.md "Admin endpoint". */
function routes(realm: Realm): [string, RegExp, Handler][] {
  const ok = (value: unknown): [number, unknown] => [200, value];
  return [
    ["GET", /^\/status$/, async () => ok(realm.status())],
    ["GET", /^\/config$/, async () => ok(realm.redactedConfig())],
    ["GET", /^\/interfaces$/, async () => ok({ interfaces: realm.listInterfaces() })],
    ["POST", /^\/interfaces$/, async (_, body) => [201, await realm.addInterface(await body())]],
    ["GET", /^\/interfaces\/([^/]+)$/, async ([name]) => ok(realm.getInterface(name!))],
    [
      "PUT",
      /^\/interfaces\/([^/]+)$/,
      async ([name], body) => ok(await realm.changeInterface(name!, await body())),
    ],
    ["DELETE", /^\/interfaces\/([^/]+)$/, async ([name]) => ok(await realm.deleteInterface(name!))],
    [
      "POST",
      /^\/interfaces\/([^/]+)\/start$/,
      async ([name]) => ok(await realm.startInterface(name!)),
    ],
    [
      "POST",
      /^\/interfaces\/([^/]+)\/stop$/,
      async ([name]) => ok(await realm.stopInterface(name!)),
    ],
    [
      "POST",
      /^\/interfaces\/([^/]+)\/reload-tls$/,
      async ([name]) => ok(await realm.reloadInterfaceTls(name!)),
    ],
    ["POST", /^\/reload-tls$/, async () => ok(await realm.reloadAllTls())],
    ["GET", /^\/cluster$/, async () => ok(realm.clusterStatus())],
    ["PUT", /^\/cluster$/, async (_, body) => ok(await realm.setCluster(await body()))],
    ["DELETE", /^\/cluster$/, async () => ok(await realm.leaveCluster())],
    [
      "PUT",
      /^\/cluster\/members\/([^/]+)$/,
      async ([name], body) => ok(await realm.changeClusterMember(name!, await body())),
    ],
  ];
}

/**
 * The realm's local admin endpoint: HTTP over the Unix socket `socketPath`, mode 0600, so only
 * the realm's own user (and the node agent running as it) can reach it.
 */
export async function startAdminServer(
  socketPath: string,
  realm: Realm,
  logger: Logger,
): Promise<http.Server> {
  await ensureAdminSocketFree(socketPath);
  const table = routes(realm);
  const server = http.createServer((request, response) => {
    void handle(request, response, table, logger);
  });
  // The umask keeps the socket private from the moment it exists; chmod makes sure of it.
  const previousUmask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `Cannot open the admin socket ${socketPath} (${code ?? (error as Error).message})${
        socketPath.length > 100
          ? "; the path is too long for a Unix socket, use a shorter --data path"
          : ""
      }`,
    );
  } finally {
    process.umask(previousUmask);
  }
  await chmod(socketPath, 0o600);
  return server;
}

async function handle(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  table: [string, RegExp, Handler][],
  logger: Logger,
): Promise<void> {
  const send = (status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    response.end(text);
  };
  const fail = (code: AdminErrorCode, message: string) => {
    const body: AdminError = { error: { code, message } };
    send(STATUS_BY_CODE[code], body);
  };
  const pathname = (request.url ?? "/").split("?")[0]!;
  const method = request.method ?? "GET";
  const matches = table
    .map(([m, pattern, handler]) => ({ m, handler, match: pattern.exec(pathname) }))
    .filter((route) => route.match);
  const route = matches.find((r) => r.m === method);
  if (!route) {
    if (matches.length > 0) {
      fail(
        "METHOD_NOT_ALLOWED",
        `${method} is not allowed on ${pathname}; use ${matches.map((r) => r.m).join(" or ")}`,
      );
    } else {
      fail("NOT_FOUND", `No admin route ${method} ${pathname}`);
    }
    return;
  }
  try {
    const params = route.match!.slice(1).map((p) => decodeURIComponent(p));
    const [status, body] = await route.handler(params, () => readJson(request));
    send(status, body);
  } catch (error) {
    if (error instanceof RealmServerError) {
      fail(error.code, error.message);
      return;
    }
    logger.error("admin.failed", `${method} ${pathname} failed: ${(error as Error).message}`);
    fail("INTERNAL", `${method} ${pathname} failed: ${(error as Error).message}`);
  }
}

class InvalidJsonError extends RealmServerError {
  constructor(message: string) {
    super("INVALID_JSON", message);
  }
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new InvalidJsonError(`The request body is over ${MAX_BODY_BYTES} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) throw new InvalidJsonError("The request needs a JSON body");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidJsonError(`The request body is not JSON: ${(error as Error).message}`);
  }
}

/**
 * A socket file left by a realm that crashed is removed; one that still answers belongs to a
 * running realm on the same data directory, which must not be started twice.
 */
export async function ensureAdminSocketFree(socketPath: string): Promise<void> {
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(socketPath);
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (alive) {
    throw new ConfigError(
      `Another realm process is already serving ${socketPath}; one data directory serves one realm`,
    );
  }
  await unlink(socketPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== "ENOENT") throw error;
  });
}
