import { describe, expect, it } from "vitest";
import { certificateLook, formatDaysLeft } from "./health-looks";

describe("certificateLook", () => {
  it("colours valid green, expiring soon orange and expired red", () => {
    expect(certificateLook("valid")).toEqual({ colour: "green", text: "Valid" });
    expect(certificateLook("expiringSoon")).toEqual({ colour: "orange", text: "Expires soon" });
    expect(certificateLook("expired")).toEqual({ colour: "red", text: "Expired" });
  });
});

describe("formatDaysLeft", () => {
  it("reads as days left, or how long ago it expired", () => {
    expect(formatDaysLeft(30)).toBe("30 days");
    expect(formatDaysLeft(1)).toBe("1 day");
    expect(formatDaysLeft(0)).toBe("0 days");
    expect(formatDaysLeft(-3)).toBe("expired 3 days ago");
  });
});
