import { request } from "node:https";
import {
  type AgentClusterChange,
  type AgentClusterRequest,
  AgentErrorSchema,
  type AgentRealmIdentity,
  type AgentRealmStatusSchema,
  type ApplyRealmRequest,
  type ApplyRealmResponse,
  type InterfaceDetail,
  type InterRealmHelloProbeResult,
  type PortFreeProbeResult,
  type ProbeRequest,
  type ReportedRealm,
  type TlsProbeResult,
} from "@conclave/protocol";
import type { z } from "zod";
import type { TlsCredential } from "./internal-pki.js";

/** What POST /v1/probe answers, by the probe's kind. */
interface ProbeAnswers {
  tls: TlsProbeResult;
  interRealmHello: InterRealmHelloProbeResult;
  portFree: PortFreeProbeResult;
}

/** The agent answered with an error, or could not be reached (`status` 0). */
export class AgentCallError extends Error {
  override name = "AgentCallError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Calls one agent's API over HTTPS with mutual TLS: the manager presents its client
 * certificate and accepts only a server certificate from its own CA.
 */
export class AgentClient {
  constructor(
    private readonly url: string,
    private readonly tls: { client: TlsCredential; caPem: string },
    private readonly timeoutMs = 15_000,
  ) {}

  info(): Promise<unknown> {
    return this.call("GET", "/v1/info");
  }

  realms(): Promise<ReportedRealm[]> {
    return this.call("GET", "/v1/realms");
  }

  applyRealm(name: string, body: ApplyRealmRequest): Promise<ApplyRealmResponse> {
    return this.call("PUT", `/v1/realms/${encodeURIComponent(name)}`, body);
  }

  deleteRealm(name: string): Promise<void> {
    return this.call("DELETE", `/v1/realms/${encodeURIComponent(name)}`);
  }

  restartRealm(name: string): Promise<void> {
    return this.call("POST", `/v1/realms/${encodeURIComponent(name)}/restart`);
  }

  realmStatus(name: string): Promise<z.infer<typeof AgentRealmStatusSchema>> {
    return this.call("GET", `/v1/realms/${encodeURIComponent(name)}/status`);
  }

  realmLogs(name: string, lines: number): Promise<{ lines: string[] }> {
    return this.call("GET", `/v1/realms/${encodeURIComponent(name)}/logs?lines=${lines}`);
  }

  /** The realm's identity public key (cluster formation distributes it). */
  realmIdentity(name: string): Promise<AgentRealmIdentity> {
    return this.call("GET", `/v1/realms/${encodeURIComponent(name)}/identity`);
  }

  /**
   * Sets the realm's cluster membership (live, or in realm.json while it is stopped), writing
   * `files` (trust material) into its keys folder first.
   */
  setRealmCluster(name: string, cluster: AgentClusterRequest): Promise<AgentClusterChange> {
    return this.call("PUT", `/v1/realms/${encodeURIComponent(name)}/cluster`, cluster);
  }

  /** Takes the realm out of its cluster. */
  leaveRealmCluster(name: string): Promise<AgentClusterChange> {
    return this.call("DELETE", `/v1/realms/${encodeURIComponent(name)}/cluster`);
  }

  /**
   * Runs one check from the agent's host (docs/agent.md "Probes"). Agents older than the
   * probes answer 404 (`AgentCallError` with status 404).
   */
  probe<R extends ProbeRequest>(body: R): Promise<ProbeAnswers[R["kind"]]> {
    return this.call("POST", "/v1/probe", body);
  }

  interfaceAction(
    realm: string,
    alias: string,
    action: "start" | "stop",
  ): Promise<InterfaceDetail> {
    return this.call(
      "POST",
      `/v1/realms/${encodeURIComponent(realm)}/interfaces/${encodeURIComponent(alias)}/${action}`,
    );
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const target = new URL(path, this.url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = request(
        target,
        {
          method,
          cert: this.tls.client.certPem,
          key: this.tls.client.keyPem,
          ca: this.tls.caPem,
          minVersion: "TLSv1.2",
          // A fresh connection per call: agents are few, and a cached session must not outlive
          // a removed agent.
          agent: false,
          timeout: this.timeoutMs,
          headers: payload
            ? { "content-type": "application/json", "content-length": payload.length }
            : {},
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = res.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              reject(
                new AgentCallError(status, "INVALID_ANSWER", "The agent's answer is not JSON"),
              );
              return;
            }
            if (status >= 200 && status < 300) {
              resolve(parsed as T);
              return;
            }
            const error = AgentErrorSchema.safeParse(parsed);
            reject(
              error.success
                ? new AgentCallError(status, error.data.error.code, error.data.error.message)
                : new AgentCallError(status, "INVALID_ANSWER", `The agent answered HTTP ${status}`),
            );
          });
          res.on("error", (error) => reject(new AgentCallError(0, "UNREACHABLE", error.message)));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on("error", (error) =>
        reject(
          new AgentCallError(
            0,
            "UNREACHABLE",
            `Agent at ${this.url} is unreachable: ${error.message}`,
          ),
        ),
      );
      req.end(payload);
    });
  }
}
