import { randomBytes } from "node:crypto";
import net from "node:net";
import tls from "node:tls";
import {
  encodeFrame,
  FrameDecoder,
  type InterRealmHelloProbeRequest,
  type InterRealmHelloProbeResult,
  type PortFreeProbeRequest,
  type PortFreeProbeResult,
  PROBE_TIMEOUT_MS,
  PROTOCOL_VERSION,
  type ProbeRequest,
  ProbeRequestSchema,
  type ProbeResult,
  type TlsProbeRequest,
  type TlsProbeResult,
} from "@conclave/protocol";

/** The realm name a probe hello carries: never a member, so no cluster takes it for a peer. */
const PROBE_REALM_NAME = "conclave-agent-probe";

/** POST /v1/probe: runs one probe from this host (see docs/agent.md). */
export async function runProbe(input: unknown, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const request: ProbeRequest = ProbeRequestSchema.parse(input);
  switch (request.kind) {
    case "tls":
      return probeTls(request, timeoutMs);
    case "interRealmHello":
      return probeInterRealmHello(request, timeoutMs);
    case "portFree":
      return probePortFree(request);
  }
}

const bare = (host: string) => host.replace(/^\[|\]$/g, "");

/**
 * A real TLS handshake. Verification is done after the handshake rather than by OpenSSL
 * refusing it, so an untrusted server still shows what it negotiated and served.
 */
export function probeTls(request: TlsProbeRequest, timeoutMs: number): Promise<TlsProbeResult> {
  const host = bare(request.host);
  const name = request.servername ?? host;
  const failed = (error: string): TlsProbeResult => ({
    ok: false,
    tlsVersion: null,
    cipher: null,
    peerCertificateSha256: null,
    chainSubjects: [],
    error,
  });
  return new Promise((resolve) => {
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        host,
        port: request.port,
        ca: request.caPem,
        rejectUnauthorized: false,
        minVersion: "TLSv1.2",
        ...(net.isIP(name) ? {} : { servername: name }),
      });
    } catch (error) {
      // Bad input the schema cannot see (an unusable caPem): an answer, not a crash.
      resolve(
        failed(
          `TLS handshake with ${request.host}:${request.port} not attempted: ${(error as Error).message}`,
        ),
      );
      return;
    }
    const finish = (result: TlsProbeResult) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish(
          failed(`No TLS handshake with ${request.host}:${request.port} within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    socket.once("error", (error) =>
      finish(failed(`TLS handshake with ${request.host}:${request.port} failed: ${error.message}`)),
    );
    socket.once("secureConnect", () => {
      const cert = socket.getPeerCertificate(true);
      const chainSubjects: string[] = [];
      const seen = new Set<string>();
      let current: tls.DetailedPeerCertificate | undefined = cert;
      while (current?.raw && !seen.has(current.fingerprint256)) {
        seen.add(current.fingerprint256);
        chainSubjects.push(formatName(current.subject));
        current = current.issuerCertificate;
      }
      let error: string | undefined;
      if (request.caPem) {
        // Node checks the name itself when SNI was sent (and reports it as the authorization
        // error); for IPs it does not, so the name is checked here either way.
        const reason = String(socket.authorizationError ?? "");
        if (!socket.authorized && reason !== "ERR_TLS_CERT_ALTNAME_INVALID") {
          error = `The certificate does not chain to the given CA: ${reason}`;
        } else {
          const mismatch = tls.checkServerIdentity(name, cert);
          if (mismatch) error = mismatch.message;
        }
      }
      finish({
        ok: error === undefined,
        tlsVersion: socket.getProtocol() ?? null,
        cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? null,
        peerCertificateSha256: cert?.fingerprint256 || null,
        chainSubjects,
        ...(error ? { error } : {}),
      });
    });
  });
}

function formatName(name: tls.Certificate | undefined): string {
  if (!name) return "";
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join("+") : value}`)
    .join(", ");
}

/**
 * Sends a plaintext inter-realm hello, as a peer realm dialling an nsp interface would, and
 * reports whether it was welcomed or refused (and how).
 */
export function probeInterRealmHello(
  request: InterRealmHelloProbeRequest,
  timeoutMs: number,
): Promise<InterRealmHelloProbeResult> {
  return new Promise((resolve) => {
    let settled = false;
    const decoder = new FrameDecoder(1024 * 1024);
    const socket = net.connect({ host: bare(request.host), port: request.port });
    const finish = (result: InterRealmHelloProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const refused = (code: string, message: string) =>
      finish({ accepted: false, refusal: { code, message } });
    const timer = setTimeout(
      () => refused("TIMEOUT", `No answer to the hello within ${timeoutMs} ms`),
      timeoutMs,
    );
    socket.once("connect", () => {
      socket.write(
        encodeFrame({
          type: "hello",
          role: "inter-realm",
          protocolVersion: PROTOCOL_VERSION,
          realm: PROBE_REALM_NAME,
          nonce: randomBytes(32).toString("base64"),
          ...(request.cluster ? { cluster: request.cluster } : {}),
        }),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch {
        refused("NOT_FRAMES", "The answer is not realm protocol frames");
        return;
      }
      for (const frame of frames as { type?: string; code?: string; message?: string }[]) {
        if (frame.type === "error") {
          refused(frame.code ?? "UNKNOWN", frame.message ?? "refused without a message");
          return;
        }
        if (frame.type === "welcome") {
          finish({ accepted: true, refusal: null });
          return;
        }
      }
    });
    socket.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "ECONNREFUSED"
        ? refused("CONNECTION_REFUSED", `Nothing listens on ${request.host}:${request.port}`)
        : refused("CONNECTION_FAILED", error.message),
    );
    socket.once("close", () =>
      refused("CONNECTION_CLOSED", "The connection closed before any welcome"),
    );
  });
}

/** Listens on host:port for a moment: the surest way to know a realm could bind it. */
export function probePortFree(request: PortFreeProbeRequest): Promise<PortFreeProbeResult> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      resolve({
        free: false,
        error:
          error.code === "EADDRINUSE"
            ? `EADDRINUSE: port ${request.port} on ${request.host} is in use`
            : `${error.code ?? "ERROR"}: ${error.message}`,
      }),
    );
    server.listen({ host: bare(request.host), port: request.port, exclusive: true }, () =>
      server.close(() => resolve({ free: true })),
    );
  });
}
