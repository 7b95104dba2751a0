import net from "node:net";
import { encodeFrame, FrameDecoder } from "@conclave/protocol";

/** A bare TCP connection to an nsp interface, for sending what a well-behaved client never would. */
export class RawNspConnection {
  readonly frames: Record<string, unknown>[] = [];
  readonly closed: Promise<void>;
  private readonly decoder = new FrameDecoder(64 * 1024 * 1024);

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk))
        this.frames.push(frame as Record<string, unknown>);
    });
    socket.on("error", () => {});
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  static connect(port: number): Promise<RawNspConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: "127.0.0.1", port });
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new RawNspConnection(socket));
      });
    });
  }

  sendFrame(frame: unknown): void {
    this.socket.write(encodeFrame(frame));
  }

  sendBytes(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** Waits until a frame of `type` has arrived. */
  async next(type: string, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.find((f) => f.type === type);
      if (frame) return frame;
      if (Date.now() > deadline) {
        throw new Error(
          `no ${type} frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
