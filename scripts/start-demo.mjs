#!/usr/bin/env node
// `npm start`: three demo realms (realm-a, realm-b, realm-c) on 127.0.0.1, each with one nsp
// interface (ports 9000, 9010, 9020), supervised by a local node agent. State lives in ./data
// and survives restarts. Ctrl-C stops everything cleanly.
// The manager and console join this launcher with the manager issue.
import { resolve } from "node:path";
import { Supervisor } from "@conclave/agent";
import { RealmConfigSchema } from "@conclave/protocol";

const root = resolve(import.meta.dirname, "..");
const demoRealms = [
  { name: "realm-a", port: 9000 },
  { name: "realm-b", port: 9010 },
  { name: "realm-c", port: 9020 },
];

const supervisor = await Supervisor.open({
  stateDir: resolve(process.env.CONCLAVE_DATA ?? resolve(root, "data"), "agent"),
  realmEntry: resolve(root, "apps/realm/dist/main.js"),
});

for (const { name, port } of demoRealms) {
  if (supervisor.names().includes(name)) continue;
  const config = RealmConfigSchema.parse({
    name,
    interfaces: [{ name: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port }],
  });
  await supervisor.create({ name, config }).catch((error) => {
    console.error(`${name} did not start: ${error.message}`);
  });
}

for (const realm of await supervisor.report()) {
  const where = realm.status?.interfaces
    .map(
      (i) =>
        `${i.name} ${i.state} nsp://${i.bindAddress}:${i.boundPort ?? i.port}${i.error ? ` (${i.error})` : ""}`,
    )
    .join(", ");
  console.log(
    `${realm.name.padEnd(8)} ${realm.state.padEnd(8)} pid ${realm.pid ?? "-"}  ${where ?? ""}`,
  );
}
console.log("\nConclave demo realms are running. Press Ctrl-C to stop them.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping the demo realms…");
    await supervisor.shutdown();
    process.exit(0);
  });
}
