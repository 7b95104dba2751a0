/** The last lines a process wrote, kept in memory so operators can read them without files. */
export class LogRing {
  private readonly lines: string[] = [];
  private partial = "";

  constructor(private readonly capacity: number) {}

  /** Adds output; a line is kept once its newline arrives. */
  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.capacity) this.lines.shift();
    }
  }

  /** The newest `count` lines, oldest first. */
  tail(count = this.capacity): string[] {
    return this.lines.slice(-count);
  }
}
