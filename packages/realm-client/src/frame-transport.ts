import type { PeerCertificate } from "node:tls";

/** TLS options for nsps and nhps connections. */
export interface ClientTlsOptions {
  /** CA certificates (PEM) that the realm's certificate must chain to. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate chain (PEM), for interfaces with Enable Client Cert Validation. */
  cert?: string | Buffer;
  /** Client private key (PEM). */
  key?: string | Buffer;
  /** Server name for SNI and certificate checks; the URL's host when it is a name. */
  servername?: string;
  minVersion?: "TLSv1.2" | "TLSv1.3";
  maxVersion?: "TLSv1.2" | "TLSv1.3";
  /** Verify the realm's certificate (default true). Turn off only in tests. */
  rejectUnauthorized?: boolean;
}

/** What was negotiated on an nsps/nhps connection. */
export interface TlsSessionInfo {
  protocol: string | null;
  cipher: string;
  peerCertificate: PeerCertificate | null;
}

/**
 * One connection carrying JSON frames: length-prefixed on nsp/nsps, one per WebSocket message
 * on nhp/nhps.
 */
export interface FrameTransport {
  /** Sends one frame given as its JSON text. */
  sendJson(json: string): void;
  /** Ends the connection after queued frames are written. */
  end(): void;
  destroy(): void;
  /** Bytes queued but not yet written to the socket. */
  readonly bufferedBytes: number;
  readonly tls: TlsSessionInfo | undefined;
  onFrame: (frame: unknown) => void;
  /** Called once, when the connection is gone; `error` tells why when it did not end cleanly. */
  onClose: (error: Error | undefined) => void;
}
