import { randomUUID, type X509Certificate } from "node:crypto";
import type net from "node:net";
import tls from "node:tls";
import {
  type ErrorCode,
  FrameDecoder,
  FrameError,
  type InterfaceProtocol,
} from "@conclave/protocol";
import { RECORD_HEADER_BYTES } from "../channels/log-record.js";
import { peerChain } from "../cluster/peer-certificate.js";
import {
  CLOSE_GRACE_MS,
  type Connection,
  type ConnectionTlsInfo,
  type OutboundFrame,
} from "./connection.js";

/** A connection on nsp (TCP) or nsps (TLS): length-prefixed JSON frames. */
export class StreamConnection implements Connection {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  readonly localAddress: string;
  onFrame: (frame: unknown) => void = () => {};
  onClose: () => void = () => {};
  private open = true;
  private corked = false;
  private paused = false;
  private readonly decoder: FrameDecoder;

  constructor(
    private readonly socket: net.Socket,
    readonly protocol: InterfaceProtocol,
    maxFrameBytes: number,
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
    this.decoder = new FrameDecoder(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    // Errors (resets, TLS alerts) end in 'close'; the session logs the disconnect there.
    socket.on("error", () => {});
    socket.on("close", () => {
      this.open = false;
      this.onClose();
    });
  }

  get isOpen(): boolean {
    return this.open && !this.socket.destroyed;
  }

  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  tlsInfo(): ConnectionTlsInfo | null {
    return describeTls(this.socket);
  }

  peerChain(): X509Certificate[] {
    return peerChain(this.socket);
  }

  sendFrame(frame: OutboundFrame): void {
    if (!this.isOpen) return;
    this.sendJson(JSON.stringify(frame));
  }

  sendJson(json: string): void {
    if (!this.isOpen) return;
    const length = Buffer.byteLength(json);
    const bytes = Buffer.allocUnsafe(4 + length);
    bytes.writeUInt32BE(length, 0);
    bytes.write(json, 4, "utf8");
    this.write(bytes);
  }

  sendRecord(record: Buffer): void {
    if (!this.isOpen) return;
    // The record's length field is the frame header; skip its CRC. Corking joins both writes.
    this.write(record.subarray(0, 4));
    this.write(record.subarray(RECORD_HEADER_BYTES));
  }

  whenDrained(callback: () => void): void {
    if (this.socket.writableLength === 0 || !this.isOpen) callback();
    else this.socket.once("drain", callback);
  }

  pauseReading(): void {
    if (!this.paused) {
      this.paused = true;
      this.socket.pause();
    }
  }

  resumeReading(): void {
    if (this.paused && this.open) {
      this.paused = false;
      this.socket.resume();
    }
  }

  fail(code: ErrorCode, message: string): void {
    if (!this.isOpen) return;
    this.sendFrame({ type: "error", code, message, fatal: true });
    this.open = false;
    // Keep reading (and discarding) so unread input does not turn our close into a reset that
    // would destroy the error frame before the peer reads it.
    this.socket.resume();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
  }

  destroy(): void {
    this.open = false;
    this.socket.destroy();
  }

  private write(bytes: Buffer): void {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(bytes);
  }

  private receive(chunk: Buffer): void {
    if (!this.open) return;
    let frames: unknown[];
    try {
      frames = this.decoder.push(chunk);
    } catch (error) {
      if (error instanceof FrameError) this.fail(error.code, error.message);
      else this.fail("INTERNAL", "The realm could not read the frame");
      return;
    }
    for (const frame of frames) {
      if (!this.open) return;
      this.onFrame(frame);
    }
  }
}

/** TLS details of a socket, or null for plain TCP. */
export function describeTls(socket: net.Socket): ConnectionTlsInfo | null {
  if (!(socket instanceof tls.TLSSocket)) return null;
  const peer = socket.getPeerCertificate();
  return {
    version: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.name ?? null,
    peerCertificateFingerprintSha256:
      peer && "fingerprint256" in peer && peer.fingerprint256 ? peer.fingerprint256 : null,
  };
}
