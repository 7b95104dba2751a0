import { CliError, UsageError } from "./cli-error.js";
import { ExitCode } from "./exit-codes.js";

/** Where the CLI reads and writes; the process streams in main.ts, fakes in tests. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

/** Reads all of stdin and drops one trailing newline (what `echo` and here-strings add). */
export async function readStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

/**
 * Asks for a secret on the terminal without echoing it. Refuses when stdin is not a terminal,
 * so a script never hangs on a prompt: scripts use --password-stdin.
 */
export async function promptSecret(io: Io, prompt: string): Promise<string> {
  const stdin = io.stdin;
  if (!stdin.isTTY || !stdin.setRawMode) {
    throw new UsageError(
      `${prompt.replace(/:\s*$/, "")} needed: stdin is not a terminal; use --password-stdin`,
    );
  }
  io.stderr(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let secret = "";
      const onData = (chunk: Buffer | string) => {
        for (const char of chunk.toString("utf8")) {
          if (char === "\r" || char === "\n" || char === "\u0004") {
            stdin.off("data", onData);
            io.stderr("\n");
            resolve(secret);
            return;
          }
          if (char === "\u0003") {
            stdin.off("data", onData);
            io.stderr("\n");
            reject(new CliError("Cancelled", ExitCode.Usage));
            return;
          }
          if (char === "\u007f" || char === "\b") secret = secret.slice(0, -1);
          else secret += char;
        }
      };
      stdin.on("data", onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
}
