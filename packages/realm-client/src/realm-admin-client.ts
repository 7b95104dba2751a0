import http from "node:http";
import {
  AdminErrorSchema,
  type ClusterConfigInput,
  type ClusterLeftResponse,
  type ClusterMemberInput,
  type ClusterStatus,
  type InterfaceChangeResponse,
  type InterfaceDeletedResponse,
  type InterfaceDetail,
  type InterfaceInput,
  type InterfaceListResponse,
  type RealmConfig,
  type RealmStatus,
  type ReloadTlsResponse,
  type TlsReloadResult,
} from "@conclave/protocol";

/** A non-2xx answer from a realm's admin endpoint, or a failure to reach it. */
export class RealmAdminError extends Error {
  constructor(
    /** HTTP status, or 0 when the endpoint could not be reached. */
    readonly status: number,
    /** The answer's error code (VALIDATION, NOT_FOUND, …) or UNREACHABLE. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RealmAdminError";
  }
}

/**
 * Typed client for a realm's local admin endpoint: HTTP over the Unix socket `<data>/admin.sock`.
 * Used by tests and the node agent.
 */
export class RealmAdminClient {
  constructor(
    readonly socketPath: string,
    private readonly timeoutMs = 30_000,
  ) {}

  /** GET /status */
  status(): Promise<RealmStatus> {
    return this.call("GET", "/status");
  }

  /** GET /config: realm.json with passwords redacted. */
  config(): Promise<RealmConfig> {
    return this.call("GET", "/config");
  }

  /** GET /interfaces */
  listInterfaces(): Promise<InterfaceListResponse> {
    return this.call("GET", "/interfaces");
  }

  /** GET /interfaces/:name */
  getInterface(name: string): Promise<InterfaceDetail> {
    return this.call("GET", `/interfaces/${encodeURIComponent(name)}`);
  }

  /** POST /interfaces: adds the interface and starts it when Autostart Interface is on. */
  addInterface(definition: InterfaceInput): Promise<InterfaceDetail> {
    return this.call("POST", "/interfaces", definition);
  }

  /** PUT /interfaces/:name: replaces the definition and applies it live. */
  changeInterface(
    name: string,
    definition: Omit<InterfaceInput, "name"> & { name?: string },
  ): Promise<InterfaceChangeResponse> {
    return this.call("PUT", `/interfaces/${encodeURIComponent(name)}`, definition);
  }

  /** DELETE /interfaces/:name: stops the interface and removes it. */
  deleteInterface(name: string): Promise<InterfaceDeletedResponse> {
    return this.call("DELETE", `/interfaces/${encodeURIComponent(name)}`);
  }

  /** POST /interfaces/:name/start */
  startInterface(name: string): Promise<InterfaceDetail> {
    return this.call("POST", `/interfaces/${encodeURIComponent(name)}/start`);
  }

  /** POST /interfaces/:name/stop */
  stopInterface(name: string): Promise<InterfaceDetail> {
    return this.call("POST", `/interfaces/${encodeURIComponent(name)}/stop`);
  }

  /** POST /interfaces/:name/reload-tls: re-reads key material; established sessions stay. */
  reloadInterfaceTls(name: string): Promise<TlsReloadResult> {
    return this.call("POST", `/interfaces/${encodeURIComponent(name)}/reload-tls`);
  }

  /** POST /reload-tls: every running nsps/nhps interface. */
  reloadTls(): Promise<ReloadTlsResponse> {
    return this.call("POST", "/reload-tls");
  }

  /** GET /cluster: role, master, term, members, links, quorum (404 when not clustered). */
  cluster(): Promise<ClusterStatus> {
    return this.call("GET", "/cluster");
  }

  /** PUT /cluster: sets or replaces the cluster membership, applied live. */
  setCluster(config: ClusterConfigInput): Promise<ClusterStatus> {
    return this.call("PUT", "/cluster", config);
  }

  /** PUT /cluster/members/:name: adds or replaces one member (e.g. moves its addresses). */
  changeClusterMember(
    name: string,
    member: Omit<ClusterMemberInput, "name"> & { name?: string },
  ): Promise<ClusterStatus> {
    return this.call("PUT", `/cluster/members/${encodeURIComponent(name)}`, member);
  }

  /** DELETE /cluster: leaves the cluster. */
  leaveCluster(): Promise<ClusterLeftResponse> {
    return this.call("DELETE", "/cluster");
  }

  private call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const request = http.request(
        {
          socketPath: this.socketPath,
          path,
          method,
          headers: payload
            ? { "content-type": "application/json", "content-length": payload.length }
            : {},
          timeout: this.timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              reject(
                new RealmAdminError(status, "INVALID_ANSWER", `Not JSON: ${text.slice(0, 200)}`),
              );
              return;
            }
            if (status >= 200 && status < 300) {
              resolve(parsed as T);
              return;
            }
            const error = AdminErrorSchema.safeParse(parsed);
            reject(
              error.success
                ? new RealmAdminError(status, error.data.error.code, error.data.error.message)
                : new RealmAdminError(
                    status,
                    "INVALID_ANSWER",
                    `HTTP ${status}: ${text.slice(0, 200)}`,
                  ),
            );
          });
          response.on("error", (error) =>
            reject(new RealmAdminError(0, "UNREACHABLE", error.message)),
          );
        },
      );
      request.on("timeout", () => {
        request.destroy(new Error(`No answer within ${this.timeoutMs} ms`));
      });
      request.on("error", (error) =>
        reject(
          new RealmAdminError(
            0,
            "UNREACHABLE",
            `Realm admin endpoint ${this.socketPath} is unreachable: ${error.message}`,
          ),
        ),
      );
      request.end(payload);
    });
  }
}
