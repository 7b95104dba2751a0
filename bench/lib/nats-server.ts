import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

/** Installs Debian's nats-server when it is missing (benchmarks only; tests never need it). */
export function ensureNatsServer(): string | null {
  const found = spawnSync("sh", ["-c", "command -v nats-server"], { encoding: "utf8" });
  if (found.status === 0) return found.stdout.trim();
  if (process.getuid?.() !== 0) return null;
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["install", "-y", "-q", "nats-server"], { stdio: "inherit", env });
  } catch {
    execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-q", "nats-server"], { stdio: "inherit", env });
  }
  return "nats-server";
}

/** A port that was free a moment ago (nats-server cannot report a port it chose itself). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface RunningNats {
  port: number;
  stop(): Promise<void>;
}

/** Starts nats-server on 127.0.0.1, with TLS when cert and key are given. */
export async function startNats(
  binary: string,
  tls?: { cert: string; key: string },
): Promise<RunningNats> {
  const port = await freePort();
  const args = ["-a", "127.0.0.1", "-p", String(port)];
  if (tls) args.push("--tls", "--tlscert", tls.cert, "--tlskey", tls.key);
  const child: ChildProcess = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let log = "";
    const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${log}`)), 10_000);
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Server is ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => reject(new Error(`nats-server exited with ${code}:\n${log}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
