import type { X509Certificate } from "node:crypto";
import type {
  ClusterFrame,
  ErrorCode,
  InterfaceProtocol,
  LinkAuthFrame,
  ServerFrame,
} from "@conclave/protocol";

/** Frames a realm sends: to clients, and to peers on inter-realm links. */
export type OutboundFrame = ServerFrame | ClusterFrame | LinkAuthFrame | { type: "link-ready" };

/** What was negotiated on a TLS connection (nsps/nhps), for link status. */
export interface ConnectionTlsInfo {
  version: string | null;
  cipher: string | null;
  /** SHA-256 fingerprint of the certificate the other side presented, if any. */
  peerCertificateFingerprintSha256: string | null;
}

/** Time a closing connection gets to flush its last frame before it is destroyed. */
export const CLOSE_GRACE_MS = 2_000;

/**
 * One client or peer connection on any interface protocol, as the session layer sees it:
 * frames in, frames out, the size of the outbound queue, and ways to end it.
 */
export interface Connection {
  readonly id: string;
  readonly protocol: InterfaceProtocol;
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** TLS details on nsps/nhps connections; null on nsp/nhp. */
  tlsInfo(): ConnectionTlsInfo | null;
  /** Certificates the other side presented, leaf first (empty on nsp/nhp or without any). */
  peerChain(): X509Certificate[];
  /** False once the connection is failing, closing or closed. */
  readonly isOpen: boolean;
  /** Bytes written but not yet accepted by the kernel. */
  readonly queuedBytes: number;
  /** Frames received, in order; set by the session. */
  onFrame: (frame: unknown) => void;
  /** Called once when the connection is gone. */
  onClose: () => void;
  sendFrame(frame: OutboundFrame): void;
  /** Sends one frame given as its JSON text (built by hand on hot paths). */
  sendJson(json: string): void;
  /** Sends a channel log record (see channels/log-record.ts) as an event frame. */
  sendRecord(record: Buffer): void;
  /** Calls `callback` once the outbound queue has drained (at once if it is empty). */
  whenDrained(callback: () => void): void;
  /** Stops reading frames until {@link resumeReading}: backpressure on publishers. */
  pauseReading(): void;
  resumeReading(): void;
  /** Sends a fatal error frame, then closes; bytes still arriving are discarded. */
  fail(code: ErrorCode, message: string): void;
  destroy(): void;
}
