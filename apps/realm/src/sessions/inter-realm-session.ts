import { PingFrameSchema } from "@conclave/protocol";
import type { Connection } from "./connection.js";
import type { SessionHost } from "./session-host.js";

/**
 * An inter-realm link. For now the realm welcomes the peer, answers pings and keeps the link
 * open so it shows in status.
 * TODO(clustering issue): replace the plain welcome with the signed identity handshake (sign
 * the peer's nonce with `host.identity`, verify the peer's signature against the keys
 * distributed at cluster formation), then heartbeats and replication frames.
 */
export class InterRealmSession {
  constructor(
    private readonly connection: Connection,
    private readonly host: SessionHost,
    /** The calling realm's name from its hello. */
    readonly peerRealm: string,
  ) {}

  handle(raw: unknown): void {
    const ping = PingFrameSchema.safeParse(raw);
    if (ping.success) {
      this.connection.sendFrame({ type: "pong", ref: ping.data.ref, serverTime: Date.now() });
      return;
    }
    const ref = (raw as { ref?: unknown } | null)?.ref;
    this.connection.sendFrame({
      type: "error",
      ref: typeof ref === "number" && Number.isInteger(ref) && ref >= 0 ? ref : undefined,
      code: "INVALID_REQUEST",
      message: `Realm ${this.host.realmName} does not replicate yet; an inter-realm link accepts only ping`,
      fatal: false,
    });
  }

  end(): void {}
}
