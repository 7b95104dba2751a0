import { type ChildProcess, spawn } from "node:child_process";

/**
 * The cheap peer: a bare Express app answering GET /hello with a small JSON body, in its own
 * Node process on 127.0.0.1 — the ceiling this machine and load generator allow an Express
 * route, with no auth, store or logging.
 */
export async function startExpressHello(
  cwd: string,
): Promise<{ url: string; child: ChildProcess }> {
  const source = `
    import express from "express";
    const app = express();
    app.get("/hello", (_req, res) => res.json({ hello: "world" }));
    const server = app.listen(0, "127.0.0.1", () => console.log(server.address().port));
  `;
  const child = spawn(process.execPath, ["--input-type=module", "-e", source], {
    cwd,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once("exit", (code) => reject(new Error(`express peer exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}/hello`, child };
}
