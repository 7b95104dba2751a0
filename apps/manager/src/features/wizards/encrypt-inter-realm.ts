import { isIP } from "node:net";
import {
  type EncryptInterRealmOptions,
  EncryptInterRealmOptionsSchema,
  type InterfaceDefinition,
} from "@conclave/protocol";
import { HttpError } from "../../http/errors.js";
import { CasRepo } from "../../store/cas.repo.js";
import type { ClusterMemberRecord, ClusterRecord } from "../../store/clusters.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import type { SecretBox } from "../../store/secrets.js";
import type { WizardRecord } from "../../store/wizards.repo.js";
import { type ClusterOperations, linksPending, waitUntil } from "./cluster-operations.js";
import {
  bareHost,
  CLIENT_ALIAS,
  type EncryptSnapshot,
  INTER_REALM_ALIAS,
  parseAddress,
  type RealmPlan,
} from "./encrypt-plan.js";
import { encryptPreflight } from "./encrypt-preflight.js";
import { linkReportStep } from "./link-report-step.js";
import {
  describePeerHello,
  describePeerTls,
  handshakesFromPeers,
  probeHelloFromPeers,
} from "./peer-probes.js";
import { SYSTEM, WizardKeystores } from "./wizard-keystores.js";
import type { StepContext, WizardKindDefinition, WizardStepDefinition } from "./wizard-step.js";

export interface EncryptInterRealmDeps {
  ops: ClusterOperations;
  /** Without it keystores cannot be opened or issued: pre-flight reports an error. */
  secrets?: SecretBox | undefined;
  /** How long a cut-over waits for links to move (default 30 s). */
  linkTimeoutMs?: number;
}

const KEY_ALIAS = "inter-realm";
const ours = (alias: string) => alias === INTER_REALM_ALIAS || alias === CLIENT_ALIAS;

/**
 * "Switch inter-realm communication to TLS" (DESIGN.md "Wizards"): pre-flight, stage
 * (keystores and nsps interfaces), probe, one cut-over per realm (master last), lock down of
 * the plaintext interfaces, report. Every step reads what it needs from the store and the
 * agents' reports, so it can run again after a restart.
 */
export function encryptInterRealmKind(deps: EncryptInterRealmDeps): WizardKindDefinition {
  const { ops } = deps;
  const db = ops.fleet.db;
  const stores = new WizardKeystores(db, deps.secrets);
  const keystores = stores.keystoresOrUndefined;
  const linkTimeoutMs = deps.linkTimeoutMs ?? 30_000;

  const optionsOf = (wizard: WizardRecord) => EncryptInterRealmOptionsSchema.parse(wizard.options);
  const snapshotOf = (ctx: StepContext) => ctx.snapshot as unknown as EncryptSnapshot;
  const planOf = (ctx: StepContext): Record<string, RealmPlan> => {
    const plan = snapshotOf(ctx).plan;
    if (!plan) throw new Error("Pre-flight has not decided the plan yet; resume the wizard");
    return plan;
  };

  /**
   * Waits until every member is linked to every other and the links that end at `realm`
   * (those its peers dial) are — or are not — encrypted.
   */
  const waitLinks = async (
    ctx: StepContext,
    realm: string | null,
    encrypted: boolean,
    options: { afterRestart?: boolean } = {},
  ): Promise<string[]> => {
    const cluster = await ops.cluster(ctx.wizard.cluster);
    // A rollback often follows a member's crash: time the links once its agent has it back.
    if (options.afterRestart) {
      await ops.waitMembersRunning(cluster.name, {
        timeoutMs: Math.max(linkTimeoutMs, 120_000),
        signal: ctx.signal,
      });
    }
    const pairs = (cluster.members.length * (cluster.members.length - 1)) / 2;
    const target = realm ? `the links to ${realm}` : "every link";
    const since = Date.now();
    return waitUntil(
      `${target} to ${encrypted ? "use TLS" : "use plaintext again"}`,
      async () => {
        const { status, members } = await ops.look(cluster.name);
        if (!status.master) return { pending: "no master" };
        if (status.links.length < pairs) {
          return { pending: linksPending(members, status.links.length, pairs, since) };
        }
        const watched = status.links.filter((l) => (realm ? l.to === realm : true));
        const wrong = watched.filter((l) => l.encrypted !== encrypted);
        if (wrong.length > 0) {
          return { pending: wrong.map((l) => `${l.from} → ${l.to} ${l.protocol}`).join(", ") };
        }
        return watched.map(
          (l) =>
            `${l.from} → ${l.to}: ${l.protocol}${l.encrypted ? ` ${l.tlsVersion} ${l.cipher}` : " (plaintext)"}`,
        );
      },
      { timeoutMs: linkTimeoutMs, signal: ctx.signal },
    );
  };

  const pushAddresses = async (
    ctx: StepContext,
    addressesOf: (member: ClusterMemberRecord) => string[],
    what: string,
  ) => {
    const cluster = await ops.cluster(ctx.wizard.cluster);
    const members = cluster.members.map((m) => ({ ...m, addresses: addressesOf(m) }));
    const same = members.every(
      (m, i) => JSON.stringify(m.addresses) === JSON.stringify(cluster.members[i]!.addresses),
    );
    if (same) return;
    await ops.pushMembers(cluster, members);
    await ctx.evidence(
      `${what}: ${members.map((m) => `${m.realm} ${m.addresses.join(" ")}`).join("; ")}`,
    );
  };

  const previousAddresses = (ctx: StepContext, realm: string) =>
    snapshotOf(ctx).previous?.members.find((m) => m.realm === realm)?.addresses ?? null;

  const preflight: WizardStepDefinition = {
    name: "preflight",
    title: "Pre-flight checks",
    async run(ctx) {
      const options = optionsOf(ctx.wizard);
      const cluster = await ops.cluster(ctx.wizard.cluster);
      const { findings, plan } = await encryptPreflight(ops, keystores, cluster, options);
      snapshotOf(ctx).plan = plan;
      await ctx.saveSnapshot();
      for (const [realm, p] of Object.entries(plan)) {
        await ctx.evidence(
          `Peers dial ${p.host}; new inter-realm interface ${INTER_REALM_ALIAS} on ${p.bindAddress}:${p.interRealmPort}${p.clientPort ? `, client interface ${CLIENT_ALIAS} on ${p.bindAddress}:${p.clientPort}` : ""}`,
          realm,
        );
      }
      const errors = findings.filter((f) => f.severity === "error").length;
      await ctx.evidence(
        `${errors} ${errors === 1 ? "error" : "errors"}, ${findings.length - errors} ${findings.length - errors === 1 ? "warning" : "warnings"}`,
      );
      await ctx.setFindings(findings);
    },
    async rollback() {},
  };

  const stage: WizardStepDefinition = {
    name: "stage",
    title: "Stage keystores and nsps interfaces",
    async run(ctx) {
      const options = optionsOf(ctx.wizard);
      const snapshot = snapshotOf(ctx);
      const plan = planOf(ctx);
      const cluster = await ops.cluster(ctx.wizard.cluster);
      if (!snapshot.previous) {
        const realms: Record<string, InterfaceDefinition[]> = {};
        for (const m of cluster.members) {
          realms[m.realm] = (await new RealmsRepo(db).find(m.realm))?.interfaces ?? [];
        }
        snapshot.previous = {
          realms,
          members: cluster.members,
          trustTruststoreId: cluster.trustTruststoreId,
        };
        await ctx.saveSnapshot();
      }
      if (options.certificates === "issue") await issueCertificates(ctx, cluster, options);
      for (const m of cluster.members) {
        const p = plan[m.realm]!;
        const added = newInterfaces(p, options);
        const current = (await new RealmsRepo(db).find(m.realm))?.interfaces ?? [];
        await ops.applyInterfaces(
          m.realm,
          [...current.filter((d) => !ours(d.alias)), ...added],
          added.map((d) => d.alias),
        );
        for (const d of added) {
          await ctx.evidence(
            `${d.alias}: nsps://${d.bindAddress}:${d.port}, Allow for InterRealm ${d.allowInterRealm ? "on" : "off"}, Allow Client Connections ${d.allowClientConnections ? "on" : "off"}, client cert validation off, ${options.protocols.join("/")}${options.cipherSuites.length > 0 ? `, cipher suites ${options.cipherSuites.join(" ")}` : ""}`,
            m.realm,
          );
        }
      }
      await trustPeers(ctx, cluster, plan);
    },
    async rollback(ctx) {
      const previous = snapshotOf(ctx).previous;
      if (!previous) return;
      const cluster = await ops.cluster(ctx.wizard.cluster);
      const trust = previous.trustTruststoreId ?? null;
      if (cluster.trustTruststoreId !== trust) {
        await ops.setTrust(cluster, trust);
        await ctx.evidence(
          trust
            ? `Cluster trust store restored: ${await stores.describe(trust)}`
            : "Cluster trust store removed: peers' certificates are no longer checked, as before",
        );
      }
      for (const [realm, interfaces] of Object.entries(previous.realms)) {
        await ops.applyInterfaces(realm, interfaces);
        await ctx.evidence(
          `Interfaces restored (${interfaces.map((d) => d.alias).join(", ")})`,
          realm,
        );
      }
    },
  };

  /**
   * Makes the realms' truststores the cluster trust store, so every realm checks the
   * certificate a peer serves on a TLS link (chain and the address dialled) before linking.
   * Links are still plaintext here, so nothing is refused yet; each cut-over then proves it.
   */
  async function trustPeers(
    ctx: StepContext,
    cluster: ClusterRecord,
    plan: Record<string, RealmPlan>,
  ) {
    const ids = Object.values(plan).flatMap((p) => (p.truststoreId ? [p.truststoreId] : []));
    if (ids.length === 0) throw new Error("No truststore was decided; run pre-flight again");
    const trustId = await stores.unionTruststore(`${cluster.name} cluster trust store`, ids);
    if (cluster.trustTruststoreId !== trustId) await ops.setTrust(cluster, trustId);
    await ctx.evidence(
      `Cluster trust store: ${await stores.describe(trustId)}; every realm checks its peers' certificates on TLS links against it`,
    );
    const loaded = await ops.waitTrustLoaded(cluster.name, await stores.trustedSha256(trustId), {
      timeoutMs: linkTimeoutMs,
      signal: ctx.signal,
    });
    for (const line of loaded) await ctx.evidence(line);
  }

  /** A private CA, one truststore with it, and per realm a keystore whose SANs cover its host. */
  async function issueCertificates(
    ctx: StepContext,
    cluster: ClusterRecord,
    options: EncryptInterRealmOptions,
  ) {
    const { keystores, cas } = stores.services();
    const snapshot = snapshotOf(ctx);
    const plan = planOf(ctx);
    const caName = `${cluster.name} inter-realm CA`;
    if (!snapshot.caId) {
      const existing = options.caId
        ? { id: options.caId }
        : (await new CasRepo(db).list()).find((c) => c.name === caName);
      snapshot.caId =
        existing?.id ??
        (
          await cas.create(
            {
              name: caName,
              subject: { CN: caName, O: "Conclave" },
              keyType: "EC-P256",
            },
            SYSTEM,
          )
        ).id;
      await ctx.saveSnapshot();
      await ctx.evidence(
        `Certificate authority ${existing ? "reused" : "created"}: ${snapshot.caId}`,
      );
    }
    const caId = snapshot.caId;
    if (!snapshot.truststoreId) {
      snapshot.truststoreId = await stores.findOrCreate(`${cluster.name} inter-realm truststore`);
      await ctx.saveSnapshot();
    }
    const truststore = await keystores.get(snapshot.truststoreId);
    if (!truststore.entries.some((e) => e.kind === "trustedCertificate")) {
      const { pem } = await cas.certificatePem(caId, true);
      await keystores.importTrustedCertificate(
        snapshot.truststoreId,
        { certificate: pem, alias: "inter-realm-ca" },
        SYSTEM,
      );
    }
    for (const m of cluster.members) {
      const p = plan[m.realm]!;
      if (!p.keystoreId) {
        p.keystoreId = await stores.findOrCreate(`${cluster.name} ${m.realm} inter-realm`);
        p.truststoreId = snapshot.truststoreId;
        await ctx.saveSnapshot();
      }
      const host = bareHost(p.host);
      const san = isIP(host) ? `ip:${host}` : `dns:${host}`;
      let entry = (await keystores.get(p.keystoreId)).entries.find((e) => e.alias === KEY_ALIAS);
      if (!entry) {
        entry = (
          await keystores.generateKeyPair(
            p.keystoreId,
            {
              alias: KEY_ALIAS,
              keyType: "EC-P256",
              subject: { CN: m.realm, O: "Conclave" },
              sans: [san],
              extendedKeyUsage: ["serverAuth", "clientAuth"],
            },
            SYSTEM,
          )
        ).entry;
      }
      if (entry.status === "pendingCaReply") {
        const issued = await cas.issue(
          caId,
          { keystoreId: p.keystoreId, alias: KEY_ALIAS, validityDays: 397 },
          SYSTEM,
        );
        entry = issued.entry;
        await ctx.evidence(
          `Certificate issued for ${san} by ${caName}, SHA-256 ${issued.entry.sha256 ?? "?"}`,
          m.realm,
        );
      }
    }
  }

  const probe: WizardStepDefinition = {
    name: "probe",
    title: "Probe TLS on the new interfaces",
    async run(ctx) {
      const options = optionsOf(ctx.wizard);
      const plan = planOf(ctx);
      for (const [realm, p] of Object.entries(plan)) {
        const caPems = await trustedPems(p.truststoreId);
        const port = await boundPort(
          ctx.wizard.cluster,
          realm,
          INTER_REALM_ALIAS,
          p.interRealmPort,
        );
        const results = await handshakesFromPeers(
          ops,
          { cluster: ctx.wizard.cluster, target: realm, host: p.host, port, caPems },
          realm,
          ctx.signal,
        );
        for (const result of results) {
          if (!result.verified) {
            throw new Error(
              `${realm} serves a certificate its peers would not accept at ${p.host}: ${describePeerTls(result)}`,
            );
          }
          if (!(options.protocols as string[]).includes(result.protocol ?? "")) {
            throw new Error(
              `${realm} negotiated ${result.protocol}, outside ${options.protocols.join("/")} (${describePeerTls(result)})`,
            );
          }
          // Probes name TLSv1.2 ciphers the IANA way, the option the OpenSSL way; TLSv1.3 suites
          // are spelled alike, and the realm itself refuses any suite outside the list.
          if (
            options.cipherSuites.length > 0 &&
            result.protocol === "TLSv1.3" &&
            !options.cipherSuites.includes(result.cipher ?? "")
          ) {
            throw new Error(
              `${realm} negotiated ${result.cipher}, outside the chosen cipher suites ${options.cipherSuites.join(" ")} (${describePeerTls(result)})`,
            );
          }
          await ctx.evidence(
            `TLS handshake with ${p.host}:${port} ${describePeerTls(result)} against the truststore`,
            realm,
          );
        }
      }
    },
    async rollback() {},
  };

  const trustedPems = async (truststoreId: string | null): Promise<string[]> => {
    if (!truststoreId || !keystores) return [];
    const { store } = await keystores.open(truststoreId, { withKeys: false });
    return store.entries.flatMap((e) =>
      e.kind === "trusted-certificate" ? [e.certificate.pem] : e.chain.map((c) => c.pem),
    );
  };

  /** The port the interface listens on (its configured one unless that is 0). */
  const boundPort = async (cluster: string, realm: string, alias: string, port: number) => {
    if (port !== 0) return port;
    const { members } = await ops.look(cluster);
    const view = members.find((m) => m.realm === realm);
    return view?.reported?.status?.interfaces.find((i) => i.name === alias)?.boundPort ?? port;
  };

  const cutOver = (realm: string, master: boolean): WizardStepDefinition => ({
    name: `cut-over:${realm}`,
    title: `Cut over ${realm}${master ? " (master)" : ""}`,
    async run(ctx) {
      const p = planOf(ctx)[realm]!;
      // Realms move a link only when its address leaves the list, so the nsps address replaces
      // the plaintext ones rather than going first.
      await pushAddresses(
        ctx,
        (m) => (m.realm === realm ? [p.address] : m.addresses),
        `Member list with ${realm} at ${p.address} sent to every member`,
      );
      for (const line of await waitLinks(ctx, realm, true)) await ctx.evidence(line, realm);
    },
    async rollback(ctx) {
      const previous = previousAddresses(ctx, realm);
      if (!previous) return;
      await pushAddresses(
        ctx,
        (m) => (m.realm === realm ? previous : m.addresses),
        `Previous addresses of ${realm} sent to every member`,
      );
      for (const line of await waitLinks(ctx, realm, false, { afterRestart: true })) {
        await ctx.evidence(line, realm);
      }
    },
  });

  const lockDown: WizardStepDefinition = {
    name: "lock-down",
    title: "Lock down the plaintext inter-realm interfaces",
    async run(ctx) {
      const options = optionsOf(ctx.wizard);
      const snapshot = snapshotOf(ctx);
      const plan = planOf(ctx);
      await pushAddresses(
        ctx,
        (m) => [plan[m.realm]!.address],
        "Member list with only nsps addresses sent to every member",
      );
      await waitLinks(ctx, null, true);
      for (const [realm, p] of Object.entries(plan)) {
        const current = (await new RealmsRepo(db).find(realm))?.interfaces ?? [];
        const next = current.flatMap((d): InterfaceDefinition[] => {
          if (!p.oldInterfaces.includes(d.alias)) return [d];
          if (options.plaintext === "remove") return [];
          const locked = { ...d, allowInterRealm: false };
          if (options.plaintext === "loopback") {
            locked.bindAddress =
              isIP(d.bindAddress) === 6 || d.bindAddress === "::" ? "::1" : "127.0.0.1";
          }
          return [locked];
        });
        await ops.applyInterfaces(realm, next, p.oldInterfaces);
        await ctx.evidence(
          `${p.oldInterfaces.join(", ")}: ${options.plaintext === "remove" ? "removed" : `Allow for InterRealm off${options.plaintext === "loopback" ? ", bound to loopback" : ""}`}`,
          realm,
        );
      }
      const results: NonNullable<EncryptSnapshot["lockedDown"]> = [];
      for (const [realm, p] of Object.entries(plan)) {
        for (const alias of p.oldInterfaces) {
          const before = snapshot.previous?.realms[realm]?.find((d) => d.alias === alias);
          const dialled = (previousAddresses(ctx, realm) ?? []).map(parseAddress).find((a) => a);
          const port = before?.port || dialled?.port || 0;
          const outcomes = await waitUntil(
            `${realm}/${alias} to refuse a plaintext inter-realm hello from its peers' hosts`,
            async () => {
              const r = await probeHelloFromPeers(ops, {
                cluster: ctx.wizard.cluster,
                target: realm,
                host: p.host,
                port,
              });
              const open = r.find((x) => !x.refused);
              return open ? { pending: describePeerHello(open) } : r;
            },
            { timeoutMs: 10_000, signal: ctx.signal },
          );
          results.push({
            realm,
            alias,
            refused: true,
            detail: outcomes.map(describePeerHello).join("; "),
          });
          for (const outcome of outcomes) {
            await ctx.evidence(
              `Plaintext inter-realm hello to ${p.host}:${port} (${alias}) ${describePeerHello(outcome)}`,
              realm,
            );
          }
        }
      }
      snapshot.lockedDown = results;
      await ctx.saveSnapshot();
    },
    async rollback(ctx) {
      const snapshot = snapshotOf(ctx);
      const plan = planOf(ctx);
      for (const [realm, p] of Object.entries(plan)) {
        const previous = snapshot.previous?.realms[realm] ?? [];
        const current = (await new RealmsRepo(db).find(realm))?.interfaces ?? [];
        const restored = previous.filter((d) => p.oldInterfaces.includes(d.alias));
        const next = [...current.filter((d) => !p.oldInterfaces.includes(d.alias)), ...restored];
        await ops.applyInterfaces(realm, next, p.oldInterfaces);
        await ctx.evidence(`${p.oldInterfaces.join(", ")} restored`, realm);
      }
      await pushAddresses(
        ctx,
        (m) => [plan[m.realm]!.address],
        "Member list with only nsps addresses sent to every member",
      );
      await waitLinks(ctx, null, true, { afterRestart: true });
    },
  };

  const report = linkReportStep(ops, (ctx) =>
    (snapshotOf(ctx).lockedDown ?? []).map(({ realm, alias, refused }) => ({
      realm,
      alias,
      refused,
    })),
  );

  return {
    async prepare(clusterName, rawOptions) {
      const options = EncryptInterRealmOptionsSchema.parse(rawOptions ?? {});
      const cluster = await ops.cluster(clusterName);
      const realms = cluster.members.map((m) => m.realm);
      const strangers = [
        ...Object.keys(options.ports),
        ...(options.certificates === "issue" ? [] : Object.keys(options.certificates)),
      ].filter((r) => !realms.includes(r));
      if (strangers.length > 0) {
        throw new HttpError(
          422,
          "invalid_input",
          `${[...new Set(strangers)].join(", ")} ${strangers.length === 1 ? "is" : "are"} not a member of cluster ${clusterName} (members: ${realms.join(", ")})`,
        );
      }
      const { status } = await ops.look(clusterName);
      const master = status.master && realms.includes(status.master) ? status.master : null;
      const order = [...realms.filter((r) => r !== master).sort(), ...(master ? [master] : [])];
      const snapshot: EncryptSnapshot = { order, master };
      return {
        options: options as unknown as Record<string, unknown>,
        snapshot: snapshot as unknown as Record<string, unknown>,
        steps: steps(snapshot).map(({ name, title }) => ({ name, title })),
      };
    },
    steps: (wizard) => steps(wizard.snapshot as unknown as EncryptSnapshot),
  };

  function steps(snapshot: EncryptSnapshot): WizardStepDefinition[] {
    return [
      preflight,
      stage,
      probe,
      ...snapshot.order.map((realm) => cutOver(realm, realm === snapshot.master)),
      lockDown,
      report,
    ];
  }
}

/** The nsps interfaces the wizard adds to a realm. */
function newInterfaces(p: RealmPlan, options: EncryptInterRealmOptions): InterfaceDefinition[] {
  if (!p.keystoreId || !p.truststoreId) {
    throw new Error("No keystore was decided for this realm; run pre-flight again");
  }
  const certificates = {
    keystoreId: p.keystoreId,
    truststoreId: p.truststoreId,
    enableClientCertValidation: false,
    protocols: options.protocols,
    cipherSuites: options.cipherSuites,
  };
  const list: InterfaceDefinition[] = [
    {
      alias: INTER_REALM_ALIAS,
      protocol: "nsps",
      bindAddress: p.bindAddress,
      port: p.interRealmPort,
      autostart: true,
      allowInterRealm: true,
      allowClientConnections: false,
      certificates,
    },
  ];
  if (p.clientPort !== null) {
    list.push({
      alias: CLIENT_ALIAS,
      protocol: "nsps",
      bindAddress: p.bindAddress,
      port: p.clientPort,
      autostart: true,
      allowInterRealm: false,
      allowClientConnections: true,
      certificates,
    });
  }
  return list;
}
