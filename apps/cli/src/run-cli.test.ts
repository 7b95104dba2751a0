import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { Command } from "./command.js";
import { parseSince } from "./commands/audit.commands.js";
import { interfaceFromFlags } from "./commands/interface-flags.js";
import { ExitCode } from "./exit-codes.js";
import { parseCommandArgs, resolveCommand, runCli } from "./run-cli.js";

const cmd = (path: string[], extra: Partial<Command> = {}): Command => ({
  path,
  summary: path.join(" "),
  run: async () => ExitCode.Ok,
  ...extra,
});
const commands = [
  cmd(["realms", "list"]),
  cmd(["realms", "get"], { args: "<realm>" }),
  cmd(["pki", "ca", "create"], { args: "<name>", options: { cn: { type: "string" } } }),
  cmd(["clusters", "form"], { args: "<cluster> [realm…]" }),
];

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      stdin: new PassThrough(),
    },
    out: () => out.join(""),
    err: () => err.join(""),
  };
}

describe("resolveCommand", () => {
  it("finds the longest command and leaves its arguments", () => {
    const found = resolveCommand(["pki", "ca", "create", "root", "--cn", "Root"], commands);
    expect(found?.command.path).toEqual(["pki", "ca", "create"]);
    expect(found?.rest).toEqual(["root", "--cn", "Root"]);
  });

  it("accepts global flags before the command, skipping --url's value", () => {
    const found = resolveCommand(
      ["--json", "--url", "http://x:1", "realms", "get", "realm-a"],
      commands,
    );
    expect(found?.command.path).toEqual(["realms", "get"]);
    expect(found?.rest).toEqual(["--json", "--url", "http://x:1", "realm-a"]);
  });

  it("matches nothing for an unknown command", () => {
    expect(resolveCommand(["realms", "lst"], commands)).toBeUndefined();
  });
});

describe("parseCommandArgs", () => {
  it("parses flags and positionals and counts required and variadic ones", () => {
    const form = commands[3]!;
    expect(parseCommandArgs(form, ["c1", "a", "b", "c"]).positionals).toEqual([
      "c1",
      "a",
      "b",
      "c",
    ]);
    expect(() => parseCommandArgs(form, [])).toThrow(/Missing arguments/);
    expect(() => parseCommandArgs(commands[1]!, ["a", "b"])).toThrow(/Too many arguments/);
    expect(
      parseCommandArgs(commands[2]!, ["root", "--cn", "Root CA", "--json"]).values,
    ).toMatchObject({
      cn: "Root CA",
      json: true,
    });
  });

  it("refuses unknown flags", () => {
    expect(() => parseCommandArgs(commands[0]!, ["--bogus"])).toThrow(/Unknown option '--bogus'/);
  });
});

describe("runCli", () => {
  it("exits 2 with a hint on an unknown command or flag", async () => {
    const t = io();
    expect(await runCli(["realms", "lst"], t.io, {}, commands)).toBe(ExitCode.Usage);
    expect(t.err()).toContain("conclave realms list");
    expect(await runCli(["realms", "list", "--bogus"], io().io, {}, commands)).toBe(ExitCode.Usage);
  });

  it("prints help with exit 0, and exits 2 with no command", async () => {
    const t = io();
    expect(await runCli(["--help"], t.io, {}, commands)).toBe(ExitCode.Ok);
    expect(t.out()).toContain("realms get <realm>");
    expect(await runCli([], io().io, {}, commands)).toBe(ExitCode.Usage);
    const one = io();
    expect(await runCli(["pki", "ca", "create", "--help"], one.io, {}, commands)).toBe(ExitCode.Ok);
    expect(one.out()).toContain("--cn VALUE");
  });

  it("exits 3 when nobody is signed in, before any request", async () => {
    const t = io();
    const env = { HOME: "/nonexistent-conclave-home" };
    expect(await runCli(["realms", "list"], t.io, env)).toBe(ExitCode.Auth);
    expect(t.err()).toMatch(/Not signed in .*`conclave login`/);
  });

  it("exits 5 when the manager cannot be reached", async () => {
    const t = io();
    const env = { HOME: "/nonexistent-conclave-home", CONCLAVE_TOKEN: "t" };
    expect(await runCli(["realms", "list", "--url", "http://127.0.0.1:9"], t.io, env)).toBe(
      ExitCode.Unreachable,
    );
    expect(t.err()).toContain("Cannot reach the manager at http://127.0.0.1:9");
  });
});

describe("interface flags", () => {
  const base = {
    protocol: "nsp" as const,
    bindAddress: "0.0.0.0",
    port: 9000,
    autostart: true,
    allowInterRealm: true,
    allowClientConnections: true,
  };
  const noKeystores = async (k: string) => k;

  it("maps the Enterprise Manager names, with --no- twins, over the current values", async () => {
    const def = await interfaceFromFlags(
      { "no-allow-inter-realm": true, port: "9100", bind: "127.0.0.1" },
      base,
      noKeystores,
    );
    expect(def).toEqual({ ...base, port: 9100, bindAddress: "127.0.0.1", allowInterRealm: false });
  });

  it("needs a keystore for nsps and refuses one for nsp", async () => {
    await expect(interfaceFromFlags({ protocol: "nsps" }, base, noKeystores)).rejects.toThrow(
      /--keystore/,
    );
    await expect(interfaceFromFlags({ keystore: "ks" }, base, noKeystores)).rejects.toThrow(
      /not encrypted/,
    );
    const def = await interfaceFromFlags(
      { protocol: "nsps", keystore: "server-ks", "tls-protocols": "TLSv1.3" },
      base,
      async () => "ks-id",
    );
    expect(def.certificates).toMatchObject({ keystoreId: "ks-id", protocols: ["TLSv1.3"] });
  });

  it("refuses contradictory and malformed values", async () => {
    await expect(
      interfaceFromFlags({ autostart: true, "no-autostart": true }, base, noKeystores),
    ).rejects.toThrow(/contradict/);
    await expect(interfaceFromFlags({ port: "70000" }, base, noKeystores)).rejects.toThrow(
      /0-65535/,
    );
  });
});

describe("parseSince", () => {
  it("takes ages and date-times", () => {
    const now = Date.parse("2025-01-31T12:00:00Z");
    expect(parseSince("30m", now)).toBe("2025-01-31T11:30:00.000Z");
    expect(parseSince("7d", now)).toBe("2025-01-24T12:00:00.000Z");
    expect(parseSince("2025-01-01T00:00:00Z")).toBe("2025-01-01T00:00:00.000Z");
    expect(() => parseSince("yesterday")).toThrow(/neither/);
  });
});
