#!/usr/bin/env node
import { runCli } from "./run-cli.js";

const code = await runCli(
  process.argv.slice(2),
  {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: process.stdin,
  },
  process.env,
);
// Exit explicitly (idle keep-alive sockets would hold the process), once stdout has drained.
process.stdout.write("", () => process.exit(code));
