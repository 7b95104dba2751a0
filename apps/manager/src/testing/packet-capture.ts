import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * tshark on the loopback interface, limited to some TCP ports, writing a pcap file (tshark is
 * installed by scripts/ensure-tools.mjs). Capturing needs root or the capture capabilities:
 * {@link PacketCapture.start} answers why it cannot instead of a capture.
 */
export class PacketCapture {
  private constructor(
    readonly file: string,
    readonly ports: number[],
    private readonly child: ChildProcess,
    private readonly exited: Promise<number | null>,
    private readonly stderr: () => string,
  ) {}

  static async start(file: string, ports: number[]): Promise<PacketCapture | { cannot: string }> {
    const filter = ports.map((p) => `tcp port ${p}`).join(" or ");
    let child: ChildProcess;
    try {
      child = spawn("tshark", ["-i", "lo", "-f", filter, "-w", file], {
        stdio: ["ignore", "ignore", "pipe"],
      });
    } catch (error) {
      return { cannot: `tshark did not start: ${(error as Error).message}` };
    }
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", resolve);
      child.once("error", (error) => {
        stderr += String(error);
        resolve(-1);
      });
    });
    // tshark says "Capturing on 'Loopback: lo'" once packets are being written.
    const deadline = Date.now() + 15_000;
    while (!stderr.includes("Capturing on")) {
      if (child.exitCode !== null || child.signalCode !== null || /error|denied/i.test(stderr)) {
        child.kill("SIGKILL");
        await exited;
        return { cannot: `tshark cannot capture on lo: ${stderr.trim()}` };
      }
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        return { cannot: `tshark did not start capturing within 15 s: ${stderr.trim()}` };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return new PacketCapture(file, ports, child, exited, () => stderr);
  }

  /** Stops capturing (SIGINT flushes the file); the number of packets tshark reports. */
  async stop(): Promise<string> {
    if (this.child.exitCode === null) this.child.kill("SIGINT");
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
    return this.stderr().trim();
  }

  /** Packets that tshark dissects as TLS records (the ports decoded as TLS). */
  async tlsRecords(): Promise<number> {
    const decodeAs = this.ports.flatMap((p) => ["-d", `tcp.port==${p},tls`]);
    const { stdout } = await run(
      "tshark",
      ["-r", this.file, ...decodeAs, "-Y", "tls.record", "-T", "fields", "-e", "frame.number"],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout.split("\n").filter((l) => l.trim()).length;
  }

  /** Packets in the file, whatever they carry. */
  async packets(): Promise<number> {
    const { stdout } = await run(
      "tshark",
      ["-r", this.file, "-T", "fields", "-e", "frame.number"],
      {
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return stdout.split("\n").filter((l) => l.trim()).length;
  }

  /** Whether `text` appears anywhere in the raw bytes of the capture file. */
  async contains(text: string): Promise<boolean> {
    return (await readFile(this.file)).includes(Buffer.from(text, "utf8"));
  }
}
