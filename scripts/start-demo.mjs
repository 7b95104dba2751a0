#!/usr/bin/env node
// `npm start`: the manager on http://127.0.0.1:8080 (PORT to change), a local node agent
// enrolled automatically, and three demo realms (realm-a, realm-b, realm-c) on 127.0.0.1 with
// one nsp interface each (ports 9000, 9010, 9020; CONCLAVE_DEMO_BASE_PORT to move them), not
// clustered. State lives in ./data (CONCLAVE_DATA_DIR) and survives restarts. Ctrl-C stops
// everything cleanly. See README.md and docs/agent.md.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const dataDir = resolve(process.env.CONCLAVE_DATA_DIR ?? join(root, "data"));
const agentState = join(dataDir, "agent");
const tokenFile = join(dataDir, "local-agent-enrolment.json");
const basePort = Number(process.env.CONCLAVE_DEMO_BASE_PORT ?? 9000);
const demoRealms = ["realm-a", "realm-b", "realm-c"].map((name, i) => ({
  name,
  port: basePort + i * 10,
}));
const verbose = process.env.CONCLAVE_DEMO_VERBOSE === "1";
const enrolled = existsSync(join(agentState, "identity", "agent.json"));

/** Spawns a child whose stdout lines go to `onLine`; stderr passes through. */
function start(name, args, env, onLine) {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let partial = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop();
    for (const line of lines) onLine(line);
  });
  child.name = name;
  child.exited = new Promise((done) => child.once("exit", (code) => done(code)));
  return child;
}

/** Shows warnings and errors (everything with CONCLAVE_DEMO_VERBOSE=1), compactly. */
function show(name, line) {
  if (!line.startsWith("{")) {
    if (line.trim()) console.log(line);
    return;
  }
  const entry = JSON.parse(line);
  if (verbose || entry.level === "warn" || entry.level === "error") {
    const { time: _t, level, msg, ...rest } = entry;
    console.log(
      `[${name}] ${level}: ${msg} ${Object.keys(rest).length ? JSON.stringify(rest) : ""}`,
    );
  }
}

function waitFor(promiseHolder, what, ms = 60_000) {
  return Promise.race([
    promiseHolder,
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms),
    ),
  ]);
}

const children = [];
let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping Conclave (agent and its realms, then the manager)…");
  // The agent first: it stops its realms and remembers to start them next time.
  for (const child of [...children].reverse()) {
    if (child.exitCode === null) child.kill("SIGTERM");
    await child.exited;
  }
  process.exit(code);
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => void stopAll(0));

// 1. The manager.
let generatedPassword;
let resolveManager;
let resolveGateway;
const managerUrl = new Promise((r) => (resolveManager = r));
const gatewayUrl = new Promise((r) => (resolveGateway = r));
const manager = start(
  "manager",
  ["apps/manager/dist/main.js"],
  {
    CONCLAVE_DATA_DIR: dataDir,
    ...(enrolled ? {} : { CONCLAVE_ENROLMENT_TOKEN_FILE: tokenFile }),
  },
  (line) => {
    const password = /created user "admin" with password (\S+)/.exec(line)?.[1];
    if (password) generatedPassword = password;
    if (line.startsWith("{")) {
      const entry = JSON.parse(line);
      if (entry.msg === "listening") resolveManager(entry.url);
      if (entry.msg === "agent gateway listening") resolveGateway(entry.url);
    }
    if (!password) show("manager", line);
  },
);
children.push(manager);
manager.exited.then((code) => {
  if (!stopping) {
    console.error(`The manager exited (${code}).`);
    void stopAll(1);
  }
});

try {
  const url = await waitFor(managerUrl, "the manager");
  const gateway = await waitFor(gatewayUrl, "the agent gateway");

  // 2. The local agent: enrolled with the one-time token the manager wrote, on first start.
  const agentArgs = [
    "apps/agent/dist/main.js",
    "--state",
    agentState,
    "--manager",
    gateway,
    "--listen",
    "127.0.0.1:0",
  ];
  if (!enrolled) {
    const { token } = JSON.parse(await readFile(tokenFile, "utf8"));
    // One argument: a token may start with "-", which would read as an option.
    agentArgs.push(`--token=${token}`);
  }
  let resolveAgent;
  const agentReady = new Promise((r) => (resolveAgent = r));
  const agent = start("agent", agentArgs, {}, (line) => {
    if (line.startsWith("{") && JSON.parse(line).msg === "listening") {
      resolveAgent(JSON.parse(line).agentId);
    }
    show("agent", line);
  });
  children.push(agent);
  agent.exited.then((code) => {
    if (!stopping) {
      console.error(`The agent exited (${code}).`);
      void stopAll(1);
    }
  });
  const agentId = await waitFor(agentReady, "the agent");
  await rm(tokenFile, { force: true });

  // 3. The demo realms, through the manager's API (so they are in its desired state).
  const password = process.env.CONCLAVE_ADMIN_PASSWORD ?? generatedPassword;
  let realms = [];
  if (password) realms = await seedRealms(url, password, agentId);

  console.log(`\nConclave is running at ${url}`);
  if (generatedPassword) {
    console.log(`Sign in as "admin" with password ${generatedPassword} (shown once; change it).`);
  } else if (process.env.CONCLAVE_ADMIN_PASSWORD) {
    console.log('Sign in as "admin" with the password in CONCLAVE_ADMIN_PASSWORD.');
  } else {
    console.log('Sign in as "admin" with the password printed at the first start.');
  }
  for (const realm of realms) {
    const where = realm.interfaces
      .map((i) => `${i.alias} ${i.status} ${i.protocol}://${i.bindAddress}:${i.port}`)
      .join(", ");
    console.log(
      `  ${realm.name.padEnd(8)} ${realm.state.padEnd(8)} pid ${realm.pid ?? "-"}  ${where}`,
    );
  }
  console.log("Press Ctrl-C to stop.");
} catch (error) {
  console.error(`Conclave did not start: ${error.message}`);
  await stopAll(1);
}

async function seedRealms(url, password, agentId) {
  const login = await fetch(`${url}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  });
  if (!login.ok) {
    console.log("(Could not sign in as admin to check the demo realms; skipping that step.)");
    return [];
  }
  const cookie = login.headers.get("set-cookie").split(";")[0];
  const { csrfToken } = await login.json();
  const headers = { cookie, "x-csrf-token": csrfToken, "content-type": "application/json" };
  const list = async () => (await fetch(`${url}/api/v1/realms`, { headers })).json();
  const existing = new Set((await list()).map((r) => r.name));
  for (const { name, port } of demoRealms) {
    if (existing.has(name)) continue;
    const body = JSON.stringify({
      name,
      agentId,
      interfaces: [{ alias: "nsp0", protocol: "nsp", bindAddress: "127.0.0.1", port }],
    });
    // The agent becomes callable once its first report has told the manager where it listens.
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${url}/api/v1/realms`, { method: "POST", headers, body });
      if (res.ok) break;
      if (res.status !== 503 || attempt > 100) {
        console.error(`${name} was not created: ${(await res.json()).error?.message}`);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Wait (briefly) until the agent has reported every demo realm running.
  let realms = await list();
  for (let i = 0; i < 50 && realms.some((r) => r.state !== "running"); i++) {
    await new Promise((r) => setTimeout(r, 200));
    realms = await list();
  }
  await fetch(`${url}/api/v1/session`, { method: "DELETE", headers });
  return realms;
}
