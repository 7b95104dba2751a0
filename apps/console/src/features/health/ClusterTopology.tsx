import type { ClusterStatusView } from "@conclave/protocol";
import {
  LABEL_LINE_HEIGHT,
  layoutTopology,
  NODE_RADIUS,
  TOPOLOGY_COLOURS,
} from "./topology-layout";

export interface ClusterTopologyProps {
  cluster: string;
  status: Pick<ClusterStatusView, "master" | "members" | "links">;
}

/** A small lock drawn at (x, y): encrypted links carry it at their middle. */
function LockGlyph({ x, y }: { x: number; y: number }) {
  return (
    <g transform={`translate(${x - 5} ${y - 6})`} data-glyph="lock">
      <rect x={0} y={5} width={10} height={7} rx={1.5} fill={TOPOLOGY_COLOURS.encryptedLink} />
      <path
        d="M2.5 5 V3.5 a2.5 2.5 0 0 1 5 0 V5"
        fill="none"
        stroke={TOPOLOGY_COLOURS.encryptedLink}
        strokeWidth={1.5}
      />
    </g>
  );
}

/** A five-pointed star above the master's node. */
function MasterStar({ x, y }: { x: number; y: number }) {
  const points = Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? 7 : 3;
    const a = -Math.PI / 2 + (i * Math.PI) / 5;
    return `${(x + r * Math.cos(a)).toFixed(1)},${(y + r * Math.sin(a)).toFixed(1)}`;
  }).join(" ");
  return (
    <polygon
      points={points}
      fill={TOPOLOGY_COLOURS.master}
      stroke={TOPOLOGY_COLOURS.text}
      strokeWidth={0.5}
    />
  );
}

/**
 * The cluster as a picture: members on a circle (green connected, red disconnected), links as
 * lines (solid with a lock when encrypted, dashed grey when plaintext; hover for TLS details),
 * the master starred. Plain SVG: a graph library would outweigh the rest of the console.
 */
export function ClusterTopology({ cluster, status }: ClusterTopologyProps) {
  const layout = layoutTopology(status);
  return (
    <svg
      role="img"
      aria-label={`Topology of ${cluster}`}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width="100%"
      style={{ maxWidth: layout.width, display: "block" }}
    >
      {layout.links.map((link) => (
        <g key={link.key} data-link={link.key}>
          <title>{link.title}</title>
          {/* A wide transparent stroke makes the thin line easy to hover. */}
          <line
            x1={link.x1}
            y1={link.y1}
            x2={link.x2}
            y2={link.y2}
            stroke="transparent"
            strokeWidth={10}
          />
          <line
            x1={link.x1}
            y1={link.y1}
            x2={link.x2}
            y2={link.y2}
            stroke={
              link.encrypted ? TOPOLOGY_COLOURS.encryptedLink : TOPOLOGY_COLOURS.plaintextLink
            }
            strokeWidth={link.encrypted ? 2 : 1.5}
            strokeDasharray={link.encrypted ? undefined : "5 4"}
          />
          {link.encrypted && <LockGlyph x={(link.x1 + link.x2) / 2} y={(link.y1 + link.y2) / 2} />}
        </g>
      ))}
      {layout.nodes.map((node) => (
        <g key={node.realm} data-realm={node.realm}>
          <title>{`${node.realm}: ${node.state}${node.isMaster ? ", master" : ""}`}</title>
          <circle
            cx={node.x}
            cy={node.y}
            r={NODE_RADIUS}
            fill={node.fill}
            stroke={TOPOLOGY_COLOURS.text}
            strokeWidth={1}
          />
          {node.isMaster && <MasterStar x={node.x} y={node.y} />}
          <text
            x={node.label.x}
            y={node.label.y}
            textAnchor={node.label.anchor}
            fontSize={12}
            fill={TOPOLOGY_COLOURS.text}
          >
            {node.realm}
          </text>
          {node.isMaster && (
            <text
              x={node.label.x}
              y={node.label.y + LABEL_LINE_HEIGHT}
              textAnchor={node.label.anchor}
              fontSize={11}
              fontStyle="italic"
              fill={TOPOLOGY_COLOURS.text}
            >
              master
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
