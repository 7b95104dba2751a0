import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder, FrameError } from "./codec.js";

describe("FrameDecoder", () => {
  it("reassembles frames split at every byte boundary", () => {
    const frames = [{ type: "ping", ref: 1 }, { type: "publish", data: "é✓" }, {}];
    const bytes = Buffer.concat(frames.map((f) => encodeFrame(f)));
    const decoder = new FrameDecoder(1024);
    const out: unknown[] = [];
    for (const byte of bytes) out.push(...decoder.push(Uint8Array.of(byte)));
    expect(out).toEqual(frames);
    expect(decoder.pendingBytes).toBe(0);
  });

  it("returns several frames from one chunk", () => {
    const bytes = Buffer.concat([encodeFrame({ a: 1 }), encodeFrame({ b: 2 })]);
    expect(new FrameDecoder(1024).push(bytes)).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it("refuses an oversized frame from its header alone", () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(10_000_000);
    expect(() => new FrameDecoder(1024).push(header)).toThrowError(
      expect.objectContaining({ code: "FRAME_TOO_LARGE" }),
    );
  });

  it("refuses bodies that are not JSON or not UTF-8", () => {
    const garbage = Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b]);
    expect(() => new FrameDecoder(1024).push(garbage)).toThrow(FrameError);
    const badUtf8 = Buffer.from([0, 0, 0, 2, 0xc3, 0x28]);
    expect(() => new FrameDecoder(1024).push(badUtf8)).toThrow(/UTF-8/);
  });
});
