import { createHash, generateKeyPairSync } from "node:crypto";
import net from "node:net";
import { ClusterConfigSchema, PROTOCOL_VERSION } from "@conclave/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { Logger } from "../logger.js";
import { StreamConnection } from "../sessions/stream-connection.js";
import { LinkManager } from "./links.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function identity() {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const fingerprintSha256 = createHash("sha256")
    .update(publicKey.export({ type: "spki", format: "der" }))
    .digest("hex");
  return { privateKey, publicKeyPem, fingerprintSha256 };
}

/**
 * A realm that is not clustered yet (its PUT /cluster still runs): it welcomes an inter-realm
 * hello and then sends nothing, as the realm's unclustered inter-realm session does.
 */
async function unclusteredRealm(name: string) {
  const dials: number[] = [];
  const server = net.createServer((socket) => {
    dials.push(performance.now());
    const connection = new StreamConnection(socket, "nsp", 1024 * 1024);
    connection.onFrame = (frame) => {
      if ((frame as { type?: string }).type !== "hello") return;
      connection.sendFrame({
        type: "welcome",
        realm: name,
        session: "s1",
        protocolVersion: PROTOCOL_VERSION,
        serverTime: Date.now(),
      } as never);
    };
    cleanups.push(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  return { dials, port: (server.address() as net.AddressInfo).port };
}

describe("LinkManager dialling a member", () => {
  it("dials again within about a second when the member welcomes the link but runs no cluster yet", async () => {
    const peer = await unclusteredRealm("zulu");
    const alpha = identity();
    const config = ClusterConfigSchema.parse({
      name: "c1",
      members: [
        { name: "alpha", addresses: ["nsp://127.0.0.1:1"], publicKey: alpha.publicKeyPem },
        {
          name: "zulu",
          addresses: [`nsp://127.0.0.1:${peer.port}`],
          publicKey: identity().publicKeyPem,
        },
      ],
    });
    const warnings: string[] = [];
    const logger: Logger = {
      info: () => {},
      warn: (event, message) => warnings.push(`${event}: ${message}`),
      error: () => {},
    };
    const links = new LinkManager(config, {
      realmName: "alpha",
      identity: alpha,
      logger,
      maxFrameBytes: 1024 * 1024,
      trustedCas: () => undefined,
      events: { linkUp: () => {}, linkDown: () => {}, frame: () => {} },
    });
    cleanups.push(() => links.stop("test over"));

    const deadline = performance.now() + 8_000;
    while (peer.dials.length < 2 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(peer.dials.length).toBeGreaterThanOrEqual(2);
    // The identity handshake's own timeout is 5 s; a fresh cluster used to wait that long.
    expect(peer.dials[1]! - peer.dials[0]!).toBeLessThan(3_000);
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^cluster\.dial-failed: .*realm zulu at nsp:\/\/127\.0\.0\.1:\d+ welcomed the link but sent no identity proof within 1000 ms: it is not \(yet\) configured with cluster c1/,
      ),
    );
    // Not a refusal: the member has not refused anything, it is being configured.
    expect(links.refusalList()).toEqual([]);
    expect(links.linkedPeers().size).toBe(0);
  });
});
