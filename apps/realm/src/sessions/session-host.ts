import type { Interface, RealmLimits } from "@conclave/protocol";
import type { ChannelStore } from "../channels/channel-store.js";
import type { ClusterNode } from "../cluster/cluster-node.js";
import type { RealmIdentity } from "../identity.js";
import type { Logger } from "../logger.js";
import type { Connection } from "./connection.js";

export type SessionKind = "client" | "inter-realm";

/** What a session needs from the interface it arrived on (implemented by InterfaceRuntime). */
export interface SessionHost {
  readonly realmName: string;
  /** The interface's current definition: Auth Time and the Allow flags apply live. */
  readonly config: Interface;
  readonly limits: RealmLimits;
  readonly store: ChannelStore;
  /** The realm's cluster membership; undefined for a realm that is not clustered. */
  readonly cluster: ClusterNode | undefined;
  readonly identity: RealmIdentity;
  readonly logger: Logger;
  /** `clientName`: the `client` text of a client's hello, for the interface's session list. */
  sessionOpened(kind: SessionKind, connection: Connection, clientName?: string): void;
  sessionClosed(kind: SessionKind, connection: Connection): void;
}
