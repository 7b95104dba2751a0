import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { makeCa, makeLeaf, makePkcs12 } from "@conclave/pki/test-support";
import { RealmConfigSchema } from "@conclave/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applyRealm } from "./apply-realm.js";
import { Supervisor } from "./supervisor.js";

const realmEntry = fileURLToPath(new URL("../../realm/dist/main.js", import.meta.url));

/**
 * A realm killed between the agent writing new key bytes and the realm taking the config that
 * names their password comes back with its nsps interface in Error. Sending the previous
 * definition and bytes again (what a wizard's rollback does) must bring it back.
 */
describe("applyRealm after a crash in the middle of a key change", () => {
  let stateDir: string;
  let supervisor: Supervisor;

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), "conclave-agent-apply-"));
    supervisor = await Supervisor.open({ stateDir, realmEntry });
  });
  afterEach(async () => {
    await supervisor.shutdown();
    await rm(stateDir, { recursive: true, force: true });
  });

  const stateOf = async () =>
    (await supervisor.get("realm-a").admin.listInterfaces()).interfaces[0]?.status.state;

  it("starts an interface left in Error when the same definition comes with its files again", async () => {
    const ca = await makeCa(stateDir, "apply-ca");
    const leaf = await makeLeaf(stateDir, ca, "server");
    const before = await readFile(
      await makePkcs12(stateDir, leaf, ca, "before.p12", "before-pass", "server"),
    );
    const after = await readFile(
      await makePkcs12(stateDir, leaf, ca, "after.p12", "after-pass", "server"),
    );
    const config = {
      name: "realm-a",
      interfaces: [
        {
          name: "nsps0",
          protocol: "nsps" as const,
          bindAddress: "127.0.0.1",
          port: 0,
          tls: { keyStorePath: "keys/nsps0-keystore.p12", keyStorePassword: "before-pass" },
        },
      ],
    };
    const file = { name: "nsps0-keystore.p12", contentBase64: before.toString("base64") };
    await supervisor.create({ name: "realm-a", config: RealmConfigSchema.parse(config) });
    await applyRealm(supervisor, "realm-a", { config, files: [file] });
    expect(await stateOf()).toBe("Running");

    // The crash: new bytes on disk, the config still naming the old password.
    await writeFile(join(supervisor.dataDir("realm-a"), "keys", "nsps0-keystore.p12"), after);
    await supervisor.restart("realm-a");
    expect(await stateOf()).toBe("Error");

    const result = await applyRealm(supervisor, "realm-a", { config, files: [file] });
    expect(result.failures).toEqual([]);
    expect(await stateOf()).toBe("Running");
  });
});
