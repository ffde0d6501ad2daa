/**
 * The member → score table of large sorted sets: keys in a dense array, a map from key to
 * its position (string_key_map.ts: no bucket a client can fill), and (optionally) values in
 * a parallel array. (Large hashes and sets moved to store/arena_table.ts, which keeps the
 * same dense positions without a string per key.) A deletion moves the last entry
 * into the freed position, so the arrays never have holes: a random entry (SPOP,
 * SRANDMEMBER, HRANDFIELD, ZRANDMEMBER) is one array read.
 *
 * Scans (HSCAN, SSCAN, ZSCAN) keep Redis's guarantee that an entry present for the whole
 * scan is returned: the cursor walks positions from the top down, and entries only ever
 * move down (a deletion moves the last entry into a lower hole; an insertion appends).
 * An entry ahead of the cursor stays ahead of it until the cursor reaches it; an entry the
 * cursor passed may move below it and be returned twice, which Redis allows too.
 */

import { StringKeyMap } from "./string_key_map.ts";

export class DenseTable<V = undefined> {
  readonly keys: string[] = [];
  /** Values by position; empty for a table without values (sets). */
  readonly values: V[] = [];
  readonly #index = new StringKeyMap<number>();

  constructor(readonly withValues: boolean) {}

  get size(): number {
    return this.keys.length;
  }

  /** Position of `key`, or -1. */
  indexOf(key: string): number {
    return this.#index.get(key) ?? -1;
  }

  has(key: string): boolean {
    return this.#index.has(key);
  }

  /** The value of `key`, or undefined. */
  get(key: string): V | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.values[i];
  }

  /** Adds or replaces; true when `key` is new. */
  set(key: string, value: V): boolean {
    const i = this.#index.get(key);
    if (i !== undefined) {
      this.values[i] = value;
      return false;
    }
    this.#index.set(key, this.keys.length);
    this.keys.push(key);
    if (this.withValues) this.values.push(value);
    return true;
  }

  /** Adds a key without a value (sets); true when new. */
  add(key: string): boolean {
    if (this.#index.has(key)) return false;
    this.#index.set(key, this.keys.length);
    this.keys.push(key);
    return true;
  }

  /** Removes `key`; true when it was there. */
  delete(key: string): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  /** Removes the entry at position `i`, moving the last entry into its place. */
  removeAt(i: number): void {
    const keys = this.keys;
    const last = keys.length - 1;
    this.#index.delete(keys[i]);
    if (i !== last) {
      const moved = keys[last];
      keys[i] = moved;
      this.#index.set(moved, i);
      if (this.withValues) this.values[i] = this.values[last];
    }
    keys.pop();
    if (this.withValues) this.values.pop();
  }

  /** A uniformly random position (the table must not be empty). */
  randomIndex(): number {
    return Math.floor(Math.random() * this.keys.length);
  }

  /**
   * One scan step: visits up to `count` positions from `cursor` downwards and returns the
   * next cursor, 0 when done. Cursor 0 starts at the top; cursor c continues at position
   * c - 1 (clamped to the top, which may have shrunk since).
   */
  scan(cursor: number, count: number, visit: (index: number) => void): number {
    // a cursor no scan of this table returned (-1 wraps to 2^64-1 in Redis): nothing left
    if (cursor >= Number.MAX_SAFE_INTEGER) return 0;
    let pos = cursor === 0 ? this.keys.length - 1 : Math.min(cursor - 1, this.keys.length - 1);
    for (let n = 0; n < count && pos >= 0; n++, pos--) visit(pos);
    return pos < 0 ? 0 : pos + 1;
  }
}
