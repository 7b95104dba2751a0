import { describe, expect, it } from "vitest";
import { skewLevel, skewLook } from "./skew-level";

describe("skewLevel", () => {
  it.each([
    [0, "ok"],
    [500, "ok"],
    [-501, "warning"],
    [2000, "warning"],
    [2001, "danger"],
    [-5000, "danger"],
  ] as const)("%d ms of a connected agent is %s", (skewMs, level) => {
    expect(skewLevel({ connected: true, skewMs })).toBe(level);
  });

  it("says a disconnected agent is disconnected, whatever its last figure", () => {
    expect(skewLevel({ connected: false, skewMs: 10 })).toBe("disconnected");
    expect(skewLevel({ connected: false, skewMs: null })).toBe("disconnected");
  });

  it("says nothing was measured before the first report", () => {
    expect(skewLevel({ connected: true, skewMs: null })).toBe("unknown");
  });

  it("shows warnings orange and too large a skew red", () => {
    expect(skewLook("warning").colour).toBe("orange");
    expect(skewLook("danger").colour).toBe("red");
    expect(skewLook("disconnected").text).toBe("Agent disconnected");
  });
});
