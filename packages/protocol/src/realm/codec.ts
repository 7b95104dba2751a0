/**
 * Stream framing for nsp and nsps: every frame is a 4-byte big-endian length followed by that
 * many bytes of UTF-8 JSON. nhp and nhps carry the same JSON, one frame per WebSocket message,
 * without the length prefix. See docs/protocol.md.
 */

export const FRAME_HEADER_BYTES = 4;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Encodes one frame with its length prefix. */
export function encodeFrame(frame: unknown): Uint8Array {
  const body = encoder.encode(JSON.stringify(frame));
  const out = new Uint8Array(FRAME_HEADER_BYTES + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, FRAME_HEADER_BYTES);
  return out;
}

/** Why a byte stream could not be read as frames. */
export class FrameError extends Error {
  constructor(
    readonly code: "FRAME_TOO_LARGE" | "MALFORMED_FRAME",
    message: string,
  ) {
    super(message);
    this.name = "FrameError";
  }
}

/** Parses a frame body (no length prefix) into a JSON value, or throws a {@link FrameError}. */
export function decodeFrameBody(body: Uint8Array): unknown {
  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    throw new FrameError("MALFORMED_FRAME", "Frame is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new FrameError("MALFORMED_FRAME", "Frame is not valid JSON");
  }
}

/**
 * Reassembles length-prefixed frames from stream chunks. A frame announced larger than
 * `maxFrameBytes` is rejected as soon as its header arrives, before its body is buffered.
 */
export class FrameDecoder {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes received but not yet returned as frames. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Adds a chunk and returns every frame it completes, in order. */
  push(chunk: Uint8Array): unknown[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: unknown[] = [];
    while (this.buffered >= FRAME_HEADER_BYTES) {
      const header = this.peek(FRAME_HEADER_BYTES);
      const length = new DataView(header.buffer, header.byteOffset, 4).getUint32(0);
      if (length > this.maxFrameBytes) {
        throw new FrameError(
          "FRAME_TOO_LARGE",
          `Frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes} bytes`,
        );
      }
      if (this.buffered < FRAME_HEADER_BYTES + length) break;
      const bytes = this.take(FRAME_HEADER_BYTES + length);
      frames.push(decodeFrameBody(bytes.subarray(FRAME_HEADER_BYTES)));
    }
    return frames;
  }

  private peek(count: number): Uint8Array {
    const first = this.chunks[0]!;
    if (first.length >= count) return first;
    this.chunks = [concat(this.chunks, this.buffered)];
    return this.chunks[0]!;
  }

  private take(count: number): Uint8Array {
    let first = this.chunks[0]!;
    if (first.length < count) {
      first = concat(this.chunks, this.buffered);
      this.chunks = [first];
    }
    const out = first.subarray(0, count);
    if (first.length === count) this.chunks.shift();
    else this.chunks[0] = first.subarray(count);
    this.buffered -= count;
    return out;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
