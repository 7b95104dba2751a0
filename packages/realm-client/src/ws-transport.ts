import net from "node:net";
import type { TLSSocket } from "node:tls";
import WebSocket from "ws";
import type { ClientTlsOptions, FrameTransport, TlsSessionInfo } from "./frame-transport.js";
import type { RealmUrl } from "./realm-url.js";

/** Opens an nhp (WebSocket) or nhps (secure WebSocket) connection. */
export function openWsTransport(
  url: RealmUrl,
  tlsOptions: ClientTlsOptions | undefined,
  maxFrameBytes: number,
): Promise<FrameTransport> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "nhps";
    const host = net.isIPv6(url.host) ? `[${url.host}]` : url.host;
    const address = `${secure ? "wss" : "ws"}://${host}:${url.port}${url.path}`;
    let tlsSocket: TLSSocket | undefined;
    const ws = new WebSocket(address, {
      perMessageDeflate: false,
      maxPayload: maxFrameBytes,
      // ws derives the SNI name from the host itself (none for an IP address).
      ...(secure ? tlsOptions : {}),
    });
    ws.on("upgrade", (response) => {
      if (secure) tlsSocket = response.socket as TLSSocket;
    });
    const onError = (error: Error) => reject(error);
    ws.once("error", onError);
    ws.once("unexpected-response", (_request, response) => {
      reject(
        new Error(`The realm answered the WebSocket upgrade with HTTP ${response.statusCode}`),
      );
      ws.terminate();
    });
    ws.once("open", () => {
      ws.off("error", onError);
      resolve(new WsTransport(ws, tlsSocket));
    });
  });
}

class WsTransport implements FrameTransport {
  onFrame: (frame: unknown) => void = () => {};
  onClose: (error: Error | undefined) => void = () => {};
  private closeError: Error | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly tlsSocket: TLSSocket | undefined,
  ) {
    ws.on("message", (data: Buffer, isBinary) => {
      let frame: unknown;
      try {
        frame = JSON.parse(isBinary ? data.toString("utf8") : data.toString());
      } catch (error) {
        this.closeError = error as Error;
        ws.terminate();
        return;
      }
      this.onFrame(frame);
    });
    ws.on("error", (error) => {
      this.closeError ??= error;
    });
    ws.on("close", (code, reason) => {
      if (!this.closeError && code !== 1000 && code !== 1005) {
        this.closeError = new Error(
          `WebSocket closed with code ${code}${reason.length ? `: ${reason.toString()}` : ""}`,
        );
      }
      this.onClose(this.closeError);
    });
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  get tls(): TlsSessionInfo | undefined {
    if (!this.tlsSocket) return undefined;
    return {
      protocol: this.tlsSocket.getProtocol(),
      cipher: this.tlsSocket.getCipher().name,
      peerCertificate: this.tlsSocket.getPeerCertificate() ?? null,
    };
  }

  sendJson(json: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(json);
  }

  end(): void {
    this.ws.close(1000);
  }

  destroy(): void {
    this.ws.terminate();
  }
}
