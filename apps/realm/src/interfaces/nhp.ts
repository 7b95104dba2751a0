import http from "node:http";
import https from "node:https";
import type net from "node:net";
import { WebSocketServer } from "ws";
import { WsConnection } from "../sessions/ws-connection.js";
import type { Listener, ListenerOptions } from "./listener.js";
import { applyTls } from "./nsp.js";
import type { TlsMaterial } from "./tls-context.js";

/** An nhp listener (WebSocket over HTTP) or, with key material, an nhps listener (over HTTPS). */
export function createNhpListener(
  material: TlsMaterial | undefined,
  options: ListenerOptions,
): Listener {
  const protocol = material ? "nhps" : "nhp";
  // Node checks header/request timeouts on this interval (30 s by default).
  const connectionsCheckingInterval = Math.min(1_000, options.handshakeTimeoutMs);
  const server = material
    ? https.createServer({
        connectionsCheckingInterval,
        ...material.contextOptions,
        requestCert: material.requestCert,
        rejectUnauthorized: material.rejectUnauthorized,
        handshakeTimeout: options.handshakeTimeoutMs,
      })
    : http.createServer({ connectionsCheckingInterval });
  // A client that never finishes its upgrade request is dropped like one that never says hello.
  server.headersTimeout = options.handshakeTimeoutMs;
  server.requestTimeout = options.handshakeTimeoutMs;
  server.on("request", (_request, response) => {
    response.writeHead(426, { "content-type": "text/plain", upgrade: "websocket" });
    response.end(
      `This is a realm ${protocol} interface: connect with a WebSocket and send JSON frames (see docs/protocol.md).\n`,
    );
  });
  const wss = new WebSocketServer({
    server,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });
  wss.on("connection", (ws, request) =>
    options.onConnection(new WsConnection(ws, request.socket as net.Socket, protocol)),
  );
  // Errors of the server socket itself (EADDRINUSE) are handled by whoever calls listen().
  wss.on("error", () => {});
  if (material) {
    server.on("tlsClientError", (error: Error, socket: net.Socket) =>
      options.onTlsError(error, `${socket.remoteAddress}:${socket.remotePort}`),
    );
  }
  return {
    server,
    setTls: (next) => {
      if (!(server instanceof https.Server)) throw new Error("nhp interfaces have no TLS");
      applyTls(server, next);
    },
  };
}
