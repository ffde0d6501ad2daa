/**
 * The slot table behind SCAN and RANDOMKEY. Redis's SCAN guarantees that a key present
 * for the whole iteration is returned; a JS `Map` cannot seek to a position, so each key
 * gets a fixed slot here and the cursor is a slot number. A key never changes slot while
 * it lives, so a cursor that only moves forward passes every such key exactly once. Freed
 * slots are reused (newest first) and trailing free slots are trimmed, so the table stays
 * near the largest number of keys held at once; keys added or removed during a scan may
 * or may not be seen, as in Redis.
 *
 * The database builds this lazily on the first SCAN or RANDOMKEY and keeps it in step
 * with every insert and delete after that, so servers that never scan pay nothing.
 */

import { StringKeyMap } from "./string_key_map.ts";

export class ScanIndex {
  #slots: (string | undefined)[] = [];
  #slotOf = new StringKeyMap<number>();
  /** Free slot numbers; entries at or past the end are stale (trimmed) and skipped. */
  #free: number[] = [];

  constructor(keys: Iterable<string>) {
    for (const key of keys) this.add(key);
  }

  /** One past the highest slot in use: cursors run from 0 to this. */
  get length(): number {
    return this.#slots.length;
  }

  /** The key in `slot`, or undefined for a free slot. */
  at(slot: number): string | undefined {
    return this.#slots[slot];
  }

  /** Gives a new key a slot. */
  add(key: string): void {
    const slots = this.#slots;
    let slot = slots.length;
    while (this.#free.length !== 0) {
      const candidate = this.#free.pop()!;
      if (candidate < slots.length && slots[candidate] === undefined) {
        slot = candidate;
        break;
      }
    }
    slots[slot] = key;
    this.#slotOf.set(key, slot);
  }

  /** Frees a deleted key's slot. */
  remove(key: string): void {
    const slot = this.#slotOf.get(key);
    if (slot === undefined) return;
    this.#slotOf.delete(key);
    const slots = this.#slots;
    slots[slot] = undefined;
    if (slot === slots.length - 1) {
      // Trimming moves no key, so cursors stay valid; stale free entries are skipped.
      let end = slot;
      while (end > 0 && slots[end - 1] === undefined) end--;
      slots.length = end;
      if (end === 0) this.#free.length = 0;
    } else {
      this.#free.push(slot);
    }
  }
}
