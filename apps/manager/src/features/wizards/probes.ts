import { randomBytes } from "node:crypto";
import { isIP, connect as netConnect } from "node:net";
import { checkServerIdentity, type PeerCertificate, connect as tlsConnect } from "node:tls";
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION } from "@conclave/protocol";

/** What a TLS handshake with an interface showed. */
export interface TlsProbeResult {
  protocol: string;
  cipher: string;
  /** SHA-256 of the certificate served, colon-separated upper-case hex. */
  certificateSha256: string;
  /** The certificate chains to `caPems` and covers `host`. */
  verified: boolean;
  verifyError: string | null;
}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, "");

/**
 * A real TLS handshake with `host:port`, checking the certificate against `caPems` (chain and
 * host name or IP). The handshake completes even when verification fails, so the result says
 * why; a connection that fails outright rejects.
 */
export function probeTls(
  host: string,
  port: number,
  options: { caPems: string[]; minVersion?: "TLSv1.2" | "TLSv1.3"; timeoutMs?: number },
): Promise<TlsProbeResult> {
  const bare = stripBrackets(host);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: bare,
      port,
      ca: options.caPems.length > 0 ? options.caPems : undefined,
      rejectUnauthorized: false,
      minVersion: options.minVersion ?? "TLSv1.2",
      ...(isIP(bare) ? {} : { servername: bare }),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`No TLS handshake with ${host}:${port} within ${options.timeoutMs ?? 5000} ms`),
      );
    }, options.timeoutMs ?? 5000);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const cert = socket.getPeerCertificate();
      const authorizationError = socket.authorizationError
        ? String(socket.authorizationError)
        : null;
      const hostError = cert && !authorizationError ? (checkHost(bare, cert) ?? null) : null;
      resolve({
        protocol: socket.getProtocol() ?? "unknown",
        cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? "unknown",
        certificateSha256: cert?.fingerprint256 ?? "",
        verified: socket.authorized && !hostError,
        verifyError: authorizationError ?? hostError,
      });
      socket.end();
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`TLS handshake with ${host}:${port} failed: ${error.message}`));
    });
  });
}

/** Node checks the host name only when asked to; the realm's peers dial this exact host. */
function checkHost(host: string, cert: PeerCertificate): string | undefined {
  return checkServerIdentity(host, cert)?.message;
}

/** Whether an interface refused a plaintext inter-realm hello, and how. */
export interface HelloProbeResult {
  refused: boolean;
  /** "INTER_REALM_NOT_ALLOWED: …", "connection refused", "welcomed", … */
  detail: string;
}

/**
 * Sends a plaintext inter-realm hello to `host:port`, as a peer realm would, and reports
 * whether the interface refused it: an error frame, a refused or closed connection before any
 * welcome. A welcome means plaintext links are still possible there.
 */
export function probePlaintextHello(
  host: string,
  port: number,
  options: { cluster: string; timeoutMs?: number },
): Promise<HelloProbeResult> {
  const bare = stripBrackets(host);
  const timeoutMs = options.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let settled = false;
    const decoder = new FrameDecoder(1024 * 1024);
    const socket = netConnect({ host: bare, port });
    const finish = (result: HelloProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ refused: false, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once("connect", () => {
      socket.write(
        encodeFrame({
          type: "hello",
          role: "inter-realm",
          protocolVersion: PROTOCOL_VERSION,
          realm: "conclave-lockdown-probe",
          nonce: randomBytes(32).toString("base64"),
          cluster: options.cluster,
        }),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      let frames: unknown[];
      try {
        frames = decoder.push(chunk);
      } catch {
        finish({ refused: true, detail: "answered with something other than frames" });
        return;
      }
      for (const frame of frames as { type?: string; code?: string; message?: string }[]) {
        if (frame.type === "error") {
          finish({ refused: true, detail: `${frame.code}: ${frame.message}` });
          return;
        }
        if (frame.type === "welcome") {
          finish({ refused: false, detail: "welcomed a plaintext inter-realm hello" });
          return;
        }
      }
    });
    socket.once("error", (error: NodeJS.ErrnoException) =>
      finish({
        refused: true,
        detail: error.code === "ECONNREFUSED" ? "connection refused" : error.message,
      }),
    );
    socket.once("close", () => finish({ refused: true, detail: "closed without a welcome" }));
  });
}
