import { connect as tlsConnect } from "node:tls";

export interface Handshake {
  authorized: boolean;
  error: string | null;
  /** SHA-256 of the certificate served (colon-separated upper-case hex). */
  sha256: string;
  protocol: string | null;
}

/**
 * A fresh TLS handshake with 127.0.0.1:`port`, as any peer would make it: the chain is checked
 * against `ca` only (without one, `authorized` is false), the connection is made either way.
 */
export function handshake(port: number, ca?: string): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: "127.0.0.1",
      port,
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no handshake on ${port}`)));
    socket.once("secureConnect", () => {
      resolve({
        authorized: socket.authorized,
        error: socket.authorizationError ? String(socket.authorizationError) : null,
        sha256: socket.getPeerCertificate().fingerprint256,
        protocol: socket.getProtocol(),
      });
      socket.end();
    });
    socket.once("error", reject);
  });
}
