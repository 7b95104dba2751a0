import { isIP } from "node:net";
import { generateCsr } from "@conclave/pki";
import { type InterfaceDefinition, RotateCredentialsOptionsSchema } from "@conclave/protocol";
import { HttpError } from "../../http/errors.js";
import { CasRepo } from "../../store/cas.repo.js";
import type { ClusterRecord } from "../../store/clusters.repo.js";
import { RealmsRepo } from "../../store/realms.repo.js";
import type { SecretBox } from "../../store/secrets.js";
import type { WizardRecord } from "../../store/wizards.repo.js";
import { type ClusterOperations, linksPending, waitUntil } from "./cluster-operations.js";
import { bareHost } from "./encrypt-plan.js";
import { linkReportStep } from "./link-report-step.js";
import { describePeerTls, handshakesFromPeers } from "./peer-probes.js";
import { probeTls } from "./probes.js";
import { type RotateRealmPlan, type RotateSnapshot, withCredentials } from "./rotate-plan.js";
import { oldCaPems, rotatePreflight, sha256Of, trustedPems } from "./rotate-preflight.js";
import { probeClientCertificate } from "./rotate-probes.js";
import { SYSTEM, WizardKeystores } from "./wizard-keystores.js";
import type { StepContext, WizardKindDefinition, WizardStepDefinition } from "./wizard-step.js";

export interface RotateCredentialsDeps {
  ops: ClusterOperations;
  /** Without it keystores cannot be opened or issued: pre-flight reports an error. */
  secrets?: SecretBox | undefined;
  /** How long a step waits for links to re-handshake (default 30 s). */
  linkTimeoutMs?: number;
}

const KEY_ALIAS = "inter-realm";
const VALIDITY_DAYS = 397;

/**
 * "Rotate cluster credentials" (DESIGN.md "Wizards"): on a cluster whose links already use TLS,
 * trust the new CA everywhere, swap every realm's leaf certificate one realm at a time (master
 * last; a hot reload, then the links to it re-handshake), drop the old CA, report. Each stage
 * is probed with real handshakes; every step re-reads the store, so it can run again.
 */
export function rotateCredentialsKind(deps: RotateCredentialsDeps): WizardKindDefinition {
  const { ops } = deps;
  const db = ops.fleet.db;
  const stores = new WizardKeystores(db, deps.secrets);
  const keystores = stores.keystoresOrUndefined;
  const linkTimeoutMs = deps.linkTimeoutMs ?? 30_000;

  const optionsOf = (wizard: WizardRecord) => RotateCredentialsOptionsSchema.parse(wizard.options);
  const snapshotOf = (ctx: StepContext) => ctx.snapshot as unknown as RotateSnapshot;
  const planOf = (ctx: StepContext): Record<string, RotateRealmPlan> => {
    const plan = snapshotOf(ctx).plan;
    if (!plan) throw new Error("Pre-flight has not decided the plan yet; resume the wizard");
    return plan;
  };
  const services = () => stores.services();
  /** Names the wizard gives what it creates: one generation per wizard, found again by name. */
  const generation = (ctx: StepContext) => ctx.wizard.id.slice(0, 8);

  const findOrCreateKeystore = (name: string) => stores.findOrCreate(name);
  const trustAll = (truststoreId: string, pems: string[], prefix: string) =>
    stores.trustAll(truststoreId, pems, prefix);

  const interfacesOf = async (realm: string) =>
    (await new RealmsRepo(db).find(realm))?.interfaces ?? [];

  /**
   * Handshakes with every rotated interface of `realm` from each peer's host: answers per alias
   * and peer host the certificate it serves, checked against `caPems` (chain and the host peers
   * dial). Waits until every peer host completed a handshake.
   */
  const probeRealm = async (
    ctx: StepContext,
    realm: string,
    p: RotateRealmPlan,
    caPems: string[],
  ) => {
    const { members } = await ops.look(ctx.wizard.cluster);
    const live = members.find((m) => m.realm === realm)?.reported?.status?.interfaces ?? [];
    const definitions = await interfacesOf(realm);
    const results = [];
    for (const alias of p.aliases) {
      const d = definitions.find((x) => x.alias === alias);
      const port = d?.port || live.find((i) => i.name === alias)?.boundPort || 0;
      const fromPeers = await handshakesFromPeers(
        ops,
        { cluster: ctx.wizard.cluster, target: realm, host: p.host, port, caPems },
        `${realm}/${alias}`,
        ctx.signal,
      );
      for (const result of fromPeers) results.push({ alias, port, ...result });
    }
    return results;
  };

  /** The SHA-256 of the leaf in a keystore with exactly one key. */
  const leafSha256 = async (keystoreId: string) => {
    const entry = (await services().keystores.get(keystoreId)).entries.find(
      (e) => e.kind === "privateKey" && e.sha256,
    );
    if (!entry?.sha256) throw new Error(`Keystore ${keystoreId} has no certificate to serve`);
    return entry.sha256;
  };

  /**
   * Pushes the member list with `realm`'s first address spelled `first` (when it differs); the
   * others stay as they were before the wizard.
   */
  const pushAddress = async (ctx: StepContext, realm: string, first: string) => {
    const cluster = await ops.cluster(ctx.wizard.cluster);
    const before = snapshotOf(ctx).previous?.members.find((m) => m.realm === realm)?.addresses;
    const addresses = [first, ...(before ?? []).slice(1)];
    const member = cluster.members.find((m) => m.realm === realm);
    if (!member || JSON.stringify(member.addresses) === JSON.stringify(addresses)) return;
    await ops.pushMembers(
      cluster,
      cluster.members.map((m) => (m.realm === realm ? { ...m, addresses } : m)),
    );
    await ctx.evidence(
      `Member list with ${realm} at ${addresses.join(" ")} sent to every member`,
      realm,
    );
  };

  /**
   * Waits until every pair of members is linked over TLS and each link whose acceptor is
   * `realm` (the peer presenting its certificate) shows `certificateSha256` when given.
   */
  const waitLinks = async (
    ctx: StepContext,
    realm: string | null,
    certificateSha256: string | null,
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
    const since = Date.now();
    return waitUntil(
      realm && certificateSha256
        ? `the links to ${realm} to present certificate ${certificateSha256}`
        : "every link to be established over TLS",
      async () => {
        const { status, members } = await ops.look(cluster.name);
        if (!status.master) return { pending: "no master" };
        const links = members.flatMap((view) =>
          (view.cluster?.links ?? [])
            .filter((l) => l.direction === "outbound" && l.state === "established" && l.active)
            .map((l) => ({ from: view.realm, ...l })),
        );
        if (links.length < pairs) {
          return { pending: linksPending(members, links.length, pairs, since) };
        }
        const plaintext = links.filter((l) => !l.encrypted);
        if (plaintext.length > 0) {
          return { pending: plaintext.map((l) => `${l.from} → ${l.peer} plaintext`).join(", ") };
        }
        const watched = links.filter((l) => (realm ? l.peer === realm : true));
        const stale = certificateSha256
          ? watched.filter((l) => l.peerCertificateFingerprintSha256 !== certificateSha256)
          : [];
        if (stale.length > 0) {
          return {
            pending: stale
              .map((l) => `${l.from} → ${l.peer} still sees ${l.peerCertificateFingerprintSha256}`)
              .join(", "),
          };
        }
        if (realm && watched.length === 0) {
          return [
            `No peer dials ${realm} (it dials the others), so no link carries its certificate`,
          ];
        }
        return watched.map(
          (l) =>
            `${l.from} → ${l.peer}: ${l.protocol} ${l.tlsVersion} ${l.cipher}, peer certificate ${l.peerCertificateFingerprintSha256 ?? "?"}`,
        );
      },
      { timeoutMs: linkTimeoutMs, signal: ctx.signal },
    );
  };

  const preflight: WizardStepDefinition = {
    name: "preflight",
    title: "Pre-flight checks",
    async run(ctx) {
      const options = optionsOf(ctx.wizard);
      const cluster = await ops.cluster(ctx.wizard.cluster);
      const { findings, plan, served } = await rotatePreflight(ops, keystores, cluster, options);
      snapshotOf(ctx).plan = plan;
      await ctx.saveSnapshot();
      for (const [realm, p] of Object.entries(plan)) {
        await ctx.evidence(
          `Peers dial ${p.address}; rotating ${p.aliases.join(", ")}${served[realm] ? `; ${served[realm]}` : ""}`,
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

  /** With "issue": the new CA and the truststore holding only it, shared by every realm. */
  async function issueTrust(ctx: StepContext, cluster: ClusterRecord) {
    const { cas } = services();
    const options = optionsOf(ctx.wizard);
    const snapshot = snapshotOf(ctx);
    const caName = `${cluster.name} inter-realm CA ${generation(ctx)}`;
    if (!snapshot.caId) {
      const existing = options.caId
        ? { id: options.caId }
        : (await new CasRepo(db).list()).find((c) => c.name === caName);
      snapshot.caId =
        existing?.id ??
        (
          await cas.create(
            { name: caName, subject: { CN: caName, O: "Conclave" }, keyType: "EC-P256" },
            SYSTEM,
          )
        ).id;
      await ctx.saveSnapshot();
      await ctx.evidence(
        `New certificate authority ${existing ? "chosen" : "created"}: ${(await cas.get(snapshot.caId)).subject} (${snapshot.caId})`,
      );
    }
    const truststoreId = await findOrCreateKeystore(
      `${cluster.name} inter-realm truststore ${generation(ctx)}`,
    );
    await trustAll(truststoreId, [(await cas.certificatePem(snapshot.caId, true)).pem], "ca");
    for (const p of Object.values(planOf(ctx))) p.truststoreId = truststoreId;
    await ctx.saveSnapshot();
  }

  const trustNewCa: WizardStepDefinition = {
    name: "trust-new-ca",
    title: "Trust the new CA on every realm",
    async run(ctx) {
      const { keystores } = services();
      const options = optionsOf(ctx.wizard);
      const snapshot = snapshotOf(ctx);
      const plan = planOf(ctx);
      const cluster = await ops.cluster(ctx.wizard.cluster);
      if (!snapshot.previous) {
        const realms: Record<string, InterfaceDefinition[]> = {};
        for (const m of cluster.members) realms[m.realm] = await interfacesOf(m.realm);
        snapshot.previous = {
          realms,
          members: cluster.members,
          trustTruststoreId: cluster.trustTruststoreId,
        };
        await ctx.saveSnapshot();
      }
      if (options.certificates === "issue") await issueTrust(ctx, cluster);
      for (const [realm, p] of Object.entries(plan)) {
        const previous = snapshot.previous.realms[realm] ?? [];
        const newCas = await trustedPems(keystores, p.truststoreId!);
        if (!p.transitionTruststoreId) {
          p.transitionTruststoreId = await findOrCreateKeystore(
            `${cluster.name} ${realm} rotation ${generation(ctx)} truststore (old and new CA)`,
          );
          await ctx.saveSnapshot();
        }
        const old = await oldCaPems(keystores, previous, p);
        await trustAll(p.transitionTruststoreId, [...old, ...newCas], "ca");
        const current = await interfacesOf(realm);
        await ops.applyInterfaces(
          realm,
          withCredentials(current, p.aliases, { truststoreId: p.transitionTruststoreId }),
          p.aliases,
        );
        await ctx.evidence(
          `${p.aliases.join(", ")} trust ${old.length} old and ${newCas.length} new CA certificate${newCas.length === 1 ? "" : "s"} (hot reload)`,
          realm,
        );
        // The leaf is unchanged here; a demo or self-signed one may not verify, and that is
        // what the rotation moves off, so the probe only shows the handshake still works.
        for (const r of await probeRealm(ctx, realm, p, [...old, ...newCas])) {
          await ctx.evidence(
            `TLS handshake with ${p.host}:${r.port} (${r.alias}) ${describePeerTls(r)}: still serving the old certificate${r.verified ? "" : " (the old CAs do not verify it: moving off it is the point)"}`,
            realm,
          );
        }
      }
      await trustBothCas(ctx);
      for (const line of await waitLinks(ctx, null, null)) await ctx.evidence(line);
    },
    async rollback(ctx) {
      const previous = snapshotOf(ctx).previous;
      if (!previous) return;
      await restoreClusterTrust(ctx, previous.trustTruststoreId ?? null);
      for (const [realm, interfaces] of Object.entries(previous.realms)) {
        await ops.applyInterfaces(realm, interfaces);
        await ctx.evidence(
          `Interfaces restored (${interfaces.map((d) => d.alias).join(", ")})`,
          realm,
        );
      }
      await waitLinks(ctx, null, null, { afterRestart: true });
    },
  };

  /** Sets the cluster trust store (when it differs) and waits until every member loaded it. */
  async function setClusterTrust(ctx: StepContext, truststoreId: string | null) {
    const cluster = await ops.cluster(ctx.wizard.cluster);
    if (cluster.trustTruststoreId !== truststoreId) await ops.setTrust(cluster, truststoreId);
    const loaded = await ops.waitTrustLoaded(
      cluster.name,
      truststoreId ? await stores.trustedSha256(truststoreId) : null,
      { timeoutMs: linkTimeoutMs, signal: ctx.signal },
    );
    for (const line of loaded) await ctx.evidence(line);
  }

  /**
   * While leaves are swapped, peers must accept both: the cluster trust store becomes the old
   * one plus the new CAs. A cluster without one keeps checking nothing until the old CA is
   * dropped (its old leaves may not verify at all: moving off them is the point).
   */
  async function trustBothCas(ctx: StepContext) {
    const snapshot = snapshotOf(ctx);
    const previousTrust = snapshot.previous?.trustTruststoreId ?? null;
    if (!previousTrust) {
      await ctx.evidence(
        "The cluster has no trust store yet: links stay encrypted without certificate checks until the old CA is dropped, when the new CA becomes the cluster trust store",
      );
      return;
    }
    if (!snapshot.clusterTransitionTruststoreId) {
      snapshot.clusterTransitionTruststoreId = await stores.findOrCreate(
        `${ctx.wizard.cluster} cluster trust store ${generation(ctx)} (old and new CA)`,
      );
      await ctx.saveSnapshot();
    }
    const transition = snapshot.clusterTransitionTruststoreId;
    const sources = [previousTrust, ...newTruststores(ctx)];
    for (const id of sources)
      await trustAll(transition, await stores.trustedCertificates(id), "ca");
    await setClusterTrust(ctx, transition);
    await ctx.evidence(
      `Cluster trust store: ${await stores.describe(transition)}; peers accept old and new certificates on links`,
    );
  }

  async function restoreClusterTrust(ctx: StepContext, truststoreId: string | null) {
    const cluster = await ops.cluster(ctx.wizard.cluster);
    if (cluster.trustTruststoreId === truststoreId) return;
    await setClusterTrust(ctx, truststoreId);
    await ctx.evidence(
      truststoreId
        ? `Cluster trust store back to ${await stores.describe(truststoreId)}`
        : "Cluster trust store removed, as before the rotation",
    );
  }

  const newTruststores = (ctx: StepContext) => {
    const ids = Object.values(planOf(ctx)).flatMap((p) => (p.truststoreId ? [p.truststoreId] : []));
    if (ids.length === 0) throw new Error("No new truststore was decided");
    return [...new Set(ids)];
  };

  /** With "issue": the realm's new keystore, its key's certificate issued by the new CA. */
  async function issueLeaf(ctx: StepContext, realm: string, p: RotateRealmPlan) {
    const { keystores, cas } = services();
    const caId = snapshotOf(ctx).caId;
    if (!caId) throw new Error("The new CA was not created; run trust-new-ca again");
    if (!p.keystoreId) {
      p.keystoreId = await findOrCreateKeystore(
        `${ctx.wizard.cluster} ${realm} inter-realm ${generation(ctx)}`,
      );
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
            subject: { CN: realm, O: "Conclave" },
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
        { keystoreId: p.keystoreId, alias: KEY_ALIAS, validityDays: VALIDITY_DAYS },
        SYSTEM,
      );
      await ctx.evidence(
        `Certificate issued for ${san} by the new CA, SHA-256 ${issued.entry.sha256 ?? "?"}`,
        realm,
      );
    }
  }

  const swapLeaf = (realm: string, master: boolean): WizardStepDefinition => ({
    name: `swap-leaf:${realm}`,
    title: `Swap the certificate of ${realm}${master ? " (master)" : ""}`,
    async run(ctx) {
      const { keystores } = services();
      const p = planOf(ctx)[realm]!;
      if (optionsOf(ctx.wizard).certificates === "issue") await issueLeaf(ctx, realm, p);
      if (!p.keystoreId || !p.truststoreId || !p.transitionTruststoreId) {
        throw new Error("The new credentials were not decided; roll back and start again");
      }
      const sha = await leafSha256(p.keystoreId);
      await ops.applyInterfaces(
        realm,
        withCredentials(await interfacesOf(realm), p.aliases, {
          keystoreId: p.keystoreId,
          truststoreId: p.transitionTruststoreId,
        }),
        p.aliases,
      );
      await ctx.evidence(`${p.aliases.join(", ")} now serve ${sha} (hot reload)`, realm);
      const newCas = await trustedPems(keystores, p.truststoreId);
      for (const r of await probeRealm(ctx, realm, p, newCas)) {
        if (r.certificateSha256 !== sha) {
          throw new Error(
            `${realm}/${r.alias} still serves ${r.certificateSha256}, not ${sha} (${describePeerTls(r)})`,
          );
        }
        if (!r.verified) {
          throw new Error(
            `${realm}/${r.alias} serves a certificate the new CA does not verify at ${p.host}: ${describePeerTls(r)}`,
          );
        }
        await ctx.evidence(
          `New TLS handshake with ${p.host}:${r.port} (${r.alias}) ${describePeerTls(r)} with the new CA`,
          realm,
        );
      }
      // Established links keep the session they have; a move to the other spelling of the
      // address makes the dialling peers open fresh ones, which see the new certificate.
      await pushAddress(ctx, realm, p.rotatedAddress);
      for (const line of await waitLinks(ctx, realm, sha)) await ctx.evidence(line, realm);
    },
    async rollback(ctx) {
      const snapshot = snapshotOf(ctx);
      const p = planOf(ctx)[realm]!;
      const previous = snapshot.previous?.realms[realm];
      if (!previous || !p.transitionTruststoreId) return;
      const transition = p.transitionTruststoreId;
      const restored = (await interfacesOf(realm)).map((d) => {
        const before = previous.find((b) => b.alias === d.alias)?.certificates;
        return p.aliases.includes(d.alias) && before
          ? { ...d, certificates: { ...before, truststoreId: transition } }
          : d;
      });
      await ops.applyInterfaces(realm, restored, p.aliases);
      await ctx.evidence(`${p.aliases.join(", ")} serve the previous certificate again`, realm);
      // Links keep the TLS session they have. When the step failed before it moved the address,
      // a link opened in between may hold the new certificate: move it once to re-handshake.
      const cluster = await ops.cluster(ctx.wizard.cluster);
      const current = cluster.members.find((m) => m.realm === realm)?.addresses[0];
      if (current === p.address) {
        await pushAddress(ctx, realm, p.rotatedAddress);
        await waitLinks(ctx, realm, p.oldCertificateSha256, { afterRestart: true });
      }
      await pushAddress(ctx, realm, p.address);
      const lines = await waitLinks(ctx, realm, p.oldCertificateSha256, { afterRestart: true });
      for (const line of lines) await ctx.evidence(line, realm);
    },
  });

  /** A throwaway client certificate (1 day) from the manager's CA with one of `sha256s`. */
  const clientCertificate = async (sha256s: Set<string>) => {
    const ca = (await new CasRepo(db).list()).find((c) => sha256s.has(c.sha256));
    if (!ca) return null;
    const { csrPem, privateKeyPem } = await generateCsr({
      key: { type: "ec", curve: "P-256" },
      subject: { commonName: "conclave-rotation-probe" },
      extendedKeyUsage: ["clientAuth"],
    });
    const signed = await services().cas.sign(
      ca.id,
      { csr: csrPem, validityDays: 1, extendedKeyUsage: ["clientAuth"] },
      SYSTEM,
    );
    return { ca: ca.name, key: privateKeyPem, cert: signed.chainPem };
  };

  /**
   * Where a realm validates client certificates: one from the old CA is refused now, one from
   * the new CA is taken. Only CAs whose keys the manager holds can sign a probe certificate.
   */
  async function proveClientTrust(
    ctx: StepContext,
    realm: string,
    p: RotateRealmPlan,
    validating: { alias: string; port: number }[],
    newCaSha: Set<string>,
  ) {
    const oldCert = await clientCertificate(
      new Set(p.oldCaSha256.filter((sha) => !newCaSha.has(sha))),
    );
    const newCert = await clientCertificate(newCaSha);
    for (const d of validating) {
      if (oldCert) {
        const r = await probeClientCertificate(p.host, d.port, oldCert);
        if (r.accepted) {
          throw new Error(
            `${realm}/${d.alias} still accepts a client certificate from ${oldCert.ca}: ${r.detail}`,
          );
        }
        await ctx.evidence(
          `${d.alias}: a client certificate from the old CA ${oldCert.ca} is refused (${r.detail})`,
          realm,
        );
      } else {
        await ctx.evidence(
          `${d.alias} validates client certificates against the new CA only; the old CA's key is not held by this manager, so no old-CA certificate was presented`,
          realm,
        );
      }
      if (newCert) {
        const r = await probeClientCertificate(p.host, d.port, newCert);
        if (!r.accepted) {
          throw new Error(
            `${realm}/${d.alias} refuses a client certificate from the new CA ${newCert.ca}: ${r.detail}`,
          );
        }
        await ctx.evidence(
          `${d.alias}: a client certificate from the new CA ${newCert.ca} is accepted (${r.detail})`,
          realm,
        );
      }
    }
  }

  const dropOldCa: WizardStepDefinition = {
    name: "drop-old-ca",
    title: "Drop the old CA",
    async run(ctx) {
      const { keystores } = services();
      const snapshot = snapshotOf(ctx);
      for (const [realm, p] of Object.entries(planOf(ctx))) {
        if (!p.truststoreId || !p.keystoreId) throw new Error("No new truststore was decided");
        await ops.applyInterfaces(
          realm,
          withCredentials(await interfacesOf(realm), p.aliases, { truststoreId: p.truststoreId }),
          p.aliases,
        );
        await ctx.evidence(`${p.aliases.join(", ")} trust only the new CA (hot reload)`, realm);
        const sha = await leafSha256(p.keystoreId);
        const newCas = await trustedPems(keystores, p.truststoreId);
        const newCaSha = new Set(newCas.map(sha256Of));
        const old = (await oldCaPems(keystores, snapshot.previous?.realms[realm] ?? [], p)).filter(
          (pem) => !newCaSha.has(sha256Of(pem)),
        );
        const probes = await probeRealm(ctx, realm, p, newCas);
        for (const r of probes) {
          if (!r.verified || r.certificateSha256 !== sha) {
            throw new Error(
              `${realm}/${r.alias} serves ${r.certificateSha256} (${describePeerTls(r)}), expected ${sha} verified with the new CA`,
            );
          }
          // What a peer still holding only the old CA would see: the served chain is refused.
          const withOld =
            old.length > 0
              ? await probeTls(p.host, r.port, { caPems: old, timeoutMs: 5_000 })
              : null;
          // A new CA issued under the old root still verifies there: worth saying, not failing
          // after every leaf has moved.
          const oldVerdict = !withOld
            ? ""
            : withOld.verified
              ? "; still verified by the old CA (the new CA chains to it)"
              : `; refused by the old CA (${withOld.verifyError})`;
          await ctx.evidence(
            `TLS handshake with ${p.host}:${r.port} (${r.alias}) ${describePeerTls(r)} with the new CA${oldVerdict}`,
            realm,
          );
        }
        // Realms check certificates against this truststore only on interfaces that validate
        // client certificates; links authenticate peers with their identity keys (ADR 0003).
        const validating = (await interfacesOf(realm)).filter(
          (d) => p.aliases.includes(d.alias) && d.certificates?.enableClientCertValidation,
        );
        if (validating.length === 0) {
          await ctx.evidence(
            "No rotated interface validates client certificates, so no realm is left checking certificates against the old CA",
            realm,
          );
          continue;
        }
        const ports = validating.map((d) => ({
          alias: d.alias,
          port: probes.find((r) => r.alias === d.alias)?.port ?? d.port,
        }));
        await proveClientTrust(ctx, realm, p, ports, newCaSha);
      }
      // Every leaf now verifies with the new CA (probed above), so links can be held to it.
      const trust = await stores.unionTruststore(
        `${ctx.wizard.cluster} cluster trust store ${generation(ctx)}`,
        newTruststores(ctx),
      );
      await setClusterTrust(ctx, trust);
      await ctx.evidence(
        `Cluster trust store: ${await stores.describe(trust)}; peers accept only certificates from the new CA on links`,
      );
      for (const line of await waitLinks(ctx, null, null)) await ctx.evidence(line);
    },
    async rollback(ctx) {
      const snapshot = snapshotOf(ctx);
      await restoreClusterTrust(
        ctx,
        snapshot.clusterTransitionTruststoreId ?? snapshot.previous?.trustTruststoreId ?? null,
      );
      for (const [realm, p] of Object.entries(planOf(ctx))) {
        if (!p.transitionTruststoreId) continue;
        await ops.applyInterfaces(
          realm,
          withCredentials(await interfacesOf(realm), p.aliases, {
            truststoreId: p.transitionTruststoreId,
          }),
          p.aliases,
        );
        await ctx.evidence(`${p.aliases.join(", ")} trust the old and the new CA again`, realm);
      }
    },
  };

  const report = linkReportStep(ops);

  function steps(snapshot: RotateSnapshot): WizardStepDefinition[] {
    return [
      preflight,
      trustNewCa,
      ...snapshot.order.map((realm) => swapLeaf(realm, realm === snapshot.master)),
      dropOldCa,
      report,
    ];
  }

  return {
    async prepare(clusterName, rawOptions) {
      const options = RotateCredentialsOptionsSchema.parse(rawOptions ?? {});
      const cluster = await ops.cluster(clusterName);
      const realms = cluster.members.map((m) => m.realm);
      const strangers =
        options.certificates === "issue"
          ? []
          : Object.keys(options.certificates).filter((r) => !realms.includes(r));
      if (strangers.length > 0) {
        throw new HttpError(
          422,
          "invalid_input",
          `${strangers.join(", ")} ${strangers.length === 1 ? "is" : "are"} not a member of cluster ${clusterName} (members: ${realms.join(", ")})`,
        );
      }
      const { status } = await ops.look(clusterName);
      const master = status.master && realms.includes(status.master) ? status.master : null;
      const order = [...realms.filter((r) => r !== master).sort(), ...(master ? [master] : [])];
      const snapshot: RotateSnapshot = { order, master };
      return {
        options: options as unknown as Record<string, unknown>,
        snapshot: snapshot as unknown as Record<string, unknown>,
        steps: steps(snapshot).map(({ name, title }) => ({ name, title })),
      };
    },
    steps: (wizard) => steps(wizard.snapshot as unknown as RotateSnapshot),
  };
}
