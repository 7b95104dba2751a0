import net from "node:net";
import tls from "node:tls";
import { StreamConnection } from "../sessions/stream-connection.js";
import type { Listener, ListenerOptions } from "./listener.js";
import type { TlsMaterial } from "./tls-context.js";

/** An nsp listener (TCP) or, with key material, an nsps listener (TLS). */
export function createNspListener(
  material: TlsMaterial | undefined,
  options: ListenerOptions,
): Listener {
  if (!material) {
    const server = net.createServer((socket) =>
      options.onConnection(new StreamConnection(socket, "nsp", options.maxFrameBytes)),
    );
    return {
      server,
      setTls: () => {
        throw new Error("nsp interfaces have no TLS");
      },
    };
  }
  const server = tls.createServer({
    ...material.contextOptions,
    requestCert: material.requestCert,
    rejectUnauthorized: material.rejectUnauthorized,
    handshakeTimeout: options.handshakeTimeoutMs,
  });
  server.on("secureConnection", (socket) =>
    options.onConnection(new StreamConnection(socket, "nsps", options.maxFrameBytes)),
  );
  server.on("tlsClientError", (error, socket) =>
    options.onTlsError(error, `${socket.remoteAddress}:${socket.remotePort}`),
  );
  return { server, setTls: (next) => applyTls(server, next) };
}

/**
 * Swaps a TLS server's key material for new handshakes. `requestCert` and
 * `rejectUnauthorized` are read per connection from the server object, so Enable Client Cert
 * Validation changes the same way.
 */
export function applyTls(server: tls.Server, material: TlsMaterial): void {
  server.setSecureContext(material.contextOptions);
  const flags = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
  flags.requestCert = material.requestCert;
  flags.rejectUnauthorized = material.rejectUnauthorized;
}
