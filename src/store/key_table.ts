/**
 * A database's keys, each with its value and its access clock (Redis's `lru` field,
 * key_access.ts), at dense positions 0..size-1 of one array (position p: key, value and
 * clock at 3p, 3p+1, 3p+2, so the key's comparison brings its value and clock into the
 * CPU cache with it), found through a hash index (position_index.ts).
 *
 * Why not two `Map`s (key → value, key → clock), as before: with a million keys every
 * request then missed the CPU cache in two tables, and each V8 `Map` probe compares the
 * request's fresh key string with the stored ones by content; its SET of a new key cost
 * ~1.3 µs here against Redis's whole request at ~1.2–1.7 µs (BENCHMARKS.md, "Sixth round:
 * the keyspace table"). Here a probe reads one index slot holding the full hash, so a key string is
 * compared only when the hash matches; a new key is appended at the end of the array.
 *
 * Positions are dense (a deletion moves the last entry into the hole), so a random key is
 * one array read, and entries only ever move down: a walk from the top position down sees
 * every entry present for the whole walk (the snapshot's walk, snapshot.ts), as the
 * collections' scans do (dense_table.ts).
 *
 * The hash is key_hash.ts's keyed HalfSipHash-1-3, so clients cannot aim keys at one probe
 * run.
 */

import { hashString } from "./key_hash.ts";
import { PositionIndex } from "./position_index.ts";

/** Keys `prefetch` takes at once. */
export const PREFETCH_LIMIT = 64;
/** `prefetch`'s scratch: the key and value of each key found. */
const REACHED: unknown[] = new Array(2 * PREFETCH_LIMIT).fill("");

export class KeyTable<V> {
  readonly #index = new PositionIndex();
  /** Key, value and access clock (a small integer, 24 bits, never boxed) per position. */
  #entries: (string | V | number)[] = [];
  #size = 0;
  /**
   * The key last found and its position: the same key asked again (a client polling one
   * key, redis-benchmark without -r) skips the hash. Reset whenever positions move.
   * Likewise the key last missed, until the table changes.
   */
  #hintKey: string | null = null;
  #hintAt = -1;
  /** After a miss: the key, its hash and the empty slot, for the insertion that follows. */
  #missKey: string | null = null;
  #missHash = 0;
  #missSlot = 0;

  get size(): number {
    return this.#size;
  }

  /** Grows the index at once to hold `keys` keys (not past 2^26: a hint, not a promise). */
  reserve(keys: number): void {
    this.#missKey = null; // slots move
    this.#index.reserve(Math.min(keys, 1 << 26));
  }

  /** Position of `key`, or -1. */
  find(key: string): number {
    if (key === this.#hintKey) return this.#hintAt;
    // asked again before any change (INFO's hit count looks a read's key up first)
    if (key === this.#missKey) return -1;
    const h = hashString(key);
    const index = this.#index, slots = index.slots, mask = index.mask, entries = this.#entries;
    for (let s = h & mask;; s = (s + 1) & mask) {
      const v = slots[2 * s];
      if (v === 0) {
        this.#missKey = key;
        this.#missHash = h;
        this.#missSlot = s;
        return -1;
      }
      if (slots[2 * s + 1] === h && entries[3 * (v - 1)] === key) {
        this.#hintKey = key;
        return this.#hintAt = v - 1;
      }
    }
  }

  /**
   * Brings the entries of the keys hashing to `hashes[0, n)` (n at most PREFETCH_LIMIT)
   * into the CPU cache (key_prefetch.ts): first their slots, then their entries, then the
   * key and value objects, each pass a run of loads independent of each other, so the CPU
   * overlaps their misses. Only reads (`hashes` is overwritten). Returns the total length
   * of the keys found and of their values that are strings, so the loads are used.
   */
  prefetch(hashes: Int32Array, n: number): number {
    const index = this.#index, slots = index.slots, mask = index.mask, entries = this.#entries;
    n = Math.min(n, PREFETCH_LIMIT);
    const found = hashes; // each hash becomes its key's position + 1, or 0
    for (let i = 0; i < n; i++) {
      const h = hashes[i];
      let s = h & mask, v = slots[2 * s];
      // along the probe to the hash (the key, barring a full-hash collision) or a gap
      while (v !== 0 && slots[2 * s + 1] !== h) v = slots[2 * (s = (s + 1) & mask)];
      found[i] = v;
    }
    const reached = REACHED;
    for (let i = 0; i < n; i++) {
      const v = found[i];
      reached[2 * i] = v === 0 ? "" : entries[3 * (v - 1)];
      reached[2 * i + 1] = v === 0 ? "" : entries[3 * (v - 1) + 1];
    }
    let total = 0;
    for (let i = 0; i < 2 * n; i++) {
      const object = reached[i];
      if (typeof object === "string") total += object.length;
      reached[i] = ""; // holds nothing past the call
    }
    return total;
  }

  /** Adds `key`, which must be absent; returns its position. */
  insert(key: string, value: V, access: number): number {
    if (key !== this.#missKey) this.find(key);
    const p = this.#size++;
    this.#entries.push(key, value, access);
    this.#index.place(this.#missSlot, p, this.#missHash);
    this.#missKey = null;
    this.#hintKey = key;
    this.#hintAt = p;
    return p;
  }

  keyAt(p: number): string {
    return this.#entries[3 * p] as string;
  }

  valueAt(p: number): V {
    return this.#entries[3 * p + 1] as V;
  }

  setValueAt(p: number, value: V): void {
    this.#entries[3 * p + 1] = value;
  }

  accessAt(p: number): number {
    return this.#entries[3 * p + 2] as number;
  }

  setAccessAt(p: number, access: number): void {
    this.#entries[3 * p + 2] = access;
  }

  /** Removes the entry at `p`; the last entry moves into its place. */
  removeAt(p: number): void {
    const index = this.#index, entries = this.#entries;
    index.remove(index.slotOf(p, hashString(entries[3 * p] as string)));
    const last = --this.#size;
    if (p !== last) {
      const moved = entries[3 * last] as string;
      index.slots[2 * index.slotOf(last, hashString(moved))] = p + 1;
      entries[3 * p] = moved;
      entries[3 * p + 1] = entries[3 * last + 1];
      entries[3 * p + 2] = entries[3 * last + 2];
    }
    entries.length = 3 * last;
    index.shrinkFor(last);
    this.#hintKey = this.#missKey = null;
  }

  /** The keys by position (a copy). */
  keys(): string[] {
    const out = new Array<string>(this.#size), entries = this.#entries;
    for (let p = 0; p < out.length; p++) out[p] = entries[3 * p] as string;
    return out;
  }

  clear(): void {
    this.#index.clear();
    this.#entries = [];
    this.#size = 0;
    this.#hintKey = this.#missKey = null;
  }
}
