/**
 * A database's keys, each with its value and its access clock (Redis's `lru` field,
 * key_access.ts), at dense positions 0..size-1 in three parallel arrays, found through a
 * hash index (position_index.ts).
 *
 * Why not two `Map`s (key → value, key → clock), as before: with a million keys every
 * request then missed the CPU cache in two tables, and each V8 `Map` probe compares the
 * request's fresh key string with the stored ones by content; its SET of a new key cost
 * ~1.3 µs here against Redis's whole request at ~1.2–1.7 µs (BENCHMARKS.md, "The keyspace
 * table"). Here a probe reads one index slot holding the full hash, so a key string is
 * compared only when the hash matches; a new key is appended at the end of the arrays; the
 * clock sits beside the value at the same position.
 *
 * Positions are dense (a deletion moves the last entry into the hole), so a random key is
 * one array read, and entries only ever move down: a walk from the top position down sees
 * every entry present for the whole walk (the snapshot's walk, snapshot.ts), as the
 * collections' scans do (dense_table.ts).
 *
 * The hash is arena_table.ts's seeded MurmurHash3, with its caveat (not SipHash).
 */

import { hashString } from "./arena_table.ts";
import { PositionIndex } from "./position_index.ts";

export class KeyTable<V> {
  readonly #index = new PositionIndex();
  #keys: string[] = [];
  #values: V[] = [];
  /** The access clock of each position: a small integer (24 bits), never boxed. */
  #access: number[] = [];
  /**
   * The key last found and its position: the same key asked again (a client polling one
   * key, redis-benchmark without -r) skips the hash. Reset whenever positions move.
   */
  #hintKey: string | null = null;
  #hintAt = -1;
  /** After a miss: the key, its hash and the empty slot, for the insertion that follows. */
  #missKey: string | null = null;
  #missHash = 0;
  #missSlot = 0;

  get size(): number {
    return this.#keys.length;
  }

  /** Position of `key`, or -1. */
  find(key: string): number {
    if (key === this.#hintKey) return this.#hintAt;
    const h = hashString(key);
    const index = this.#index, slots = index.slots, mask = index.mask, keys = this.#keys;
    for (let s = h & mask;; s = (s + 1) & mask) {
      const v = slots[2 * s];
      if (v === 0) {
        this.#missKey = key;
        this.#missHash = h;
        this.#missSlot = s;
        return -1;
      }
      if (slots[2 * s + 1] === h && keys[v - 1] === key) {
        this.#hintKey = key;
        return this.#hintAt = v - 1;
      }
    }
  }

  /** Adds `key`, which must be absent; returns its position. */
  insert(key: string, value: V, access: number): number {
    if (key !== this.#missKey) this.find(key);
    const p = this.#keys.length;
    this.#keys.push(key);
    this.#values.push(value);
    this.#access.push(access);
    this.#index.place(this.#missSlot, p, this.#missHash, p + 1);
    this.#missKey = null;
    this.#hintKey = key;
    this.#hintAt = p;
    return p;
  }

  keyAt(p: number): string {
    return this.#keys[p];
  }

  valueAt(p: number): V {
    return this.#values[p];
  }

  setValueAt(p: number, value: V): void {
    this.#values[p] = value;
  }

  accessAt(p: number): number {
    return this.#access[p];
  }

  setAccessAt(p: number, access: number): void {
    this.#access[p] = access;
  }

  /** Removes the entry at `p`; the last entry moves into its place. */
  removeAt(p: number): void {
    const index = this.#index, keys = this.#keys, values = this.#values, access = this.#access;
    index.remove(index.slotOf(p, hashString(keys[p])));
    const last = keys.length - 1;
    if (p !== last) {
      const moved = keys[last];
      index.slots[2 * index.slotOf(last, hashString(moved))] = p + 1;
      keys[p] = moved;
      values[p] = values[last];
      access[p] = access[last];
    }
    keys.pop();
    values.pop();
    access.pop();
    index.shrinkFor(last);
    this.#hintKey = this.#missKey = null;
  }

  /**
   * The keys by position, live: it changes as keys come and go, so a caller that deletes
   * while walking it walks a copy.
   */
  get keys(): readonly string[] {
    return this.#keys;
  }

  clear(): void {
    this.#index.clear();
    this.#keys = [];
    this.#values = [];
    this.#access = [];
    this.#hintKey = this.#missKey = null;
  }

  /** Bytes of the index and the three arrays (not the keys' and values' own). */
  get bytes(): number {
    return this.#index.bytes + 12 * this.#keys.length;
  }
}
