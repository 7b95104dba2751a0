import { HelloFrameSchema, PROTOCOL_VERSION } from "@conclave/protocol";
import { formatZodError } from "../config/format-zod-error.js";
import { ClientSession } from "./client-session.js";
import type { Connection } from "./connection.js";
import { InterRealmSession } from "./inter-realm-session.js";
import type { SessionHost, SessionKind } from "./session-host.js";

/**
 * Runs a new connection's handshake: the first frame must be a hello within the interface's
 * Auth Time; the hello's role must be allowed on the interface. Then hands the connection to a
 * client session or an inter-realm session.
 */
export function acceptConnection(connection: Connection, host: SessionHost): void {
  const iface = host.config;
  let session: { end(): void } | undefined;
  let kind: SessionKind | undefined;

  const timer = setTimeout(() => {
    host.logger.warn(
      "session.hello-timeout",
      `No hello from ${connection.remoteAddress} on ${iface.name} within ${iface.authTime} ms; closing`,
      { interface: iface.name, remote: connection.remoteAddress },
    );
    connection.fail(
      "HELLO_TIMEOUT",
      `No hello within the Auth Time of interface ${iface.name} (${iface.authTime} ms); the connection is closed`,
    );
  }, iface.authTime);

  connection.onClose = () => {
    clearTimeout(timer);
    session?.end();
    if (kind) host.sessionClosed(kind, connection);
  };

  connection.onFrame = (frame) => {
    clearTimeout(timer);
    const refuse = (code: Parameters<Connection["fail"]>[0], message: string) => {
      host.logger.warn("session.refused", message, {
        interface: iface.name,
        remote: connection.remoteAddress,
        code,
      });
      connection.fail(code, message);
    };
    if ((frame as { type?: unknown } | null)?.type !== "hello") {
      const type = (frame as { type?: unknown } | null)?.type;
      refuse(
        "HELLO_REQUIRED",
        `The first frame on a connection must be a hello${typeof type === "string" ? `, not ${type}` : ""}`,
      );
      return;
    }
    const parsed = HelloFrameSchema.safeParse(frame);
    if (!parsed.success) {
      refuse("INVALID_REQUEST", `Invalid hello: ${formatZodError(parsed.error)}`);
      return;
    }
    const hello = parsed.data;
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      refuse(
        "PROTOCOL_VERSION",
        `This realm speaks protocol version ${PROTOCOL_VERSION}; the ${hello.role === "client" ? "client" : "peer"} sent version ${hello.protocolVersion}`,
      );
      return;
    }
    const current = host.config;
    if (hello.role === "client" && !current.allowClientConnections) {
      refuse(
        "CLIENT_CONNECTIONS_NOT_ALLOWED",
        `Interface ${current.name} does not allow client connections; connect to an interface with Allow Client Connections enabled`,
      );
      return;
    }
    if (hello.role === "inter-realm" && !current.allowForInterRealm) {
      refuse(
        "INTER_REALM_NOT_ALLOWED",
        `Interface ${current.name} does not allow inter-realm connections; link realms through an interface with Allow for InterRealm enabled`,
      );
      return;
    }

    if (hello.role === "client") {
      const client = new ClientSession(connection, host);
      session = client;
      kind = "client";
      connection.onFrame = (next) => client.handle(next);
    } else if (!host.cluster) {
      const link = new InterRealmSession(connection, host, hello.realm);
      session = link;
      kind = "inter-realm";
      connection.onFrame = (next) => link.handle(next);
    } else {
      kind = "inter-realm";
    }
    host.sessionOpened(kind, connection, hello.role === "client" ? hello.client : undefined);
    connection.sendFrame({
      type: "welcome",
      realm: host.realmName,
      session: connection.id,
      protocolVersion: PROTOCOL_VERSION,
      serverTime: Date.now(),
    });
    // A clustered realm runs the identity handshake on the link (cluster/links.ts).
    if (hello.role === "inter-realm" && host.cluster) {
      session = host.cluster.acceptLink(connection, hello);
    }
    host.logger.info(
      kind === "client" ? "session.welcomed" : "inter-realm.welcomed",
      kind === "client"
        ? `Client session from ${connection.remoteAddress} on ${iface.name}${hello.role === "client" && hello.client ? ` (${hello.client})` : ""}`
        : `Inter-realm link from realm ${hello.role === "inter-realm" ? hello.realm : "?"} (${connection.remoteAddress}) on ${iface.name}`,
      { interface: iface.name, remote: connection.remoteAddress, session: connection.id },
    );
  };
}
