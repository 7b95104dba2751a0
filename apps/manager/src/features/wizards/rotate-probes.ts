import { connect as tlsConnect } from "node:tls";
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION } from "@conclave/protocol";

/** Whether an interface that validates client certificates took the one presented. */
export interface ClientCertificateProbeResult {
  accepted: boolean;
  /** "answered hello with welcome", "refused: …alert…", … */
  detail: string;
}

const stripBrackets = (host: string) => host.replace(/^\[|\]$/g, "");

/**
 * Connects to `host:port` over TLS presenting `cert`/`key` and sends a client hello. With
 * TLSv1.3 the server judges the client certificate after the client's handshake is done, so
 * the verdict is what comes next: any frame (welcome, or an error such as "clients not
 * allowed") means the certificate was accepted; an alert or a close before any frame means it
 * was refused.
 */
export function probeClientCertificate(
  host: string,
  port: number,
  options: { key: string; cert: string; timeoutMs?: number },
): Promise<ClientCertificateProbeResult> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  return new Promise((resolve) => {
    let settled = false;
    const decoder = new FrameDecoder(1024 * 1024);
    const socket = tlsConnect({
      host: stripBrackets(host),
      port,
      key: options.key,
      cert: options.cert,
      rejectUnauthorized: false,
    });
    const finish = (result: ClientCertificateProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ accepted: false, detail: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.once("secureConnect", () => {
      socket.write(
        encodeFrame({
          type: "hello",
          role: "client",
          protocolVersion: PROTOCOL_VERSION,
          client: "conclave-rotation-probe",
        }),
      );
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        const [frame] = decoder.push(chunk) as { type?: string; code?: string }[];
        if (frame) {
          finish({
            accepted: true,
            detail: `answered the hello with ${frame.type}${frame.code ? ` ${frame.code}` : ""}`,
          });
        }
      } catch {
        finish({ accepted: true, detail: "answered with something other than frames" });
      }
    });
    socket.once("error", (error) =>
      finish({ accepted: false, detail: `refused: ${error.message}` }),
    );
    socket.once("close", () => finish({ accepted: false, detail: "closed before any answer" }));
  });
}
