import { describe, expect, it } from "vitest";
import { parseSans } from "./subject-alt-names";

describe("parseSans", () => {
  it("reads names and addresses separated by commas and new lines", () => {
    expect(
      parseSans(" Realm1.Example ,\n*.realms.example\n198.18.0.5, fd00::5,dns:lb,ip:10.0.0.1"),
    ).toEqual({
      ok: true,
      sans: [
        "dns:realm1.example",
        "dns:*.realms.example",
        "ip:198.18.0.5",
        "ip:fd00::5",
        "dns:lb",
        "ip:10.0.0.1",
      ],
    });
  });

  it("names the first entry that is neither", () => {
    expect(parseSans("ok.example, bad_host!")).toEqual({
      ok: false,
      message: '"bad_host!" is neither a DNS name nor an IP address',
    });
    expect(parseSans("ip:realm1.example")).toEqual({
      ok: false,
      message: '"ip:realm1.example" is not an IP address',
    });
  });

  it("treats an empty field as no SANs", () => {
    expect(parseSans(" \n, ")).toEqual({ ok: true, sans: [] });
  });
});
