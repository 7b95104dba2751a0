import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { AgentIdentity } from "./agent-identity.js";

/**
 * Serves the agent API over HTTPS with mutual TLS: the agent presents the certificate the
 * manager signed at enrolment, and the handshake fails for any caller without a certificate
 * from the manager's CA, before a single byte of HTTP is read.
 */
export async function startAgentServer(
  app: Express,
  identity: AgentIdentity,
  listen: { host: string; port: number },
): Promise<{ server: Server; port: number }> {
  const server = createServer(
    {
      cert: identity.certPem,
      key: identity.keyPem,
      ca: identity.caPem,
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: "TLSv1.2",
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
