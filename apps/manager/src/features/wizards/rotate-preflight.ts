import { X509Certificate } from "node:crypto";
import { checkTlsEntry } from "@conclave/pki";
import type { RotateCredentialsOptions, WizardFinding } from "@conclave/protocol";
import { CasRepo } from "../../store/cas.repo.js";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import {
  defaultCredentialReasons,
  describeReasons,
  entriesOfStore,
  keystoreFacts,
} from "../health/default-credentials.js";
import type { KeystoresService } from "../keystores/keystores.service.js";
import type { ClusterOperations, MemberView } from "./cluster-operations.js";
import { bareHost, parseAddress } from "./encrypt-plan.js";
import {
  type AddFinding as Add,
  CERTIFICATE_CHECK_OF,
  checkClock,
  checkClusterWhole,
  findingList,
  openUploadedPair,
} from "./preflight-common.js";
import { credentialAliases, isSecure, type RotateRealmPlan, respell } from "./rotate-plan.js";

const DAY_MS = 86_400_000;
const ENCRYPT_FIX =
  'Run "Switch inter-realm communication to TLS" (kind encrypt-inter-realm) on this cluster first, then rotate';

/** SHA-256 of a PEM certificate, colon-separated upper-case hex (as the store keeps it). */
export const sha256Of = (pem: string) => new X509Certificate(pem).fingerprint256;

export interface RotatePreflightResult {
  findings: WizardFinding[];
  plan: Record<string, RotateRealmPlan>;
  /** Per realm, what it serves now (for the step's evidence). */
  served: Record<string, string>;
}

/**
 * The rotation's pre-flight: the cluster must be whole and already on TLS links; each realm's
 * inter-realm interface (the one its peers dial) and the interfaces sharing its keystore are
 * what rotates; uploaded credentials are checked for the address peers dial against the new
 * truststore. Changes nothing.
 */
export async function rotatePreflight(
  ops: ClusterOperations,
  keystores: KeystoresService | undefined,
  cluster: ClusterRecord,
  options: RotateCredentialsOptions,
): Promise<RotatePreflightResult> {
  const { findings, add } = findingList();
  const { status, members } = await ops.look(cluster.name);

  checkClusterWhole(cluster.name, status, members, add, "while links re-handshake");

  const plaintext = status.links.filter((l) => !l.encrypted);
  if (plaintext.length > 0) {
    add(
      "error",
      null,
      "tlsPolicy",
      `Inter-realm links still in plaintext: ${plaintext.map((l) => `${l.from} → ${l.to} (${l.protocol})`).join(", ")}`,
      ENCRYPT_FIX,
    );
  }

  if (!keystores) {
    add(
      "error",
      null,
      "keystore",
      "Keystores are not available on this manager (no master key)",
      "Start the manager with CONCLAVE_MASTER_KEY or its master.key",
    );
  }
  const plan: Record<string, RotateRealmPlan> = {};
  const served: Record<string, string> = {};
  /** The manager's own CAs: what they issued is no sample, whatever the cluster is called. */
  let ownCas: ReadonlySet<string> | undefined;
  for (const member of cluster.members) {
    const view = members.find((m) => m.realm === member.realm)!;
    const realmPlan = planRealm(view, member.addresses, add);
    if (!realmPlan) continue;
    plan[member.realm] = realmPlan;
    checkClock(view, add);
    const current = view.reported?.status?.interfaces.find((i) => i.name === realmPlan.aliases[0]);
    if (current?.certificate) {
      const c = current.certificate;
      served[member.realm] =
        `${realmPlan.aliases.join(", ")} serve ${c.subject}, issued by ${c.issuer}${c.subject === c.issuer ? " (self-signed)" : ""}, SHA-256 ${c.fingerprintSha256}, until ${c.notAfter}`;
    }
    if (keystores) {
      realmPlan.oldCaSha256 = await oldCas(keystores, view, realmPlan, add);
      // The rotation is the fix for default or demo credentials, so they are evidence, not a
      // finding to acknowledge (findings have no "info" severity).
      ownCas ??= new Set((await new CasRepo(ops.fleet.db).list()).map((c) => c.sha256));
      const demo = await currentDemoReasons(keystores, view, realmPlan, ownCas);
      if (demo) {
        const note = `demo credentials: ${demo} (the rotation moves ${member.realm} off them)`;
        served[member.realm] = served[member.realm] ? `${served[member.realm]}; ${note}` : note;
      }
    }
  }
  if (!keystores) return { findings, plan, served };

  const oldCaSha = new Set(Object.values(plan).flatMap((p) => p.oldCaSha256));
  if (options.certificates === "issue") {
    if (options.caId) {
      const ca = await new CasRepo(ops.fleet.db).findById(options.caId);
      if (!ca) {
        add(
          "error",
          null,
          "keystore",
          `No certificate authority with id ${options.caId}`,
          "Pick a CA from GET /api/v1/pki/cas, or leave caId out to have one created",
        );
      } else if (oldCaSha.has(ca.sha256)) {
        add(
          "error",
          null,
          "chain",
          `${ca.name} is the CA the realms trust now: rotating to it would drop the CA it issues from`,
          "Leave caId out to have a new CA created, or pick another CA",
        );
      } else {
        const daysLeft = (ca.notAfter.getTime() - Date.now()) / DAY_MS;
        if (daysLeft <= 0) {
          add("error", null, "expiry", `${ca.name} has expired`, "Pick a valid CA");
        } else if (daysLeft < 397) {
          add(
            "warning",
            null,
            "expiry",
            `${ca.name} expires in ${Math.floor(daysLeft)} days: the certificates it issues for 397 days outlive it`,
            "Acknowledge, or pick a CA valid for longer",
          );
        }
      }
    }
    return { findings, plan, served };
  }
  for (const [realm, realmPlan] of Object.entries(plan)) {
    const chosen = options.certificates[realm];
    if (!chosen) {
      add(
        "error",
        realm,
        "keystore",
        `No keystore was given for ${realm}`,
        `Add {"${realm}": {"keystoreId": …, "truststoreId": …}} to certificates, or use "issue"`,
      );
      continue;
    }
    realmPlan.keystoreId = chosen.keystoreId;
    realmPlan.truststoreId = chosen.truststoreId;
    await checkUploaded(keystores, realm, realmPlan, add);
  }
  return { findings, plan, served };
}

function planRealm(view: MemberView, addresses: string[], add: Add): RotateRealmPlan | null {
  const realm = view.realm;
  if (!view.record || !view.agent?.connected || view.reported?.state !== "running") {
    add(
      "error",
      realm,
      "membership",
      !view.agent?.connected
        ? `The agent of ${realm} is not reporting`
        : `${realm} is ${view.reported?.state ?? "not reported"}`,
      "Start the agent and the realm, wait until they report, then start the wizard again",
    );
    return null;
  }
  const address = addresses[0];
  const dialled = address ? parseAddress(address) : null;
  if (!address || !dialled) {
    add(
      "error",
      realm,
      "membership",
      `${realm} has no inter-realm address in the member list`,
      "Check GET /api/v1/clusters/{name}: every member needs the address its peers dial",
    );
    return null;
  }
  if (dialled.protocol !== "nsps" && dialled.protocol !== "nhps") {
    add(
      "error",
      realm,
      "tlsPolicy",
      `Peers dial ${realm} in plaintext (${address}): there are no TLS credentials to rotate`,
      ENCRYPT_FIX,
    );
    return null;
  }
  const live = view.reported?.status?.interfaces ?? [];
  const iface = view.record.interfaces.find(
    (d) =>
      isSecure(d) &&
      d.allowInterRealm &&
      d.protocol === dialled.protocol &&
      (d.port === dialled.port || live.find((i) => i.name === d.alias)?.boundPort === dialled.port),
  );
  if (!iface?.certificates) {
    add(
      "error",
      realm,
      "membership",
      `${realm} has no ${dialled.protocol} interface with Allow for InterRealm on port ${dialled.port}, where its peers dial it`,
      "Check the realm's interfaces and the cluster's member list (GET /api/v1/clusters/{name})",
    );
    return null;
  }
  const aliases = credentialAliases(view.record.interfaces, iface.certificates.keystoreId);
  const down = aliases.filter((a) => live.find((i) => i.name === a)?.state !== "Running");
  if (down.length > 0) {
    add(
      "error",
      realm,
      "membership",
      `${realm}/${down.join(", ")} ${down.length === 1 ? "is" : "are"} not running: the new certificate could not be probed`,
      "Start the interface (or fix its error) and start the wizard again",
    );
  }
  return {
    host: dialled.host,
    address,
    rotatedAddress: respell(address),
    aliases,
    oldKeystoreId: iface.certificates.keystoreId,
    oldCertificateSha256:
      live.find((i) => i.name === iface.alias)?.certificate?.fingerprintSha256 ?? null,
    oldCaSha256: [],
    keystoreId: null,
    truststoreId: null,
    transitionTruststoreId: null,
  };
}

/**
 * Why the credentials a realm serves now count as default or demo ones ("" when they do not):
 * its inter-realm interface's keystore and truststore, judged as the health summary does.
 * Unreadable keystores are reported by oldCas.
 */
async function currentDemoReasons(
  keystores: KeystoresService,
  view: MemberView,
  plan: RotateRealmPlan,
  ownCas: ReadonlySet<string>,
): Promise<string> {
  const definitions = (view.record?.interfaces ?? []).filter((d) => plan.aliases.includes(d.alias));
  const iface = definitions.find((d) => d.allowInterRealm) ?? definitions[0];
  if (!iface?.certificates) return "";
  try {
    const judge = async (id: string) => {
      const { record, store, password } = await keystores.open(id, { withKeys: false });
      return keystoreFacts({
        id,
        name: record.name,
        password,
        entries: entriesOfStore(store.entries),
        ownCas,
      });
    };
    const reasons = defaultCredentialReasons(await judge(plan.oldKeystoreId), {
      role: "keystore",
      keyAlias: iface.certificates.keyAlias,
      bindAddress: iface.bindAddress,
    });
    const { truststoreId } = iface.certificates;
    if (truststoreId) {
      reasons.push(...defaultCredentialReasons(await judge(truststoreId), { role: "truststore" }));
    }
    return describeReasons([...new Set(reasons)]);
  } catch {
    return "";
  }
}

/** The CAs in use before the rotation: the issuers in the old keystore and the truststores. */
async function oldCas(
  keystores: KeystoresService,
  view: MemberView,
  plan: RotateRealmPlan,
  add: Add,
): Promise<string[]> {
  try {
    return (await oldCaPems(keystores, view.record?.interfaces ?? [], plan)).map(sha256Of);
  } catch (error) {
    add(
      "error",
      view.realm,
      "keystore",
      `The keystore ${view.realm} serves now cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      "Check the keystore on the Keystores page",
    );
    return [];
  }
}

/** PEMs of the CAs trusted or chained by the interfaces being rotated (no leaf, no key). */
export async function oldCaPems(
  keystores: KeystoresService,
  interfaces: { alias: string; certificates?: { truststoreId?: string | undefined } | undefined }[],
  plan: Pick<RotateRealmPlan, "aliases" | "oldKeystoreId">,
): Promise<string[]> {
  const pems = new Map<string, string>();
  const keep = (pem: string) => pems.set(sha256Of(pem), pem);
  const { store } = await keystores.open(plan.oldKeystoreId, { withKeys: false });
  for (const e of store.entries) {
    if (e.kind === "private-key") for (const c of e.chain.slice(1)) keep(c.pem);
    else keep(e.certificate.pem);
  }
  const truststores = new Set(
    interfaces
      .filter((d) => plan.aliases.includes(d.alias))
      .flatMap((d) => (d.certificates?.truststoreId ? [d.certificates.truststoreId] : [])),
  );
  for (const id of truststores) for (const pem of await trustedPems(keystores, id)) keep(pem);
  return [...pems.values()];
}

/** Every certificate a truststore holds (trusted entries, and the chains of key entries). */
export async function trustedPems(keystores: KeystoresService, id: string): Promise<string[]> {
  const { store } = await keystores.open(id, { withKeys: false });
  return store.entries.flatMap((e) =>
    e.kind === "trusted-certificate" ? [e.certificate.pem] : e.chain.map((c) => c.pem),
  );
}

/** An uploaded keystore/truststore pair: fit for the address peers dial, not the old CA again. */
async function checkUploaded(
  keystores: KeystoresService,
  realm: string,
  plan: RotateRealmPlan,
  add: Add,
): Promise<void> {
  const pair = await openUploadedPair(
    keystores,
    realm,
    { keystoreId: plan.keystoreId!, truststoreId: plan.truststoreId! },
    add,
  );
  if (!pair) return;
  const { keystore, truststore, key } = pair;
  // A localhost-only leaf is left to the coverage check below, which names the dialled host.
  const demo = [
    ...defaultCredentialReasons(
      keystoreFacts({
        id: plan.keystoreId!,
        name: keystore.record.name,
        password: keystore.password,
        entries: entriesOfStore(keystore.store.entries),
      }),
      { role: "keystore", keyAlias: key.alias, bindAddress: bareHost(plan.host) },
    ).filter((r) => r !== "localhostOnly"),
    ...defaultCredentialReasons(
      keystoreFacts({
        id: plan.truststoreId!,
        name: truststore.record.name,
        password: truststore.password,
        entries: entriesOfStore(truststore.store.entries),
      }),
      { role: "truststore" },
    ),
  ];
  // A sample-looking name may be the operator's own CA's ("Demo Corp"): worth a look, no more.
  const known = [...new Set(demo)].filter((r) => r !== "sampleSubject");
  const names = `${realm} (${keystore.record.name}, ${truststore.record.name})`;
  if (known.length > 0) {
    add(
      "error",
      realm,
      "defaultCredentials",
      `The new credentials for ${names} are default or demo ones themselves: ${describeReasons(known)}`,
      `Upload a keystore issued by your CA under a strong password, or use "issue" to have the wizard create them`,
    );
  } else if (demo.includes("sampleSubject")) {
    add(
      "warning",
      realm,
      "defaultCredentials",
      `The new credentials for ${names} look like a sample: ${describeReasons(["sampleSubject"])}`,
      "Acknowledge if that certificate is really yours; otherwise upload one issued by your CA",
    );
  }
  const leaf = key.chain[0];
  if (leaf && leaf.fingerprintSha256 === plan.oldCertificateSha256) {
    add(
      "error",
      realm,
      "keystore",
      `Keystore ${keystore.record.name} holds the certificate ${realm} serves now`,
      "Upload the new certificate (issued by the new CA) and pick that keystore",
    );
  }
  for (const finding of checkTlsEntry(key, {
    bindAddress: bareHost(plan.host),
    dialedAddresses: [bareHost(plan.host)],
    trustStore: truststore.store,
    // As for the encryption switch: links authenticate the dialler with its identity key.
    role: "server",
    warnDays: 30,
  })) {
    if (finding.severity === "info") continue;
    add(
      finding.severity,
      realm,
      CERTIFICATE_CHECK_OF[finding.id] ?? "keystore",
      `${keystore.record.name}: ${finding.message} (peers dial ${plan.host})`,
      finding.fix ?? "Use a certificate that fits",
    );
  }
  const old = new Set(plan.oldCaSha256);
  const stillTrusted = (await trustedPems(keystores, plan.truststoreId!)).filter((pem) =>
    old.has(sha256Of(pem)),
  );
  if (stillTrusted.length > 0) {
    add(
      "warning",
      realm,
      "chain",
      `Truststore ${truststore.record.name} still trusts ${stillTrusted.map((pem) => new X509Certificate(pem).subject.replace(/\n/g, ", ")).join("; ")}, the CA in use now: dropping the old CA will not remove it`,
      "Acknowledge to keep trusting it, or pick a truststore with only the new CA",
    );
  }
}
