/**
 * A hash value in Redis's two encodings. Small hashes ("listpack") are one flat array
 * field, value, field, value … in insertion order, searched linearly as Redis searches its
 * listpack, which keeps Redis's reply order for them. Past `hash-max-listpack-entries`
 * fields, or on a field or value longer than `hash-max-listpack-value` bytes, the hash
 * moves for good to a `DenseTable` ("hashtable"): O(1) lookups, random fields and scans
 * that keep SCAN's guarantee.
 */

import { DenseTable } from "../dense_table.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../encoding_limits.ts";
import { containerBytes, ELEMENT_OVERHEAD, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** A hash value. `kind` tells the value model's exhaustive switch which type this is. */
export class HashValue {
  readonly kind = "hash";
  /** The listpack form, or null once converted. */
  #pairs: string[] | null = [];
  #table: DenseTable<string> | null = null;

  get encoding(): "listpack" | "hashtable" {
    return this.#pairs === null ? "hashtable" : "listpack";
  }

  get size(): number {
    return this.#pairs === null ? this.#table!.size : this.#pairs.length >> 1;
  }

  #find(field: string): number {
    const pairs = this.#pairs!;
    for (let i = 0; i < pairs.length; i += 2) if (pairs[i] === field) return i;
    return -1;
  }

  get(field: string): string | undefined {
    if (this.#pairs === null) return this.#table!.get(field);
    const i = this.#find(field);
    return i < 0 ? undefined : this.#pairs[i + 1];
  }

  has(field: string): boolean {
    return this.get(field) !== undefined;
  }

  /**
   * Converts to the large form if `field` or `value` is too long for the listpack: Redis
   * checks a command's arguments before it writes any of them (HSET, HSETNX).
   */
  prepare(field: string, value = "", limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): void {
    const max = limits.hashMaxListpackValue;
    if (this.#pairs !== null && (field.length > max || value.length > max)) this.#convert();
  }

  /** Sets a field; true when it is new. */
  set(field: string, value: string, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    this.prepare(field, value, limits);
    const pairs = this.#pairs;
    if (pairs === null) return this.#table!.set(field, value);
    const i = this.#find(field);
    if (i >= 0) {
      pairs[i + 1] = value;
      return false;
    }
    pairs.push(field, value);
    if (pairs.length >> 1 > limits.hashMaxListpackEntries) this.#convert();
    return true;
  }

  /** Deletes a field; true when it existed. */
  delete(field: string): boolean {
    if (this.#pairs === null) return this.#table!.delete(field);
    const i = this.#find(field);
    if (i < 0) return false;
    this.#pairs.splice(i, 2);
    return true;
  }

  #convert(): void {
    const table = new DenseTable<string>(true);
    const pairs = this.#pairs!;
    for (let i = 0; i < pairs.length; i += 2) table.set(pairs[i], pairs[i + 1]);
    this.#table = table;
    this.#pairs = null;
  }

  /** The field at position `i` (0 ≤ i < size), in the order HGETALL gives. */
  fieldAt(i: number): string {
    return this.#pairs === null ? this.#table!.keys[i] : this.#pairs[2 * i];
  }

  /** The value at position `i`. */
  valueAt(i: number): string {
    return this.#pairs === null ? this.#table!.values[i] : this.#pairs[2 * i + 1];
  }

  /** Every field and value, in reply order. */
  forEach(visit: (field: string, value: string) => void): void {
    if (this.#pairs === null) {
      const { keys, values } = this.#table!;
      for (let i = 0; i < keys.length; i++) visit(keys[i], values[i]);
    } else {
      const pairs = this.#pairs;
      for (let i = 0; i < pairs.length; i += 2) visit(pairs[i], pairs[i + 1]);
    }
  }

  /**
   * One HSCAN step: the listpack form returns everything at once (cursor 0), as Redis
   * does; the large form walks `count` positions (see DenseTable.scan).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.#pairs !== null) {
      this.forEach(visit);
      return 0;
    }
    const { keys, values } = this.#table!;
    return this.#table!.scan(cursor, count, (i) => visit(keys[i], values[i]));
  }

  /** A deep copy in the same encoding (COPY). */
  copy(): HashValue {
    const h = new HashValue();
    if (this.#pairs !== null) h.#pairs = this.#pairs.slice();
    else {
      h.#pairs = null;
      h.#table = new DenseTable<string>(true);
      this.forEach((f, v) => h.#table!.set(f, v));
    }
    return h;
  }
}

/** Size from up to SAMPLES fields (with their values) spread over the hash. */
function bytes(h: HashValue): number {
  const n = h.size;
  const step = Math.max(1, Math.floor(n / SAMPLES));
  let sampled = 0, total = 0;
  for (let i = 0; i < n && sampled < SAMPLES; i += step, sampled++) {
    total += h.fieldAt(i).length + h.valueAt(i).length + ELEMENT_OVERHEAD;
  }
  return containerBytes(n, total, sampled);
}

export const HashType: ContainerType<HashValue> = {
  name: "hash",
  is: (v): v is HashValue => typeof v !== "string" && v.kind === "hash",
  encoding: (v) => v.encoding,
  copy: (v) => v.copy(),
  bytes,
  isEmpty: (v) => v.size === 0,
  create: () => new HashValue(),
};
