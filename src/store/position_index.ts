/**
 * The hash index of a table whose entries sit at dense positions 0..size-1 (the keyspace's
 * key_table.ts, the large hashes' and sets' arena_table.ts): linear probing over a power-of-two
 * array of [position + 1 (0: empty), hash] pairs, at most 3/4 full. Deletion shifts the following
 * entries of the cluster back, so there are no tombstones; the full hash in each slot lets probing,
 * growing and shifting run without touching an entry. The owner probes `slots` itself (it alone
 * knows how to compare its keys) and calls the methods below to change the index.
 */

const MIN_SLOTS = 8;

export class PositionIndex {
  /** [position + 1 (0: empty), hash] per slot; length 2 × a power of two. */
  slots = new Int32Array(2 * MIN_SLOTS);
  mask = MIN_SLOTS - 1;

  /** Bytes held (INFO memory, MEMORY USAGE). */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /**
   * Points the empty `slot` at position `p` (hash `h`), the table's new last position; grows
   * once its p + 1 entries fill 3/4.
   */
  place(slot: number, p: number, h: number): void {
    this.slots[2 * slot] = p + 1;
    this.slots[2 * slot + 1] = h;
    if (4 * (p + 1) > 3 * (this.mask + 1)) this.resize(2 * (this.mask + 1));
  }

  /** Grows the index at once so that `size` entries fit without growing again. */
  reserve(size: number): void {
    let c = this.mask + 1;
    while (4 * size > 3 * c) c *= 2;
    if (c > this.mask + 1) this.resize(c);
  }

  /** Rebuilds the index with `capacity` slots (a power of two) from the stored hashes. */
  resize(capacity: number): void {
    const old = this.slots;
    const slots = new Int32Array(2 * capacity), mask = capacity - 1;
    for (let s = 0; s < old.length; s += 2) {
      const v = old[s];
      if (v === 0) continue;
      const h = old[s + 1];
      let t = h & mask;
      while (slots[2 * t] !== 0) t = (t + 1) & mask;
      slots[2 * t] = v;
      slots[2 * t + 1] = h;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** The slot pointing at position `p`, whose key hashes to `h`. */
  slotOf(p: number, h: number): number {
    const slots = this.slots, mask = this.mask;
    let s = h & mask;
    while (slots[2 * s] !== p + 1) s = (s + 1) & mask;
    return s;
  }

  /** Empties slot `s`: backward-shift deletion pulls later members of the cluster in. */
  remove(s: number): void {
    const slots = this.slots, mask = this.mask;
    let hole = s;
    for (let t = (s + 1) & mask; slots[2 * t] !== 0; t = (t + 1) & mask) {
      const home = slots[2 * t + 1] & mask;
      // t's entry may move to the hole unless its home lies cyclically in (hole, t]
      if (hole <= t ? home <= hole || home > t : home <= hole && home > t) {
        slots[2 * hole] = slots[2 * t];
        slots[2 * hole + 1] = slots[2 * t + 1];
        hole = t;
      }
    }
    slots[2 * hole] = 0;
    slots[2 * hole + 1] = 0;
  }

  /** Gives memory back once `size` entries fill under 1/8 (at most 1/4 full after). */
  shrinkFor(size: number): void {
    const capacity = this.mask + 1;
    if (capacity <= MIN_SLOTS || 8 * size >= capacity) return;
    let c = MIN_SLOTS;
    while (4 * size > c) c *= 2;
    if (c < capacity) this.resize(c);
  }

  copy(): PositionIndex {
    const c = new PositionIndex();
    c.slots = this.slots.slice();
    c.mask = this.mask;
    return c;
  }

  clear(): void {
    this.slots = new Int32Array(2 * MIN_SLOTS);
    this.mask = MIN_SLOTS - 1;
  }
}
