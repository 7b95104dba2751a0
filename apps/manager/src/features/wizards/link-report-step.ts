import type { WizardLinkReport, WizardReport } from "@conclave/protocol";
import { type ClusterOperations, waitUntil } from "./cluster-operations.js";
import type { StepContext, WizardStepDefinition } from "./wizard-step.js";

/**
 * The last step of every wizard: waits until each pair of members reports its established
 * link, records each link (protocol, TLS version, cipher, the peer's certificate) as evidence,
 * and keeps the report with the wizard. `lockedDown` adds the wizard's own proofs.
 */
export function linkReportStep(
  ops: ClusterOperations,
  lockedDown: (ctx: StepContext) => WizardReport["lockedDown"] = () => [],
): WizardStepDefinition {
  return {
    name: "report",
    title: "Report",
    async run(ctx) {
      const cluster = await ops.cluster(ctx.wizard.cluster);
      const pairs = (cluster.members.length * (cluster.members.length - 1)) / 2;
      const links = await waitUntil(
        "every link to be reported",
        async () => {
          const { members } = await ops.look(cluster.name);
          const found: WizardLinkReport[] = [];
          for (const view of members) {
            for (const link of view.cluster?.links ?? []) {
              if (link.direction !== "outbound" || link.state !== "established" || !link.active) {
                continue;
              }
              found.push({
                from: view.realm,
                to: link.peer,
                protocol: link.protocol,
                tlsVersion: link.tlsVersion,
                cipher: link.cipher,
                peerCertificateSha256: link.peerCertificateFingerprintSha256,
                // A realm with a trust store links no peer whose certificate it refused.
                peerCertificateVerified: link.encrypted && Boolean(view.cluster?.trustStore),
              });
            }
          }
          return found.length >= pairs ? found : { pending: `${found.length} of ${pairs} links` };
        },
        { timeoutMs: 15_000, signal: ctx.signal },
      );
      links.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
      for (const l of links) {
        await ctx.evidence(
          `${l.from} → ${l.to}: ${l.protocol} ${l.tlsVersion ?? "plaintext"} ${l.cipher ?? ""} peer certificate ${l.peerCertificateSha256 ?? "none"}${l.peerCertificateVerified ? " (verified against the cluster trust store)" : l.tlsVersion ? " (not verified: no cluster trust store)" : ""}`,
          l.from,
        );
      }
      await ctx.setReport({
        generatedAt: new Date().toISOString(),
        links,
        lockedDown: lockedDown(ctx),
      });
    },
    // Reading and reporting changes nothing.
    async rollback() {},
  };
}
