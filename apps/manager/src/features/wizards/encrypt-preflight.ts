import { isIP } from "node:net";
import tls from "node:tls";
import { checkTlsEntry } from "@conclave/pki";
import type {
  ClientSessionInfo,
  EncryptInterRealmOptions,
  WizardFinding,
} from "@conclave/protocol";
import { CasRepo } from "../../store/cas.repo.js";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import { AgentCallError } from "../agents/agent-client.js";
import type { Fleet } from "../agents/fleet.js";
import type { KeystoresService } from "../keystores/keystores.service.js";
import type { ClusterOperations, MemberView } from "./cluster-operations.js";
import {
  bareHost,
  CLIENT_ALIAS,
  INTER_REALM_ALIAS,
  parseAddress,
  type RealmPlan,
} from "./encrypt-plan.js";
import {
  type AddFinding as Add,
  CERTIFICATE_CHECK_OF,
  checkClock,
  checkClusterWhole,
  findingList,
  openUploadedPair,
} from "./preflight-common.js";

const PLAINTEXT = new Set(["nsp", "nhp"]);
const MINIMUM_TLS = ["TLSv1.2", "TLSv1.3"];
/** Client sessions a plaintextClients finding names; the rest are "+N more". */
const NAMED_SESSIONS = 10;

export interface EncryptPreflightResult {
  findings: WizardFinding[];
  plan: Record<string, RealmPlan>;
}

/**
 * The encryption wizard's pre-flight: reads the cluster's status and each member's last
 * report, decides ports and addresses, and checks every realm's certificate (when uploaded
 * ones are used) for the address its peers dial. Changes nothing.
 */
export async function encryptPreflight(
  ops: ClusterOperations,
  keystores: KeystoresService | undefined,
  cluster: ClusterRecord,
  options: EncryptInterRealmOptions,
): Promise<EncryptPreflightResult> {
  const { findings, add } = findingList();

  const { status, members } = await ops.look(cluster.name);

  // Cluster health: links move one realm at a time, so the cluster must be whole first.
  checkClusterWhole(cluster.name, status, members, add, "while links move");

  for (const severity of options.protocols) {
    if (!MINIMUM_TLS.includes(severity)) {
      add(
        "error",
        null,
        "tlsPolicy",
        `TLS protocol ${severity} is below the minimum TLSv1.2`,
        'Allow only "TLSv1.2" and "TLSv1.3"',
      );
    }
  }

  const suitesToCheck = checkCipherSuites(options, add);

  if (options.certificates === "issue") {
    if (!keystores) {
      add(
        "error",
        null,
        "keystore",
        "Keystores are not available on this manager (no master key)",
        "Start the manager with CONCLAVE_MASTER_KEY or its master.key",
      );
    } else if (options.caId && !(await new CasRepo(ops.fleet.db).findById(options.caId))) {
      add(
        "error",
        null,
        "keystore",
        `No certificate authority with id ${options.caId}`,
        "Pick a CA from GET /api/v1/pki/cas, or leave caId out to have one created",
      );
    }
  }

  const plan: Record<string, RealmPlan> = {};
  const takenByAgent = portsInUse(members);
  for (const member of cluster.members) {
    const view = members.find((m) => m.realm === member.realm)!;
    const planned = planRealm(view, member.addresses, options, takenByAgent, add);
    if (!planned) continue;
    const realmPlan = planned.plan;
    plan[member.realm] = realmPlan;
    await checkPortsFree(ops.fleet, view, realmPlan.bindAddress, planned.unprobed, add);
    checkClock(view, add);
    checkPlaintextClients(view, realmPlan, options, add);
    if (options.certificates !== "issue") {
      const chosen = options.certificates[member.realm];
      if (!chosen) {
        add(
          "error",
          member.realm,
          "keystore",
          `No keystore was given for ${member.realm}`,
          `Add {"${member.realm}": {"keystoreId": …, "truststoreId": …}} to certificates, or use "issue"`,
        );
        continue;
      }
      realmPlan.keystoreId = chosen.keystoreId;
      realmPlan.truststoreId = chosen.truststoreId;
      const keyType = await checkCertificate(keystores, member.realm, realmPlan, add);
      if (suitesToCheck && keyType) {
        checkUsableSuites(suitesToCheck, options, keyType, member.realm, add);
      }
    }
  }
  return { findings, plan };
}

/**
 * `tls.getCiphers()` lists, lower-cased, the TLSv1.2 ciphers of OpenSSL's default list and the
 * TLSv1.3 suites; OpenSSL's own names are upper case and it matches them case-sensitively.
 */
const KNOWN_CIPHER_SUITES = new Set(tls.getCiphers().map((name) => name.toUpperCase()));
/** TLSv1.3 suites carry their IANA names (TLS_AES_128_GCM_SHA256, …); OpenSSL has no others. */
const isTls13Suite = (name: string) => name.startsWith("TLS_");
/** The TLSv1.3 suites a realm offers when it dials a peer (Node's defaults: no CCM suites). */
const DIALLED_TLS13 = new Set(tls.DEFAULT_CIPHERS.split(":").filter(isTls13Suite));

/**
 * Why a link dialled by a realm (Node's default client suites) to a new interface serving a
 * `keyType` certificate ("EC", "RSA"; null when not known yet) cannot use `name`; null if it can.
 */
function unusableBecause(
  name: string,
  protocols: readonly string[],
  keyType: string | null,
): string | null {
  if (isTls13Suite(name)) {
    if (!protocols.includes("TLSv1.3")) return "is a TLSv1.3 suite and TLSv1.3 is not chosen";
    if (!DIALLED_TLS13.has(name))
      return "is not among the TLSv1.3 suites realms offer when dialling";
    return null;
  }
  if (!protocols.includes("TLSv1.2")) return "is a TLSv1.2 cipher and TLSv1.2 is not chosen";
  if (/PSK|SRP/.test(name)) return "needs a pre-shared key or SRP, which realms do not have";
  const needs = name.includes("ECDSA") ? "EC" : "RSA";
  const has = keyType === null ? null : keyType.startsWith("RSA") ? "RSA" : "EC";
  if (has !== null && has !== needs)
    return `needs an ${needs} key, and the certificate's is ${keyType}`;
  return null;
}

/**
 * Links to the new interfaces need at least one listed suite that the dialling realm offers and
 * the served key can sign for; otherwise every handshake fails once links move. `keyType` is
 * that of the certificates issued on the spot (EC) or of one realm's uploaded keystore.
 */
function checkUsableSuites(
  names: string[],
  options: EncryptInterRealmOptions,
  keyType: string | null,
  realm: string | null,
  add: Add,
): boolean {
  const reasons = names.map((name) => [name, unusableBecause(name, options.protocols, keyType)]);
  if (reasons.some(([, why]) => why === null)) return true;
  const wantsTls13 = options.protocols.includes("TLSv1.3");
  const tls12Example = keyType?.startsWith("RSA")
    ? "ECDHE-RSA-AES128-GCM-SHA256"
    : "ECDHE-ECDSA-AES128-GCM-SHA256";
  const other = wantsTls13 ? "TLSv1.2" : "TLSv1.3";
  add(
    "error",
    realm,
    "tlsPolicy",
    `Protocols ${options.protocols.join(", ")} with Cipher suites ${names.join(", ")} leave no usable suite${
      realm ? ` for ${realm}'s certificate` : ""
    }: every handshake with the new interfaces would fail (${reasons
      .map(([name, why]) => `${name} ${why}`)
      .join("; ")})`,
    `Add ${wantsTls13 ? "a TLSv1.3 suite such as TLS_AES_128_GCM_SHA256" : `a TLSv1.2 cipher such as ${tls12Example}`} to cipherSuites${
      options.protocols.includes(other) ? "" : `, or add "${other}" to protocols`
    }`,
  );
  return false;
}

/**
 * The new interfaces get exactly `cipherSuites` (the realm refuses a name its TLS library does
 * not know, and switches off a protocol none of whose suites is listed), so an unknown name or
 * a list leaving the links nothing would fail the stage or the cut-over. Returns the known
 * names, for the per-realm check against uploaded keys (null: nothing more to check).
 */
function checkCipherSuites(options: EncryptInterRealmOptions, add: Add): string[] | null {
  const names = [...new Set(options.cipherSuites.map((name) => name.trim()))];
  if (names.length === 0) return null;
  for (const name of names.filter((n) => !KNOWN_CIPHER_SUITES.has(n))) {
    const upper = name.toUpperCase();
    const hint =
      name !== upper && KNOWN_CIPHER_SUITES.has(upper)
        ? `Write it as OpenSSL spells it: ${upper}`
        : /^TLS_.+_WITH_/.test(upper)
          ? "That is an IANA name; give TLSv1.2 ciphers their OpenSSL names (such as ECDHE-ECDSA-AES128-GCM-SHA256)"
          : "Use OpenSSL names such as ECDHE-ECDSA-AES128-GCM-SHA256 or TLS_AES_128_GCM_SHA256 (`openssl ciphers -s` lists them)";
    add(
      "error",
      null,
      "tlsPolicy",
      `Cipher suite ${name} is not known to Node's TLS library (OpenSSL ${process.versions.openssl})`,
      `${hint}, or remove it from cipherSuites`,
    );
  }
  const known = names.filter((n) => KNOWN_CIPHER_SUITES.has(n));
  if (known.length === 0) return null;
  // Certificates issued on the spot have EC P-256 keys; uploaded ones are checked per realm.
  const issued = options.certificates === "issue";
  const usable = checkUsableSuites(known, options, issued ? "EC" : null, null, add);
  return usable && !issued ? known : null;
}

/** Ports each agent's host has in use: every realm's definitions and what they listen on. */
function portsInUse(members: MemberView[]): Map<string, Map<number, string>> {
  const byAgent = new Map<string, Map<number, string>>();
  for (const view of members) {
    const agent = view.agent;
    if (!agent || byAgent.has(agent.id)) continue;
    const used = new Map<number, string>();
    for (const reported of agent.lastReport?.realms ?? []) {
      for (const iface of reported.status?.interfaces ?? []) {
        if (iface.boundPort) used.set(iface.boundPort, `${reported.name}/${iface.name}`);
        if (iface.port) used.set(iface.port, `${reported.name}/${iface.name}`);
      }
    }
    byAgent.set(agent.id, used);
  }
  return byAgent;
}

function planRealm(
  view: MemberView,
  addresses: string[],
  options: EncryptInterRealmOptions,
  takenByAgent: Map<string, Map<number, string>>,
  add: Add,
): { plan: RealmPlan; unprobed: PlannedPort[] } | null {
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
  const dialled = addresses.map(parseAddress).find((a) => a !== null);
  const old = view.record.interfaces.filter((d) => d.allowInterRealm && PLAINTEXT.has(d.protocol));
  const first = old.find((d) => dialled && d.protocol === dialled.protocol) ?? old[0];
  if (!dialled || !first) {
    add(
      "error",
      realm,
      "membership",
      `${realm} has no plaintext inter-realm interface that its peers dial`,
      "The wizard moves links off an nsp/nhp interface with Allow for InterRealm on; check GET /api/v1/clusters/{name}",
    );
    return null;
  }
  const used = takenByAgent.get(view.agent.id) ?? new Map<number, string>();
  // The wizard's own interfaces (a run after a rollback) do not count against it.
  const ours = new Set(
    view.record.interfaces
      .filter((d) => d.alias === INTER_REALM_ALIAS || d.alias === CLIENT_ALIAS)
      .map((d) => d.port),
  );
  const isFree = (port: number) => !used.has(port) || ours.has(port);
  const pick = (from: number) => {
    let port = from;
    while (!isFree(port) && port < 65535) port++;
    used.set(port, `${realm}/planned`);
    return port;
  };
  const given = options.ports[realm];
  // New ports no interface on the host uses: only the host can tell whether a program holds them.
  const unprobed: PlannedPort[] = [];
  const portOf = (wanted: number | undefined, label: string) => {
    if (wanted === undefined) {
      const port = pick(dialled.port + 1);
      if (!ours.has(port)) unprobed.push({ port, label });
      return port;
    }
    if (isFree(wanted)) {
      if (!ours.has(wanted)) unprobed.push({ port: wanted, label });
    } else {
      add(
        "error",
        realm,
        "portInUse",
        `Port ${wanted} for the ${label} interface is already used by ${used.get(wanted)} on ${view.agent!.hostname}`,
        `Choose another port in ports.${realm}`,
      );
    }
    used.set(wanted, `${realm}/planned`);
    return wanted;
  };
  const interRealmPort = portOf(given?.interRealm, "inter-realm nsps");
  const clientPort = options.clientInterface ? portOf(given?.client, "client nsps") : null;
  return {
    plan: {
      host: dialled.host,
      bindAddress: first.bindAddress,
      interRealmPort,
      clientPort,
      address: `nsps://${dialled.host}:${interRealmPort}`,
      oldInterfaces: old.map((d) => d.alias),
      keystoreId: null,
      truststoreId: null,
    },
    unprobed,
  };
}

interface PlannedPort {
  port: number;
  label: string;
}

/**
 * Asks the realm's agent whether each new port can be listened on at the interface's bind
 * address, so a port another program holds blocks here rather than failing the stage step.
 */
async function checkPortsFree(
  fleet: Fleet,
  view: MemberView,
  bindAddress: string,
  ports: PlannedPort[],
  add: Add,
): Promise<void> {
  if (ports.length === 0) return;
  const realm = view.realm;
  const agent = view.agent!;
  let checked = 0;
  try {
    const client = await fleet.clientFor(agent);
    for (const { port, label } of ports) {
      const answer = await client.probe({ kind: "portFree", host: bindAddress, port });
      checked++;
      if (answer.free) continue;
      add(
        "error",
        realm,
        "portInUse",
        `Port ${port} for ${realm}'s ${label} interface cannot be listened on at ${bindAddress} on ${agent.hostname}: ${answer.error ?? "no reason given"}`,
        `Choose another port in ports.${realm}, or stop the program that holds port ${port}`,
      );
    }
  } catch (error) {
    const reason =
      error instanceof AgentCallError && error.status === 404
        ? "its agent is too old to probe ports (update it)"
        : error instanceof Error
          ? error.message
          : String(error);
    const unchecked = ports.slice(checked).map((p) => p.port);
    add(
      "warning",
      realm,
      "portInUse",
      `Could not check whether port${unchecked.length === 1 ? "" : "s"} ${unchecked.join(", ")} ${unchecked.length === 1 ? "is" : "are"} free on ${agent.hostname}: ${reason}`,
      "Make sure no other program listens there; otherwise the stage step fails with the realm's reason",
    );
  }
}

/** Clients on an interface the plan closes (plaintext "remove", or "loopback" off a wider bind). */
function checkPlaintextClients(
  view: MemberView,
  plan: RealmPlan,
  options: EncryptInterRealmOptions,
  add: Add,
): void {
  if (options.plaintext === "keep") return;
  for (const alias of plan.oldInterfaces) {
    const definition = view.record!.interfaces.find((d) => d.alias === alias)!;
    if (options.plaintext === "loopback" && /^(127\.|::1$)/.test(definition.bindAddress)) continue;
    const live = view.reported?.status?.interfaces.find((i) => i.name === alias);
    const total = live?.clientSessions ?? 0;
    if (total === 0) continue;
    // Older realms only count their sessions; newer ones list the oldest of them.
    const listed = live?.sessions;
    const unlisted = listed ? Math.max(0, total - listed.length) : total;
    const stays = options.plaintext === "loopback" ? staysOnLoopback(definition.bindAddress) : null;
    const dropped = (listed ?? []).filter((s) => !stays?.(s.remoteAddress));
    const count = dropped.length + unlisted;
    if (count === 0) continue;
    const named = dropped.slice(0, NAMED_SESSIONS).map(describeSession);
    const more = count - named.length;
    const who =
      named.length === 0 ? "" : `: ${named.join("; ")}${more > 0 ? `; +${more} more` : ""}`;
    add(
      "warning",
      view.realm,
      "plaintextClients",
      `${count} client session${count === 1 ? "" : "s"} on ${view.realm}/${alias} (${definition.protocol}://${definition.bindAddress}:${definition.port}) will be dropped when the lock down ${options.plaintext === "remove" ? "removes it" : "binds it to loopback"}${who}`,
      `Move those clients to ${view.realm}'s nsps client interface first, or choose plaintext "keep"`,
    );
  }
}

function describeSession(session: ClientSessionInfo): string {
  return `${session.clientName ?? "unnamed client"} from ${session.remoteAddress} since ${session.connectedAt}`;
}

/**
 * Whether a client at `remoteAddress` (`host:port`) can still reach an interface that the lock
 * down rebinds from `bindAddress` to loopback: the same rule as the lock down (IPv6 and `::`
 * binds go to ::1, the rest to 127.0.0.1), so an IPv4 client of a dual-stack bind is dropped.
 */
function staysOnLoopback(bindAddress: string): (remoteAddress: string) => boolean {
  const v6 = isIP(bindAddress) === 6 || bindAddress === "::";
  return (remoteAddress) => {
    const host = remoteAddress.slice(0, remoteAddress.lastIndexOf(":")).replace(/^\[|\]$/g, "");
    return v6 ? host === "::1" : /^127\./.test(host);
  };
}

/** Checks an uploaded keystore for the address peers dial; answers its key type (EC, RSA, …). */
async function checkCertificate(
  keystores: KeystoresService | undefined,
  realm: string,
  plan: RealmPlan,
  add: Add,
): Promise<string | null> {
  if (!keystores) {
    add(
      "error",
      realm,
      "keystore",
      "Keystores are not available on this manager (no master key)",
      "Start the manager with CONCLAVE_MASTER_KEY or its master.key",
    );
    return null;
  }
  const pair = await openUploadedPair(
    keystores,
    realm,
    { keystoreId: plan.keystoreId!, truststoreId: plan.truststoreId! },
    add,
  );
  if (!pair) return null;
  const { keystore, truststore, key } = pair;
  const findings = checkTlsEntry(key, {
    bindAddress: plan.bindAddress,
    dialedAddresses: [bareHost(plan.host)],
    trustStore: truststore.store,
    // Inter-realm links do not use client certificates (the identity handshake authenticates
    // the dialling realm), so the certificate needs serverAuth only.
    role: "server",
    warnDays: 30,
  });
  for (const finding of findings) {
    if (finding.severity === "info") continue;
    add(
      finding.severity,
      realm,
      CERTIFICATE_CHECK_OF[finding.id] ?? "keystore",
      `${keystore.record.name}: ${finding.message} (peers dial ${plan.host})`,
      finding.fix ?? "Use a certificate that fits",
    );
  }
  return key.chain[0]?.keyType ?? null;
}
