import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadMasterKey, parseMasterKey } from "./master-key.js";
import { SecretBox, SecretOpenError } from "./secrets.js";

describe("SecretBox (AES-256-GCM)", () => {
  const box = new SecretBox(Buffer.alloc(32, 7));

  it("seals and opens; every seal differs; plaintext never shows", () => {
    const a = box.seal("keystore password", "keystore:1:password");
    const b = box.seal("keystore password", "keystore:1:password");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+$/);
    expect(a).not.toContain("keystore password");
    expect(box.openString(a, "keystore:1:password")).toBe("keystore password");
    expect(box.open(box.seal(Buffer.from([0, 1, 2]), "bin"), "bin")).toEqual(
      Buffer.from([0, 1, 2]),
    );
  });

  it("refuses another context, another key and tampering", () => {
    const sealed = box.seal("s", "keystore:1:password");
    expect(() => box.open(sealed, "keystore:2:password")).toThrow(SecretOpenError);
    expect(() => new SecretBox(Buffer.alloc(32, 8)).open(sealed, "keystore:1:password")).toThrow(
      /another master key/,
    );
    const flipped = sealed.slice(0, -2) + (sealed.endsWith("A") ? "B" : "A") + sealed.slice(-1);
    expect(() => box.open(flipped, "keystore:1:password")).toThrow(SecretOpenError);
    expect(() => box.open("nonsense", "x")).toThrow(SecretOpenError);
  });
});

describe("master key", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), "conclave-key-"));
    dirs.push(dir);
    return dir;
  };

  it("parses hex and base64 and refuses anything else without echoing it", () => {
    const key = Buffer.alloc(32, 9);
    expect(parseMasterKey(key.toString("hex"))).toEqual(key);
    expect(parseMasterKey(key.toString("base64"))).toEqual(key);
    expect(parseMasterKey(key.toString("base64url"))).toEqual(key);
    expect(() => parseMasterKey("too-short-secret")).toThrow(/CONCLAVE_MASTER_KEY/);
    try {
      parseMasterKey("too-short-secret");
    } catch (error) {
      expect((error as Error).message).not.toContain("too-short-secret");
    }
  });

  it("creates master.key with mode 0600 on first run and reads it afterwards", async () => {
    const dir = await tempDir();
    const first = await loadMasterKey({ envKey: undefined, dataDir: join(dir, "data") });
    expect(first.source).toBe("created");
    expect((await stat(first.path!)).mode & 0o777).toBe(0o600);
    const second = await loadMasterKey({ envKey: undefined, dataDir: join(dir, "data") });
    expect(second).toMatchObject({ source: "file" });
    expect(second.key).toEqual(first.key);
    expect((await readFile(first.path!, "utf8")).trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it("prefers CONCLAVE_MASTER_KEY and refuses a key file others can read", async () => {
    const dir = await tempDir();
    const fromEnv = await loadMasterKey({ envKey: "ab".repeat(32), dataDir: dir });
    expect(fromEnv).toMatchObject({ source: "env" });
    await writeFile(join(dir, "master.key"), "cd".repeat(32));
    await chmod(join(dir, "master.key"), 0o644);
    await expect(loadMasterKey({ envKey: undefined, dataDir: dir })).rejects.toThrow(/chmod 600/);
  });
});
