/**
 * A `Map` (and a `Set`) of client-chosen byte strings that a client cannot fill into one hash
 * bucket.
 *
 * Why: V8 hashes a string that reads as an array index (a canonical decimal below 2^32 - 1:
 * "0", "131072", …) by its numeric value, with no seed, so keys that are multiples of the
 * table's bucket count all land in one bucket and every lookup walks them all. Measured on
 * respd: 32,768 `SET <n> v EX 1000` with such names held the server for 6.8 s (random
 * numbers: 0.27 s; Redis 0.07 s), and so did as many ZADD members; a bare `Map` of 32,768
 * such keys takes 5.4 s to fill against 39 ms (BENCHMARKS.md, "Hash flooding").
 *
 * Here such a key is stored with a prefix char outside the byte range (so it equals no byte
 * string, and V8 hashes it as any other string); every other key is stored as it is, for
 * nothing more than a look at its first char and length. Iteration gives the keys back as
 * they were given, in a `Map`'s order, with a `Map` iterator's behaviour under changes.
 */

const TAG = "\u0100";

/** The key as stored: tagged when V8 could read it as an array index. */
function stored(key: string): string {
  const c = key.charCodeAt(0);
  return c <= 0x39 && c >= 0x30 && key.length <= 10 ? TAG + key : key;
}

function given(key: string): string {
  return key.charCodeAt(0) === 0x100 ? key.slice(1) : key;
}

export class StringKeyMap<V> implements ReadonlyMap<string, V> {
  readonly #map = new Map<string, V>();

  get size(): number {
    return this.#map.size;
  }

  get(key: string): V | undefined {
    return this.#map.get(stored(key));
  }

  has(key: string): boolean {
    return this.#map.has(stored(key));
  }

  set(key: string, value: V): this {
    this.#map.set(stored(key), value);
    return this;
  }

  delete(key: string): boolean {
    return this.#map.delete(stored(key));
  }

  clear(): void {
    this.#map.clear();
  }

  *entries(): MapIterator<[string, V]> {
    for (const [k, v] of this.#map) yield [given(k), v];
  }

  *keys(): MapIterator<string> {
    for (const k of this.#map.keys()) yield given(k);
  }

  values(): MapIterator<V> {
    return this.#map.values();
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(visit: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.#map) visit(v, given(k), this);
  }
}

/** A `Set` of client-chosen byte strings, stored as `StringKeyMap` stores its keys. */
export class StringKeySet implements Iterable<string> {
  readonly #set = new Set<string>();

  get size(): number {
    return this.#set.size;
  }

  has(value: string): boolean {
    return this.#set.has(stored(value));
  }

  add(value: string): this {
    this.#set.add(stored(value));
    return this;
  }

  delete(value: string): boolean {
    return this.#set.delete(stored(value));
  }

  clear(): void {
    this.#set.clear();
  }

  *values(): SetIterator<string> {
    for (const v of this.#set) yield given(v);
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const v of this.#set) yield [given(v), given(v)];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(visit: (value: string) => void): void {
    for (const v of this.#set) visit(given(v));
  }
}
