import type { CertificateExpiry, RealmSummary } from "@conclave/protocol";
import type { AgentRecord } from "../../store/agents.repo.js";
import type { Db } from "../../store/db.js";

/** Certificates expiring within this many days are `expiringSoon`. */
export const EXPIRING_SOON_DAYS = 30;

const DAY_MS = 86_400_000;

function expiry(
  source: CertificateExpiry["source"],
  where: string,
  subject: string,
  notAfter: Date,
  now: number,
): CertificateExpiry {
  const left = notAfter.getTime() - now;
  const daysLeft = Math.floor(left / DAY_MS);
  return {
    source,
    where,
    subject,
    notAfter: notAfter.toISOString(),
    daysLeft,
    status: left <= 0 ? "expired" : daysLeft < EXPIRING_SOON_DAYS ? "expiringSoon" : "valid",
  };
}

/**
 * Every certificate the operator must renew in time, soonest first: the leaf of each keystore
 * entry (public columns only; no key is opened) and what each running nsps/nhps interface
 * serves, from the agents' latest reports.
 */
export async function certificateExpiries(
  db: Db,
  realms: RealmSummary[],
  agents: Map<string, AgentRecord>,
  now: number = Date.now(),
): Promise<CertificateExpiry[]> {
  const rows = await db.query<{ keystore: string; alias: string; subject: string; notAfter: Date }>(
    `SELECT k.name AS keystore, e.alias, e.subject, e.not_after AS "notAfter"
       FROM keystore_entries e JOIN keystores k ON k.id = e.keystore_id
      WHERE e.not_after IS NOT NULL`,
  );
  const list = rows.map((r) =>
    expiry("keystore", `keystore ${r.keystore} / ${r.alias}`, r.subject, r.notAfter, now),
  );
  for (const realm of realms) {
    const reported = agents.get(realm.agent)?.lastReport?.realms.find((r) => r.name === realm.name);
    for (const iface of reported?.status?.interfaces ?? []) {
      if (!iface.certificate) continue;
      list.push(
        expiry(
          "interface",
          `realm ${realm.name} / ${iface.name}`,
          iface.certificate.subject,
          new Date(iface.certificate.notAfter),
          now,
        ),
      );
    }
  }
  return list.sort((a, b) => a.notAfter.localeCompare(b.notAfter));
}
