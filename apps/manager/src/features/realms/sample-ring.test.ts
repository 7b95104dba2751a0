import { describe, expect, it } from "vitest";
import { SampleRing } from "./sample-ring.js";

const HOUR = 3_600_000;
const at = (minutes: number) => ({ at: minutes * 60_000 });

describe("SampleRing", () => {
  it("keeps at most `capacity` samples, dropping the oldest first", () => {
    const ring = new SampleRing<{ at: number }>(3, HOUR);
    for (let m = 0; m < 5; m++) ring.push(at(m));
    expect(ring.size).toBe(3);
    expect(ring.since(0, at(4).at)).toEqual([at(2), at(3), at(4)]);
    expect(ring.last()).toEqual(at(4));
  });

  it("drops samples older than an hour, when pushing and when reading", () => {
    const ring = new SampleRing<{ at: number }>(100, HOUR);
    ring.push(at(0));
    ring.push(at(30));
    ring.push(at(61));
    expect(ring.since(0, at(61).at)).toEqual([at(30), at(61)]);
    expect(ring.since(0, at(95).at)).toEqual([at(61)]);
    expect(ring.since(0, at(200).at)).toEqual([]);
    expect(ring.size).toBe(0);
    expect(ring.last()).toBeUndefined();
  });

  it("answers only the samples from the requested start", () => {
    const ring = new SampleRing<{ at: number }>(10, HOUR);
    for (let m = 0; m < 10; m++) ring.push(at(m));
    expect(ring.since(at(7).at, at(10).at)).toEqual([at(7), at(8), at(9)]);
  });

  it("keeps order across wrap-around after expiry", () => {
    const ring = new SampleRing<{ at: number }>(4, 10 * 60_000);
    for (let m = 0; m < 6; m++) ring.push(at(m));
    ring.push(at(14));
    // 0..5 pushed into 4 slots (2..5 kept), then 14 expires everything before minute 4.
    expect(ring.since(0, at(14).at)).toEqual([at(4), at(5), at(14)]);
  });

  it("refuses a capacity that cannot hold anything", () => {
    expect(() => new SampleRing(0, HOUR)).toThrow(RangeError);
  });
});
