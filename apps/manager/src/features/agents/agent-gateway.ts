import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { TLSSocket } from "node:tls";
import { readCsr } from "@conclave/pki";
import {
  AgentReportSchema,
  EnrolRequestSchema,
  type EnrolResponse,
  MANAGER_CLIENT_CN,
} from "@conclave/protocol";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { createErrorHandler } from "../../http/error-handler.js";
import { AuthError, ForbiddenError, HttpError, InputError } from "../../http/errors.js";
import { type AgentRecord, AgentsRepo } from "../../store/agents.repo.js";
import { AuditRepo } from "../../store/audit.repo.js";
import { EnrolmentTokensRepo } from "../../store/enrolment-tokens.repo.js";
import type { Fleet } from "./fleet.js";

/** Where the agent-facing routes live on the gateway. */
export const AGENT_GATEWAY_PREFIX = "/agent/v1";

/**
 * The agent-facing API: enrolment (one-time token) and reports (client certificate). It runs
 * on its own HTTPS port (see {@link startAgentGateway}) and is not part of /api/v1: browsers
 * and scripts never talk to it, and it never accepts a session or an API token.
 */
export function createAgentGatewayApp(fleet: Fleet): Express {
  const app = express();
  app.disable("x-powered-by");
  const json = express.json({ limit: "2mb" });

  const wrap =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) => {
      fn(req, res).catch(next);
    };

  app.get(
    `${AGENT_GATEWAY_PREFIX}/ca`,
    wrap(async (_req, res) => {
      res.json({ caPem: await fleet.pki.caPem() });
    }),
  );

  app.post(
    `${AGENT_GATEWAY_PREFIX}/enrol`,
    json,
    wrap(async (req, res) => {
      const parsed = EnrolRequestSchema.safeParse(req.body);
      if (!parsed.success) throw InputError.fromZod(parsed.error, "body");
      const input = parsed.data;
      let csr: ReturnType<typeof readCsr>;
      try {
        csr = readCsr(input.csrPem);
      } catch {
        throw new InputError("csrPem is not a valid PKCS#10 certificate signing request");
      }
      // An agent must never obtain a certificate that other agents take for the manager's.
      if (
        csr.subject.includes(`CN=${MANAGER_CLIENT_CN}`) ||
        !csr.subject.includes("CN=conclave-agent")
      ) {
        throw new InputError("The CSR's common name must start with conclave-agent");
      }
      const agentId = randomUUID();
      const result = await fleet.db.transaction(async (tx) => {
        const token = await new EnrolmentTokensRepo(tx).consume(input.token);
        if (!token) {
          throw new AuthError(
            "The enrolment token is unknown, expired or already used; create a new one in the manager",
          );
        }
        const signed = await fleet.pki.signAgent(input.csrPem, input.addresses);
        const agent = await new AgentsRepo(tx).create({
          id: agentId,
          hostname: input.hostname,
          addresses: input.addresses,
          version: input.version,
          certificatePem: signed.certificate.pem,
          certificateSerial: signed.certificate.serialNumber,
          certificateFingerprint: signed.certificate.fingerprintSha256,
          certificateNotAfter: new Date(signed.certificate.notAfter),
        });
        await new EnrolmentTokensRepo(tx).recordAgent(token.id, agent.id);
        await new AuditRepo(tx).record({
          actor: null,
          action: "agent.enrol",
          target: `agent:${agent.id}`,
          after: {
            hostname: agent.hostname,
            addresses: agent.addresses,
            enrolment: token.id,
            certificateSerial: agent.certificateSerial,
          },
          ip: req.socket.remoteAddress ?? null,
        });
        return { agent, chainPem: signed.chainPem };
      });
      fleet.logger.info("agent enrolled", {
        agent: result.agent.id,
        hostname: result.agent.hostname,
      });
      await fleet.bus.publish({
        type: "config.changed",
        resource: "agent",
        action: "enrol",
        name: result.agent.id,
      });
      const answer: EnrolResponse = {
        agentId: result.agent.id,
        certificatePem: result.chainPem,
        caPem: await fleet.pki.caPem(),
      };
      res.status(201).json(answer);
    }),
  );

  /** Only an enrolled, not removed agent with a certificate from our CA gets past this. */
  const requireAgent = (req: Request, res: Response, next: NextFunction) => {
    checkAgent(req).then((agent) => {
      res.locals.agent = agent;
      next();
    }, next);
  };
  const checkAgent = async (req: Request): Promise<AgentRecord> => {
    const socket = req.socket as TLSSocket;
    const cert =
      typeof socket.getPeerCertificate === "function" ? socket.getPeerCertificate() : null;
    if (!socket.authorized || !cert?.fingerprint256) {
      throw new AuthError("This endpoint needs the agent's client certificate from enrolment");
    }
    const agent = await new AgentsRepo(fleet.db).findByFingerprint(cert.fingerprint256);
    if (!agent) throw new ForbiddenError("This agent was removed from the manager; enrol it again");
    return agent;
  };

  app.post(
    `${AGENT_GATEWAY_PREFIX}/report`,
    requireAgent,
    json,
    wrap(async (req, res) => {
      const receivedAt = Date.now();
      const parsed = AgentReportSchema.safeParse(req.body);
      if (!parsed.success) throw InputError.fromZod(parsed.error, "body");
      await fleet.ingestReport(res.locals.agent as AgentRecord, parsed.data, receivedAt);
      res.json({ time: receivedAt });
    }),
  );

  app.use((req, _res, next) => {
    next(new HttpError(404, "not_found", `No agent gateway route ${req.method} ${req.path}`));
  });
  app.use(createErrorHandler(fleet.logger));
  return app;
}

/**
 * Serves the agent gateway over HTTPS with a certificate from the internal CA. Client
 * certificates are requested and verified against the CA; enrolment is the one route that
 * works without one (the token authenticates it), so the check is per route.
 */
export async function startAgentGateway(
  fleet: Fleet,
  options: { host: string; port: number; hosts?: string[] },
): Promise<Server> {
  const credential = await fleet.pki.gatewayCredential([options.host, ...(options.hosts ?? [])]);
  const server = createServer(
    {
      cert: credential.certPem,
      key: credential.keyPem,
      ca: await fleet.pki.caPem(),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: "TLSv1.2",
    },
    createAgentGatewayApp(fleet),
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}
