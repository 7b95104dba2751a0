import net from "node:net";
import tls from "node:tls";
import { FrameDecoder } from "@conclave/protocol";
import type { ClientTlsOptions, FrameTransport, TlsSessionInfo } from "./frame-transport.js";
import type { RealmUrl } from "./realm-url.js";

/**
 * Writes one length-prefixed frame (given as JSON text) with a single allocation. Frames written in the same tick
 * are corked into one writev, which is what lets pipelined publishes go fast.
 */
export function writeFrame(socket: net.Socket, json: string, state: { corked: boolean }): void {
  const length = Buffer.byteLength(json);
  const bytes = Buffer.allocUnsafe(4 + length);
  bytes.writeUInt32BE(length, 0);
  bytes.write(json, 4, "utf8");
  if (!state.corked) {
    state.corked = true;
    socket.cork();
    process.nextTick(() => {
      state.corked = false;
      socket.uncork();
    });
  }
  socket.write(bytes);
}

/** Opens an nsp (TCP) or nsps (TLS) connection. */
export function openStreamTransport(
  url: RealmUrl,
  tlsOptions: ClientTlsOptions | undefined,
  maxFrameBytes: number,
): Promise<FrameTransport> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "nsps";
    const socket = secure
      ? tls.connect({
          host: url.host,
          port: url.port,
          ...tlsOptions,
          servername: tlsOptions?.servername ?? (net.isIP(url.host) ? undefined : url.host),
        })
      : net.connect({ host: url.host, port: url.port });
    socket.setNoDelay(true);
    const onError = (error: Error) => reject(error);
    socket.once("error", onError);
    socket.once(secure ? "secureConnect" : "connect", () => {
      socket.off("error", onError);
      resolve(new StreamTransport(socket, maxFrameBytes));
    });
  });
}

class StreamTransport implements FrameTransport {
  onFrame: (frame: unknown) => void = () => {};
  onClose: (error: Error | undefined) => void = () => {};
  private readonly cork = { corked: false };
  private closeError: Error | undefined;

  constructor(
    private readonly socket: net.Socket,
    maxFrameBytes: number,
  ) {
    const decoder = new FrameDecoder(maxFrameBytes);
    socket.on("data", (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch (error) {
        this.closeError = error as Error;
        socket.destroy();
        return;
      }
      for (const frame of frames) this.onFrame(frame);
    });
    socket.on("error", (error) => {
      this.closeError ??= error;
    });
    socket.on("close", () => this.onClose(this.closeError));
  }

  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  get tls(): TlsSessionInfo | undefined {
    if (!(this.socket instanceof tls.TLSSocket)) return undefined;
    return {
      protocol: this.socket.getProtocol(),
      cipher: this.socket.getCipher().name,
      peerCertificate: this.socket.getPeerCertificate() ?? null,
    };
  }

  sendJson(json: string): void {
    if (this.socket.writable) writeFrame(this.socket, json, this.cork);
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
