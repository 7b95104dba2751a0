/**
 * Publish→deliver throughput and latency for 1 KiB events, one publisher and one subscriber
 * on loopback: Conclave's realm over nsp and nsps, against raw TCP (the ceiling) and
 * nats-server over plain TCP and TLS (the peer), all in one run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Transport } from "./lib/endpoint.js";
import { ensureNatsServer, startNats } from "./lib/nats-server.js";
import { natsTransport } from "./lib/nats-transport.js";
import { makeLoopbackCertificates } from "./lib/openssl-certs.js";
import { type RunFigures, type RunOptions, runPubSub } from "./lib/pubsub-run.js";
import { rawTcpTransport } from "./lib/raw-transport.js";
import { realmTransport, startBenchRealm } from "./lib/realm-transport.js";
import { saveResults } from "./lib/results.js";
import { round } from "./lib/stats.js";

const PAYLOAD = 1024;
const saturated: RunOptions = {
  payloadBytes: PAYLOAD,
  maxMessages: 100_000,
  maxSeconds: 10,
  window: 1000,
};
const paced: RunOptions = {
  payloadBytes: PAYLOAD,
  maxMessages: 10_000,
  maxSeconds: 5,
  rate: 2000,
  window: 1000,
};

interface Row {
  transport: string;
  semantics: string;
  saturated: RunFigures;
  paced2000: RunFigures;
}

async function measure(transport: Transport): Promise<Row> {
  const warm = await transport.open();
  await runPubSub(warm, { ...saturated, maxMessages: 5_000, maxSeconds: 2 });
  await warm.close();
  const a = await transport.open();
  const saturatedFigures = await runPubSub(a, saturated);
  await a.close();
  const b = await transport.open();
  const pacedFigures = await runPubSub(b, paced);
  await b.close();
  console.log(
    `${transport.name.padEnd(18)} ${String(saturatedFigures.messagesPerSecond).padStart(8)} msg/s  ` +
      `${String(saturatedFigures.megabytesPerSecond).padStart(7)} MiB/s  p99 saturated ${saturatedFigures.latencyMs.p99} ms  ` +
      `p99 @2000/s ${pacedFigures.latencyMs.p99} ms  lost ${saturatedFigures.lost + pacedFigures.lost}`,
  );
  return {
    transport: transport.name,
    semantics: transport.semantics,
    saturated: saturatedFigures,
    paced2000: pacedFigures,
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "conclave-bench-"));
  const stops: (() => Promise<void>)[] = [];
  try {
    const certs = await makeLoopbackCertificates(dir);
    const transports: Transport[] = [await rawTcpTransport()];
    const realm = await startBenchRealm(dir, certs);
    stops.push(realm.stop);
    transports.push(realmTransport(realm, "nsp"), realmTransport(realm, "nsps"));
    const nats = ensureNatsServer();
    if (nats) {
      transports.push(natsTransport(await startNats(nats)));
      transports.push(
        natsTransport(
          await startNats(nats, { cert: certs.serverCert, key: certs.serverKey }),
          certs.caCert,
        ),
      );
    } else {
      console.warn("nats-server is not installed and cannot be installed here; skipping the peer");
    }

    const rows: Row[] = [];
    for (const transport of transports) {
      stops.push(transport.stop);
      rows.push(await measure(transport));
    }
    const rate = (name: string) =>
      rows.find((r) => r.transport === name)?.saturated.messagesPerSecond;
    const ratio = (a: string, b: string) => {
      const x = rate(a);
      const y = rate(b);
      return x && y ? round(x / y, 3) : null;
    };
    const ratios = {
      nspsOverNsp: ratio("realm nsps", "realm nsp"),
      nspOverRawTcp: ratio("realm nsp", "raw TCP relay"),
      nspsOverRawTcp: ratio("realm nsps", "raw TCP relay"),
      nspOverNats: ratio("realm nsp", "nats-server"),
      nspsOverNatsTls: ratio("realm nsps", "nats-server TLS"),
    };
    console.log("ratios", ratios);
    console.log(
      `nsps reaches ${Math.round((ratios.nspsOverNsp ?? 0) * 100)} % of nsp (target: at least 70 %)`,
    );
    console.log(
      `results: ${saveResults("data-plane", { payloadBytes: PAYLOAD, saturated, paced, rows, ratios })}`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
