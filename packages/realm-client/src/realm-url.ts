import type { InterfaceProtocol } from "@conclave/protocol";

/** Where a {@link RealmClient} connects: parsed from `nsp://host:port`, `nhps://host:port/path`, … */
export interface RealmUrl {
  protocol: InterfaceProtocol;
  host: string;
  port: number;
  /** Path of the WebSocket endpoint (nhp/nhps); "/" by default. */
  path: string;
}

const DEFAULT_PORTS: Record<InterfaceProtocol, number> = {
  nsp: 9000,
  nhp: 80,
  nsps: 9443,
  nhps: 443,
};

/** Parses a realm URL, or throws a TypeError that names what is wrong with it. */
export function parseRealmUrl(url: string): RealmUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`Not a realm URL: ${url} (expected e.g. nsp://127.0.0.1:9000)`);
  }
  const protocol = parsed.protocol.replace(/:$/, "");
  if (protocol !== "nsp" && protocol !== "nsps" && protocol !== "nhp" && protocol !== "nhps") {
    throw new TypeError(
      `Unknown realm protocol ${protocol}: in ${url}; use nsp, nsps, nhp or nhps`,
    );
  }
  // WHATWG URL keeps IPv6 hosts in brackets; sockets want them bare.
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (!host) throw new TypeError(`Realm URL ${url} has no host`);
  const port = parsed.port ? Number(parsed.port) : DEFAULT_PORTS[protocol];
  return { protocol, host, port, path: parsed.pathname || "/" };
}
