import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "./realm-files.js";

/** What enrolment gave the agent: its id, its certificate and key, and the manager's CA. */
export interface AgentIdentity {
  agentId: string;
  /** The manager's agent gateway, e.g. https://manager.example:8443. */
  managerUrl: string;
  /** The agent's certificate chain (PEM), used as client and server certificate. */
  certPem: string;
  /** The agent's private key (PKCS#8 PEM); generated here, never sent anywhere. */
  keyPem: string;
  /** The manager's internal CA: the only issuer the agent trusts. */
  caPem: string;
}

const IdentityFileSchema = z.object({ agentId: z.string(), managerUrl: z.string() });

const dir = (stateDir: string) => join(stateDir, "identity");

/** Reads the identity from `<state>/identity/`; null before enrolment. */
export async function readIdentity(stateDir: string): Promise<AgentIdentity | null> {
  let meta: z.infer<typeof IdentityFileSchema>;
  try {
    meta = IdentityFileSchema.parse(
      JSON.parse(await readFile(join(dir(stateDir), "agent.json"), "utf8")),
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const [certPem, keyPem, caPem] = await Promise.all(
    ["agent.crt", "agent.key", "ca.crt"].map((f) => readFile(join(dir(stateDir), f), "utf8")),
  );
  return { ...meta, certPem: certPem!, keyPem: keyPem!, caPem: caPem! };
}

/** Writes the identity; every file 0600, agent.json last so a half-written identity is never read. */
export async function writeIdentity(stateDir: string, identity: AgentIdentity): Promise<void> {
  await writeFileAtomic(join(dir(stateDir), "agent.key"), identity.keyPem);
  await writeFileAtomic(join(dir(stateDir), "agent.crt"), identity.certPem);
  await writeFileAtomic(join(dir(stateDir), "ca.crt"), identity.caPem);
  await writeFileAtomic(
    join(dir(stateDir), "agent.json"),
    `${JSON.stringify({ agentId: identity.agentId, managerUrl: identity.managerUrl }, null, 2)}\n`,
  );
}
