import { randomUUID, type X509Certificate } from "node:crypto";
import type net from "node:net";
import {
  decodeFrameBody,
  type ErrorCode,
  FrameError,
  type InterfaceProtocol,
} from "@conclave/protocol";
import WebSocket from "ws";
import { RECORD_HEADER_BYTES } from "../channels/log-record.js";
import { peerChain } from "../cluster/peer-certificate.js";
import {
  CLOSE_GRACE_MS,
  type Connection,
  type ConnectionTlsInfo,
  type OutboundFrame,
} from "./connection.js";
import { describeTls } from "./stream-connection.js";

/** WebSocket close code for a fatal error frame: policy violation. */
const CLOSE_POLICY = 1008;

/**
 * A connection on nhp (WebSocket) or nhps (secure WebSocket): one JSON frame per message.
 * `socket` is the TCP/TLS socket under the WebSocket, for drain events and corking.
 */
export class WsConnection implements Connection {
  readonly id = randomUUID();
  readonly remoteAddress: string;
  readonly localAddress: string;
  onFrame: (frame: unknown) => void = () => {};
  onClose: () => void = () => {};
  private open = true;
  private corked = false;
  private paused = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly socket: net.Socket,
    readonly protocol: InterfaceProtocol,
  ) {
    this.remoteAddress = `${socket.remoteAddress}:${socket.remotePort}`;
    this.localAddress = `${socket.localAddress}:${socket.localPort}`;
    socket.setNoDelay(true);
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[]) => this.receive(data));
    // ws closes by itself on protocol errors (e.g. 1009 for a message over maxPayload).
    ws.on("error", () => {});
    ws.on("close", () => {
      this.open = false;
      this.onClose();
    });
  }

  get isOpen(): boolean {
    return this.open && this.ws.readyState === WebSocket.OPEN;
  }

  get queuedBytes(): number {
    return this.ws.bufferedAmount;
  }

  tlsInfo(): ConnectionTlsInfo | null {
    return describeTls(this.socket);
  }

  peerChain(): X509Certificate[] {
    return peerChain(this.socket);
  }

  sendFrame(frame: OutboundFrame): void {
    this.sendJson(JSON.stringify(frame));
  }

  sendJson(json: string): void {
    if (!this.isOpen) return;
    this.cork();
    this.ws.send(json);
  }

  sendRecord(record: Buffer): void {
    if (!this.isOpen) return;
    this.cork();
    this.ws.send(record.subarray(RECORD_HEADER_BYTES), { binary: false });
  }

  whenDrained(callback: () => void): void {
    if (this.ws.bufferedAmount === 0 || !this.isOpen) callback();
    else this.socket.once("drain", callback);
  }

  pauseReading(): void {
    if (!this.paused) {
      this.paused = true;
      this.ws.pause();
    }
  }

  resumeReading(): void {
    if (this.paused && this.open) {
      this.paused = false;
      this.ws.resume();
    }
  }

  fail(code: ErrorCode, message: string): void {
    if (!this.isOpen) return;
    this.sendFrame({ type: "error", code, message, fatal: true });
    this.open = false;
    if (this.paused) this.ws.resume();
    // The close reason is limited to 123 bytes; the code is enough, the message went in the frame.
    this.ws.close(CLOSE_POLICY, code);
    setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS).unref();
  }

  destroy(): void {
    this.open = false;
    this.ws.terminate();
  }

  private cork(): void {
    // ws corks each message on its own; an outer cork batches a whole tick into one write.
    if (this.corked) return;
    this.corked = true;
    this.socket.cork();
    process.nextTick(() => {
      this.corked = false;
      this.socket.uncork();
    });
  }

  private receive(data: Buffer | ArrayBuffer | Buffer[]): void {
    if (!this.open) return;
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    let frame: unknown;
    try {
      frame = decodeFrameBody(bytes);
    } catch (error) {
      this.fail(
        error instanceof FrameError ? error.code : "MALFORMED_FRAME",
        (error as Error).message,
      );
      return;
    }
    this.onFrame(frame);
  }
}
