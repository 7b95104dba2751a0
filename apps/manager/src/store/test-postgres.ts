import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);

/** A throwaway PostgreSQL cluster on 127.0.0.1, for tests. */
export interface TestPostgres {
  /** URL of the cluster's `postgres` database (superuser `conclave`, trust auth, loopback only). */
  url: string;
  /** Creates an empty database and returns its URL; one per test keeps tests apart. */
  createDatabase(): Promise<string>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/**
 * Directory holding initdb, pg_ctl and postgres: the newest /usr/lib/postgresql/N/bin (Debian),
 * else `pg_config --bindir`. A `pg_ctl` on PATH alone is not enough: Debian's wrapper scripts
 * need a configured cluster, so the real binaries must be found.
 */
export function findPostgresBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(root, version, "bin");
      if (["initdb", "pg_ctl", "postgres"].every((tool) => existsSync(join(bin, tool)))) return bin;
    }
  }
  return undefined;
}

/** PostgreSQL refuses to run as root; as root, run it as `postgres` (or `nobody`). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = readFileSync("/etc/passwd", "utf8").split("\n");
  for (const name of ["postgres", "nobody"]) {
    const fields = passwd.find((line) => line.startsWith(`${name}:`))?.split(":");
    if (fields) return { uid: Number(fields[2]), gid: Number(fields[3]) };
  }
  throw new Error("Running as root, but there is neither a postgres nor a nobody user");
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a PostgreSQL cluster in a temp directory: initdb, then pg_ctl start on 127.0.0.1 and
 * a free port, with durability off (fsync, synchronous_commit) because tests throw it away.
 * Call once per test file (beforeAll) and `stop()` in afterAll.
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBinDir();
  if (!bin) {
    throw new Error(
      "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; run `node scripts/ensure-tools.mjs`",
    );
  }
  const user = serverUser();
  const root = await mkdtemp(join(tmpdir(), "conclave-pg-"));
  if (user) await chown(root, user.uid, user.gid);
  const data = join(root, "data");
  const as = { ...(user ?? {}), cwd: root, env: { ...process.env, LC_ALL: "C" } };
  await run(
    join(bin, "initdb"),
    ["-D", data, "-U", "conclave", "--auth=trust", "-E", "UTF8", "--no-sync"],
    as,
  );

  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    const options = [
      "-c listen_addresses=127.0.0.1",
      `-p ${port}`,
      `-c unix_socket_directories=${root}`,
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=100",
    ].join(" ");
    try {
      await run(
        join(bin, "pg_ctl"),
        ["-D", data, "-l", join(root, "server.log"), "-w", "-t", "60", "-o", options, "start"],
        as,
      );
      break;
    } catch (error) {
      // Another process may have taken the port between freePort() and start.
      if (attempt >= 3) {
        await rm(root, { recursive: true, force: true });
        throw error;
      }
    }
  }

  const url = `postgres://conclave@127.0.0.1:${port}/postgres`;
  let databases = 0;
  return {
    url,
    async createDatabase() {
      const name = `test_${process.pid}_${++databases}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://conclave@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await run(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], as).catch(
        () => {},
      );
      await rm(root, { recursive: true, force: true });
    },
  };
}
