import type { ClusterLinkView, ClusterStatusView } from "@conclave/protocol";

type Member = ClusterStatusView["members"][number];
type MemberState = Member["state"];

/** PatternFly 6 tokens, so the graph follows the theme (light/dark) like the rest of the page. */
export const TOPOLOGY_COLOURS = {
  connected: "var(--pf-t--global--color--status--success--default)",
  disconnected: "var(--pf-t--global--color--status--danger--default)",
  recovering: "var(--pf-t--global--color--status--warning--default)",
  unknown: "var(--pf-t--global--color--nonstatus--gray--default)",
  encryptedLink: "var(--pf-t--global--icon--color--regular)",
  plaintextLink: "var(--pf-t--global--color--nonstatus--gray--default)",
  master: "var(--pf-t--global--color--nonstatus--yellow--default)",
  text: "var(--pf-t--global--text--color--regular)",
} as const;

export const NODE_RADIUS = 16;
/** Distance between the baselines of a node's name and its "master" line. */
export const LABEL_LINE_HEIGHT = 13;
/** Room beside the ring for realm names, written outwards from their node. */
const SIDE_MARGIN = 96;
/** Room above the top node and under the bottom one for a name and the "master" line. */
const LABEL_ROOM = 34;
/** Space along the ring per member, so neighbours' names do not overlap. */
const ARC_PER_NODE = 72;
const MIN_RING_RADIUS = 70;
/** Two links between the same realms (a→b and b→a) are drawn this far apart. */
const PARALLEL_OFFSET = 4;

export interface TopologyNode {
  realm: string;
  x: number;
  y: number;
  state: MemberState;
  fill: string;
  isMaster: boolean;
  /**
   * Where the name goes: outside the ring, away from the centre, so links (which cross the
   * inside) do not run through it. `y` is the first line's baseline.
   */
  label: { x: number; y: number; anchor: "start" | "middle" | "end" };
}

export interface TopologyLink {
  key: string;
  from: string;
  to: string;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  encrypted: boolean;
  /** Hover text: "a → b: TLSv1.3 TLS_AES_256_GCM_SHA384" or "a → b: plaintext nsp". */
  title: string;
}

export interface TopologyLayout {
  width: number;
  height: number;
  nodes: TopologyNode[];
  links: TopologyLink[];
}

/** Green when connected, red when disconnected, orange while recovering, grey when unknown. */
export function nodeFill(state: MemberState): string {
  return TOPOLOGY_COLOURS[state];
}

/** The hover text of a link: its TLS version and cipher, or that it is plaintext. */
export function describeLink(link: ClusterLinkView): string {
  const ends = `${link.from} → ${link.to}`;
  if (!link.encrypted) return `${ends}: plaintext ${link.protocol}`;
  const tls = [link.tlsVersion, link.cipher].filter(Boolean).join(" ");
  return `${ends}: ${tls || `encrypted ${link.protocol}`}`;
}

/** A node's label just outside it, on the side facing away from the ring's centre. */
function placeLabel(x: number, y: number, angle: number, lines: number): TopologyNode["label"] {
  const [ux, uy] = [Math.cos(angle), Math.sin(angle)];
  const bx = x + ux * (NODE_RADIUS + 6);
  const by = y + uy * (NODE_RADIUS + 6);
  const anchor = Math.abs(ux) < 0.35 ? "middle" : ux > 0 ? "start" : "end";
  const extra = (lines - 1) * LABEL_LINE_HEIGHT;
  const first = uy > 0.35 ? by + 11 : uy < -0.35 ? by - 3 - extra : by + 4 - extra / 2;
  const round = (n: number) => Math.round(n * 10) / 10;
  return { x: round(bx), y: round(first), anchor };
}

/**
 * Places the members on a circle (first member at the top, clockwise) and turns each link whose
 * ends are both members into a line between them. The master is the realm the members agree
 * on, or, while that is unknown, a member that says it is master.
 */
export function layoutTopology(
  status: Pick<ClusterStatusView, "master" | "members" | "links">,
): TopologyLayout {
  const count = status.members.length;
  const ring = count <= 1 ? 0 : Math.max(MIN_RING_RADIUS, (count * ARC_PER_NODE) / (2 * Math.PI));
  const width = 2 * (ring + SIDE_MARGIN);
  const height = 2 * (ring + NODE_RADIUS + LABEL_ROOM);
  const cx = width / 2;
  const cy = count <= 1 ? NODE_RADIUS + 8 : ring + NODE_RADIUS + LABEL_ROOM;
  const round = (n: number) => Math.round(n * 10) / 10;

  const nodes = status.members.map((member, index): TopologyNode => {
    // A lone member sits at the centre with its name below, as if at the bottom of a ring.
    const angle =
      count <= 1 ? Math.PI / 2 : -Math.PI / 2 + (2 * Math.PI * index) / Math.max(count, 1);
    const isMaster =
      status.master !== null ? member.realm === status.master : member.role === "master";
    const x = cx + ring * Math.cos(angle);
    const y = cy + (count <= 1 ? 0 : ring * Math.sin(angle));
    return {
      realm: member.realm,
      x: round(x),
      y: round(y),
      state: member.state,
      fill: nodeFill(member.state),
      isMaster,
      label: placeLabel(x, y, angle, isMaster ? 2 : 1),
    };
  });

  const byRealm = new Map(nodes.map((node) => [node.realm, node]));
  const pairs = new Set(status.links.map((link) => `${link.from}\u0000${link.to}`));
  const links: TopologyLink[] = [];
  for (const link of status.links) {
    const a = byRealm.get(link.from);
    const b = byRealm.get(link.to);
    if (!a || !b || a === b) continue;
    let [dx, dy] = [0, 0];
    if (pairs.has(`${link.to}\u0000${link.from}`)) {
      // The normal flips with the direction, so a→b and b→a move to opposite sides.
      const length = Math.hypot(b.x - a.x, b.y - a.y) || 1;
      dx = (-(b.y - a.y) / length) * PARALLEL_OFFSET;
      dy = ((b.x - a.x) / length) * PARALLEL_OFFSET;
    }
    links.push({
      key: `${link.from}→${link.to}`,
      from: link.from,
      to: link.to,
      x1: round(a.x + dx),
      y1: round(a.y + dy),
      x2: round(b.x + dx),
      y2: round(b.y + dy),
      encrypted: link.encrypted,
      title: describeLink(link),
    });
  }
  return { width: round(width), height: round(height), nodes, links };
}
