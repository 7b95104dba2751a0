import type { InterfaceDefinition, KeystoreDeployResult } from "@conclave/protocol";
import { NotFoundError, UnavailableError } from "../../http/errors.js";
import { type AuditActor, AuditRepo } from "../../store/audit.repo.js";
import { KeystoresRepo } from "../../store/keystores.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import type { Fleet } from "../agents/fleet.js";

export interface DeployKeystoreInput {
  keystoreId: string;
  realms: string[];
  keyAlias?: string | undefined;
  truststoreId?: string | undefined;
  actor: AuditActor;
  ip?: string | null;
}

const usesKeystore = (definition: InterfaceDefinition, keystoreId: string) =>
  (definition.protocol === "nsps" || definition.protocol === "nhps") &&
  definition.certificates?.keystoreId === keystoreId;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * "Deploy to realms": re-points every nsps/nhps interface of `realms` that uses the keystore
 * (to `keyAlias` / `truststoreId` when given) and applies each realm on its agent through
 * {@link Fleet.applyRealm} — the path interface changes take, which builds the key files with
 * the interfaces feature's `toRealmInterface`. The agent writes the files and makes interfaces
 * whose paths did not change re-read them (a hot reload). Realms are answered one by one: a
 * realm that fails does not stop the others. Throws 404 for an unknown keystore or truststore,
 * 409 for an unusable `keyAlias`, 503 without the keystores feature; audited once.
 */
export async function deployKeystore(
  fleet: Fleet,
  input: DeployKeystoreInput,
): Promise<KeystoreDeployResult[]> {
  const { db } = fleet;
  const keystores = new KeystoresRepo(db);
  const keystore = await keystores.findById(input.keystoreId);
  if (!keystore) throw new NotFoundError(`No keystore with id ${input.keystoreId}`);
  if (input.truststoreId && !(await keystores.findById(input.truststoreId))) {
    throw new NotFoundError(`No truststore (keystore) with id ${input.truststoreId}`);
  }
  const source = fleet.keyMaterial;
  if (!source) throw new UnavailableError("Keystores are not available (no master key)");
  if (input.keyAlias !== undefined) {
    // Refuse an alias that cannot serve TLS before any realm is touched.
    await source.materialFor(input.keystoreId, input.truststoreId, input.keyAlias);
  }

  const deployOne = (name: string): Promise<KeystoreDeployResult> =>
    fleet.withRealmLock(name, async () => {
      const realms = new RealmsRepo(db);
      const realm = await realms.find(name);
      if (!realm)
        return { realm: name, interfaces: [], ok: false, error: `No realm named ${name}` };
      const aliases = realm.interfaces
        .filter((d) => usesKeystore(d, input.keystoreId))
        .map((d) => d.alias);
      if (aliases.length === 0) {
        return {
          realm: name,
          interfaces: [],
          ok: false,
          error: `Realm ${name} has no nsps/nhps interface using keystore ${keystore.name}`,
        };
      }
      const next = realm.interfaces.map((d) =>
        aliases.includes(d.alias) && d.certificates
          ? {
              ...d,
              certificates: {
                ...d.certificates,
                ...(input.keyAlias !== undefined ? { keyAlias: input.keyAlias } : {}),
                ...(input.truststoreId !== undefined ? { truststoreId: input.truststoreId } : {}),
              },
            }
          : d,
      );
      try {
        const agent = await fleet.agentOf(realm);
        const result = await fleet.applyRealm(agent, name, next);
        const failures = result.failures.filter((f) => aliases.includes(f.name));
        if (failures.length > 0) {
          return {
            realm: name,
            interfaces: aliases,
            ok: false,
            error: failures.map((f) => `${f.name}: ${f.error}`).join("; "),
          };
        }
        await realms.setInterfaces(name, next);
      } catch (error) {
        return { realm: name, interfaces: aliases, ok: false, error: messageOf(error) };
      }
      for (const alias of aliases) {
        await fleet.bus.publish({
          type: "config.changed",
          resource: "interface",
          action: "deploy",
          name: `${name}/${alias}`,
        });
      }
      return { realm: name, interfaces: aliases, ok: true };
    });

  const results = await Promise.all([...new Set(input.realms)].map(deployOne));
  await new AuditRepo(db).record({
    actor: input.actor,
    action: "keystore.deploy",
    target: `keystore:${keystore.id}`,
    after: {
      keyAlias: input.keyAlias ?? null,
      truststoreId: input.truststoreId ?? null,
      realms: results,
    },
    ip: input.ip ?? null,
  });
  return results;
}
