import { randomBytes } from "node:crypto";
import { createServer, get, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ManagerEvent } from "@conclave/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConclaveApp, createApp } from "../../app.js";
import { PasswordHasher } from "../../auth/password-hasher.js";
import { createLogger } from "../../logging/logger.js";
import type { Db } from "../../store/db.js";
import { migrate } from "../../store/migrate.js";
import { openPostgresDb } from "../../store/postgres-db.js";
import { SecretBox } from "../../store/secrets.js";
import { startTestPostgres, type TestPostgres } from "../../store/test-postgres.js";
import { UsersRepo } from "../../store/users.repo.js";
import { TEST_CONFIG, TEST_MASTER_KEY, TEST_PASSWORD } from "../../testing/test-app.js";
import { Fleet } from "../agents/fleet.js";
import { ChunkAssembler, PgEventBus, toNotifications } from "./event-bus.js";

interface Replica {
  db: Db;
  fleet: Fleet;
  app: ConclaveApp;
  server: Server;
  port: number;
}

async function startReplica(url: string): Promise<Replica> {
  const db = await openPostgresDb(url);
  const logger = createLogger({ level: "warn", write: () => {} });
  const bus = await PgEventBus.connect(url, db, logger);
  const secretBox = new SecretBox(TEST_MASTER_KEY);
  const fleet = new Fleet({ db, logger, secretBox, bus });
  const app = createApp({ config: TEST_CONFIG, db, logger, secrets: secretBox, fleet });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { db, fleet, app, server, port: (server.address() as AddressInfo).port };
}

async function signInCookie(replica: Replica): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${replica.port}/api/v1/session`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "root", password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return res.headers.getSetCookie()[0]!.split(";")[0]!;
}

/** Opens GET /api/v1/events on `replica`; resolves once the stream is connected. */
async function openStream(replica: Replica, cookie: string) {
  const events: ManagerEvent[] = [];
  const waiters: Array<() => void> = [];
  let close = () => {};
  await new Promise<void>((resolve, reject) => {
    const req = get(
      { host: "127.0.0.1", port: replica.port, path: "/api/v1/events", headers: { cookie } },
      (res) => {
        let buffer = "";
        res.on("data", (chunk: Buffer) => {
          buffer += chunk.toString();
          if (buffer.includes(": connected")) resolve();
          let end = buffer.indexOf("\n\n");
          while (end >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = message.split("\n").find((line) => line.startsWith("data: "));
            if (data) {
              events.push(JSON.parse(data.slice(6)) as ManagerEvent);
              for (const wake of waiters.splice(0)) wake();
            }
            end = buffer.indexOf("\n\n");
          }
        });
      },
    );
    req.on("error", reject);
    close = () => req.destroy();
  });
  return {
    events,
    close,
    /** Resolves when `predicate` matches an event, rejects after `ms`. */
    async waitFor(predicate: (e: ManagerEvent) => boolean, ms: number): Promise<ManagerEvent> {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no matching event within ${ms} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

describe("ChunkAssembler", () => {
  it("reassembles chunks of multi-byte text and passes small payloads through", () => {
    const json = JSON.stringify({ text: "é€😀".repeat(3000) });
    const parts = toNotifications(json);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(Buffer.byteLength(part)).toBeLessThan(8000);
    const assembler = new ChunkAssembler();
    const results = [...parts].reverse().map((p) => assembler.add(p));
    expect(results.slice(0, -1).every((r) => r === undefined)).toBe(true);
    expect(results.at(-1)).toBe(json);
    expect(assembler.add('{"a":1}')).toBe('{"a":1}');
  });
});

describe("events across replicas on PostgreSQL", () => {
  let postgres: TestPostgres;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    postgres = await startTestPostgres();
    const url = await postgres.createDatabase();
    const setup = await openPostgresDb(url);
    await migrate(setup);
    const hasher = new PasswordHasher(TEST_CONFIG.passwordHashing);
    await new UsersRepo(setup).create({
      username: "root",
      role: "admin",
      passwordHash: await hasher.hash(TEST_PASSWORD),
    });
    await setup.close();
    a = await startReplica(url);
    b = await startReplica(url);
  }, 60_000);

  afterAll(async () => {
    for (const replica of [a, b]) {
      if (!replica) continue;
      replica.server.closeAllConnections();
      await new Promise((resolve) => replica.server.close(resolve));
      await replica.fleet.bus.close();
      await replica.db.close();
    }
    await postgres?.stop();
  });

  it("delivers an event published on replica A to an SSE subscriber on replica B within 1 s", async () => {
    const stream = await openStream(b, await signInCookie(b));
    try {
      const agent = `agent-${randomBytes(4).toString("hex")}`;
      const started = Date.now();
      await a.fleet.bus.publish({ type: "agent.connection", agent, connected: true });
      const event = await stream.waitFor(
        (e) => e.type === "agent.connection" && e.agent === agent,
        1000,
      );
      expect(Date.now() - started).toBeLessThan(1000);
      expect(event).toMatchObject({ type: "agent.connection", agent, connected: true });
    } finally {
      stream.close();
    }
  });

  it("delivers events larger than NOTIFY's 8000-byte limit, in order with small ones", async () => {
    const stream = await openStream(b, await signInCookie(b));
    try {
      const members = Array.from({ length: 400 }, (_, i) => ({
        realm: `realm-ü-${i.toString().padStart(4, "0")}`,
        state: "connected",
      }));
      await a.fleet.bus.publish({
        type: "cluster.status",
        cluster: "big",
        status: "Active",
        previous: null,
        master: "realm-ü-0000",
        connectedServers: 400,
        disconnectedServers: 0,
        members,
      });
      await a.fleet.bus.publish({ type: "agent.connection", agent: "after-big", connected: true });
      expect(JSON.stringify(members).length).toBeGreaterThan(8000);
      const big = await stream.waitFor((e) => e.type === "cluster.status", 1000);
      expect(big).toMatchObject({ cluster: "big", members });
      await stream.waitFor((e) => e.type === "agent.connection" && e.agent === "after-big", 1000);
      const types = stream.events.map((e) => e.type);
      expect(types.indexOf("cluster.status")).toBeLessThan(types.indexOf("agent.connection"));
      // Replica A's own subscribers get it too.
      const own = await openStream(a, await signInCookie(a));
      try {
        await a.fleet.bus.publish({ type: "agent.drift", agent: "x", changes: 1 });
        await own.waitFor((e) => e.type === "agent.drift", 1000);
      } finally {
        own.close();
      }
    } finally {
      stream.close();
    }
  });
});
