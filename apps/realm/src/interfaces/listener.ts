import type net from "node:net";
import type { Connection } from "../sessions/connection.js";
import type { TlsMaterial } from "./tls-context.js";

/** A protocol's server socket, before it listens. */
export interface Listener {
  readonly server: net.Server;
  /** Serves new key material to new handshakes; established sessions keep theirs. */
  setTls(material: TlsMaterial): void;
}

export interface ListenerOptions {
  maxFrameBytes: number;
  /** Time allowed for the TLS handshake or the HTTP upgrade (the interface's Auth Time). */
  handshakeTimeoutMs: number;
  onConnection(connection: Connection): void;
  /** A TLS handshake failed (wrong protocol version, no client certificate, …). */
  onTlsError(error: Error, remoteAddress: string): void;
}
