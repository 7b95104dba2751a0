import { get } from "node:http";
import { join } from "node:path";
import type { ClusterStatus } from "@conclave/protocol";
import type { Demo } from "./boot-demo.js";

/**
 * GET /cluster on the realm's own admin endpoint (the Unix socket in its data directory under
 * the demo's agent state), bypassing the manager and the agent: what the realm itself says
 * about its links, e.g. the certificate each peer served.
 */
export function realmClusterStatus(demo: Demo, realm: string): Promise<ClusterStatus> {
  const socketPath = join(demo.root, "data", "agent", "realms", realm, "admin.sock");
  return new Promise((resolve, reject) => {
    const req = get({ socketPath, path: "/cluster", timeout: 5_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => {
        if (res.statusCode === 200) resolve(JSON.parse(body) as ClusterStatus);
        else reject(new Error(`${realm} GET /cluster: ${res.statusCode} ${body}`));
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${realm} GET /cluster: no answer in 5 s`)));
    req.on("error", reject);
  });
}
