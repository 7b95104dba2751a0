/**
 * The most recent event ids of a channel and their sequence numbers, bounded: once full, the
 * oldest id is forgotten, so a repeat older than the window is stored again.
 */
export class DedupIndex {
  private readonly ids = new Map<string, number>();
  // Eviction order lives in a ring rather than in the Map's iteration order: V8 Maps that lose
  // their oldest key on every insert make `keys().next()` crawl over the deleted slots.
  // Grows to `capacity` as ids arrive, so an empty channel costs nothing.
  private readonly ring: string[] = [];
  private next = 0;

  constructor(readonly capacity: number) {}

  get(eventId: string): number | undefined {
    return this.ids.get(eventId);
  }

  add(eventId: string, seq: number): void {
    if (this.ids.has(eventId)) {
      this.ids.set(eventId, seq);
      return;
    }
    if (this.ring.length < this.capacity) {
      this.ring.push(eventId);
    } else {
      this.ids.delete(this.ring[this.next]!);
      this.ring[this.next] = eventId;
      this.next = (this.next + 1) % this.capacity;
    }
    this.ids.set(eventId, seq);
  }

  get size(): number {
    return this.ids.size;
  }
}
