import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RealmConfigInput } from "@conclave/protocol";
import { RealmClient } from "@conclave/realm-client";
import type { PubSubPair, Transport } from "./endpoint.js";
import { freePort } from "./nats-server.js";
import type { ServerCertificateFiles } from "./openssl-certs.js";

const realmMain = fileURLToPath(new URL("../../apps/realm/dist/main.js", import.meta.url));

export interface BenchRealm {
  nspUrl: string;
  nspsUrl: string;
  caCert: string;
  stop(): Promise<void>;
}

/** Starts a real realm process with one nsp and one nsps interface on 127.0.0.1. */
export async function startBenchRealm(
  dir: string,
  certs: ServerCertificateFiles,
): Promise<BenchRealm> {
  const data = join(dir, "realm");
  mkdirSync(data, { recursive: true });
  const keyStorePath = join(dir, "server-keystore.pem");
  writeFileSync(
    keyStorePath,
    readFileSync(certs.serverKey, "utf8") + readFileSync(certs.serverCert, "utf8"),
  );
  const nspPort = await freePort();
  const nspsPort = await freePort();
  const config: RealmConfigInput = {
    name: "bench",
    interfaces: [
      { name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port: nspPort },
      {
        name: "nsps0",
        protocol: "nsps",
        bindAddress: "127.0.0.1",
        port: nspsPort,
        tls: { keyStorePath },
      },
    ],
  };
  writeFileSync(join(data, "realm.json"), JSON.stringify(config, null, 2));
  const child: ChildProcess = spawn(process.execPath, [realmMain, "--data", data], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const nspUrl = `nsp://127.0.0.1:${nspPort}`;
  const nspsUrl = `nsps://127.0.0.1:${nspsPort}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const probe = await RealmClient.connect(nspUrl, { timeoutMs: 1000 });
      await probe.close();
      break;
    } catch (error) {
      if (Date.now() > deadline || child.exitCode !== null) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    nspUrl,
    nspsUrl,
    caCert: certs.caCert,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}

/** A Conclave realm interface: every event persisted to the channel log and acknowledged. */
export function realmTransport(realm: BenchRealm, protocol: "nsp" | "nsps"): Transport {
  const url = protocol === "nsp" ? realm.nspUrl : realm.nspsUrl;
  const tls = protocol === "nsps" ? { ca: readFileSync(realm.caCert, "utf8") } : undefined;
  let channelCount = 0;
  return {
    name: `realm ${protocol}`,
    semantics: "persisted to the channel log, acknowledged per event",
    async open(): Promise<PubSubPair> {
      const channel = `bench/${protocol}-${++channelCount}`;
      const publisher = await RealmClient.connect(url, { tls, client: "bench publisher" });
      const subscriber = await RealmClient.connect(url, { tls, client: "bench subscriber" });
      return {
        async subscribe(onMessage) {
          await subscriber.subscribe(channel, { from: "latest" }, (event) => onMessage(event.data));
        },
        publish: (payload) => publisher.publish(channel, payload),
        flush: async () => {},
        async close() {
          await publisher.close();
          await subscriber.close();
        },
      };
    },
    stop: async () => {},
  };
}
