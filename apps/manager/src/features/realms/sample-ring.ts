/**
 * A fixed-size ring of time-stamped samples, oldest first. Pushing past `capacity` overwrites
 * the oldest sample and samples older than `maxAgeMs` are dropped, so memory stays bounded
 * whatever the sampling rate and however long the process runs.
 */
export class SampleRing<T extends { at: number }> {
  private readonly slots: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(
    readonly capacity: number,
    readonly maxAgeMs: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError("capacity must be a positive integer");
    }
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Appends `sample`; samples must come in time order. */
  push(sample: T): void {
    this.prune(sample.at);
    const tail = (this.head + this.count) % this.capacity;
    this.slots[tail] = sample;
    if (this.count < this.capacity) this.count++;
    else this.head = (this.head + 1) % this.capacity;
  }

  /** The newest sample, if any. */
  last(): T | undefined {
    return this.count === 0 ? undefined : this.slots[(this.head + this.count - 1) % this.capacity];
  }

  /** Samples taken at or after `from`, oldest first, none older than `maxAgeMs` before `now`. */
  since(from: number, now = Date.now()): T[] {
    this.prune(now);
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const sample = this.slots[(this.head + i) % this.capacity]!;
      if (sample.at >= from) out.push(sample);
    }
    return out;
  }

  /** Drops samples older than `maxAgeMs` before `now`. */
  prune(now: number): void {
    const oldest = now - this.maxAgeMs;
    while (this.count > 0 && this.slots[this.head]!.at < oldest) {
      this.slots[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.count--;
    }
  }
}
