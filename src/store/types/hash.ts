/**
 * A hash value in Redis's two encodings. Small hashes ("listpack") are one packed string
 * (store/packed.ts) of field, value, field, value … in insertion order, searched linearly
 * as Redis searches its listpack, which keeps Redis's reply order for them and costs about
 * what Redis's listpack costs. Past `hash-max-listpack-entries` fields, or on a field or
 * value longer than `hash-max-listpack-value` bytes, the hash moves for good to an
 * `ArenaTable` ("hashtable": each field and its value one record in a shared byte arena):
 * O(1) lookups, random fields and scans that keep SCAN's guarantee.
 */

import { ArenaTable } from "../arena_table.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../encoding_limits.ts";
import { entryAt, entryEquals, lengthHeader, longLength, skipEntry, splice } from "../packed.ts";
import { CONTAINER_OVERHEAD, containerBytes, ELEMENT_OVERHEAD, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** A hash value. `kind` tells the value model's exhaustive switch which type this is. */
export class HashValue {
  readonly kind = "hash";
  /** The listpack form (packed field, value, … entries), or null once converted. */
  #packed: string | null = "";
  /** Fields in the packed form. */
  #count = 0;
  /**
   * The field last found and its position in the packed string (-1: none), so that asking
   * for the same field again skips the walk; reset by every write to the packed string.
   */
  #hintField = "";
  #hintAt = -1;
  #table: ArenaTable | null = null;

  get encoding(): "listpack" | "hashtable" {
    return this.#packed === null ? "hashtable" : "listpack";
  }

  get size(): number {
    return this.#packed === null ? this.#table!.size : this.#count;
  }

  /** Position in the packed form of the entry holding `field`, or -1. */
  #find(field: string): number {
    if (this.#hintAt >= 0 && field === this.#hintField) return this.#hintAt;
    const at = this.#walk(field);
    if (at >= 0) {
      this.#hintField = field;
      this.#hintAt = at;
    }
    return at;
  }

  #walk(field: string): number {
    const s = this.#packed!, n = s.length, want = field.length;
    for (let p = 0; p < n;) {
      let len = s.charCodeAt(p);
      if (len < 128) {
        // the last byte first: fields often share a prefix (field:1, field:2 ...)
        if (
          len === want && (len === 0 || s.charCodeAt(p + len) === field.charCodeAt(len - 1)) &&
          s.slice(p + 1, p + 1 + len) === field
        ) return p;
        p += 1 + len;
      } else {
        len = longLength(s, p);
        if (len === want && entryEquals(s, p, field)) return p;
        p = skipEntry(s, p);
      }
      p = skipEntry(s, p); // the value
    }
    return -1;
  }

  get(field: string): string | undefined {
    if (this.#packed === null) return this.#table!.get(field);
    const p = this.#find(field);
    return p < 0 ? undefined : entryAt(this.#packed, skipEntry(this.#packed, p));
  }

  has(field: string): boolean {
    return this.#packed === null ? this.#table!.has(field) : this.#find(field) >= 0;
  }

  /**
   * Converts to the large form if `field` or `value` is too long for the listpack: Redis
   * checks a command's arguments before it writes any of them (HSET, HSETNX).
   */
  prepare(field: string, value = "", limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): void {
    const max = limits.hashMaxListpackValue;
    if (this.#packed !== null && (field.length > max || value.length > max)) this.#convert();
  }

  /** Sets a field; true when it is new. */
  set(field: string, value: string, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    this.prepare(field, value, limits);
    const s = this.#packed;
    if (s === null) return this.#table!.set(field, value);
    const p = this.#find(field);
    if (p >= 0) {
      const at = skipEntry(s, p);
      if (!entryEquals(s, at, value)) {
        this.#packed = splice(s, at, skipEntry(s, at), lengthHeader(value.length) + value);
        this.#hintAt = -1;
      }
      return false;
    }
    this.#packed = [s, lengthHeader(field.length), field, lengthHeader(value.length), value]
      .join("");
    this.#hintField = field; // appended at the end
    this.#hintAt = s.length;
    if (++this.#count > limits.hashMaxListpackEntries) this.#convert();
    return true;
  }

  /**
   * Sets many fields (`pairs`: field, value, …) and returns how many are new; the packed
   * form is rebuilt once, not once per field as `set` would.
   */
  setMany(pairs: readonly string[], limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): number {
    for (let i = 0; i < pairs.length; i += 2) this.prepare(pairs[i], pairs[i + 1], limits);
    if (this.#packed === null || pairs.length <= 2) {
      let added = 0;
      for (let i = 0; i < pairs.length; i += 2) {
        if (this.set(pairs[i], pairs[i + 1], limits)) added++;
      }
      return added;
    }
    const fields: string[] = [], values: string[] = [];
    this.forEach((f, v) => {
      fields.push(f);
      values.push(v);
    });
    const before = fields.length;
    for (let i = 0; i < pairs.length; i += 2) {
      const at = fields.indexOf(pairs[i]);
      if (at >= 0) values[at] = pairs[i + 1];
      else {
        fields.push(pairs[i]);
        values.push(pairs[i + 1]);
      }
    }
    const parts: string[] = [];
    for (let i = 0; i < fields.length; i++) {
      parts.push(
        lengthHeader(fields[i].length),
        fields[i],
        lengthHeader(values[i].length),
        values[i],
      );
    }
    this.#packed = parts.join("");
    this.#hintAt = -1;
    this.#count = fields.length;
    if (this.#count > limits.hashMaxListpackEntries) this.#convert();
    return fields.length - before;
  }

  /** Deletes a field; true when it existed. */
  delete(field: string): boolean {
    if (this.#packed === null) return this.#table!.delete(field);
    const p = this.#find(field);
    if (p < 0) return false;
    const s = this.#packed;
    this.#packed = this.#count === 1 ? "" : splice(s, p, skipEntry(s, skipEntry(s, p)), "");
    this.#hintAt = -1;
    this.#count--;
    return true;
  }

  #convert(): void {
    const table = new ArenaTable(true);
    this.forEach((f, v) => table.set(f, v));
    this.#table = table;
    this.#packed = null;
    this.#count = 0;
    this.#hintAt = -1;
  }

  /** Position in the packed form of the `i`th field. */
  #positionOf(i: number): number {
    const s = this.#packed!;
    let p = 0;
    for (let n = 2 * i; n > 0; n--) p = skipEntry(s, p);
    return p;
  }

  /** The field at position `i` (0 ≤ i < size), in the order HGETALL gives. */
  fieldAt(i: number): string {
    if (this.#packed === null) return this.#table!.keyAt(i);
    return entryAt(this.#packed, this.#positionOf(i));
  }

  /** The value at position `i`. */
  valueAt(i: number): string {
    if (this.#packed === null) return this.#table!.valueAt(i);
    return entryAt(this.#packed, skipEntry(this.#packed, this.#positionOf(i)));
  }

  /**
   * Fields and values by position, for many random picks (HRANDFIELD with a count): the
   * large form's table read in place, or the packed form unpacked once (do not change the
   * hash while reading).
   */
  positions(): { field(i: number): string; value(i: number): string } {
    const table = this.#table;
    if (table !== null) return { field: (i) => table.keyAt(i), value: (i) => table.valueAt(i) };
    const fields: string[] = [], values: string[] = [];
    this.forEach((f, v) => {
      fields.push(f);
      values.push(v);
    });
    return { field: (i) => fields[i], value: (i) => values[i] };
  }

  /** Every field and value, in reply order. */
  forEach(visit: (field: string, value: string) => void): void {
    const s = this.#packed;
    if (s === null) {
      this.#table!.forEach(visit);
      return;
    }
    for (let p = 0; p < s.length;) {
      const at = skipEntry(s, p);
      const next = skipEntry(s, at);
      visit(entryAt(s, p), entryAt(s, at));
      p = next;
    }
  }

  /**
   * One HSCAN step: the listpack form returns everything at once (cursor 0), as Redis
   * does; the large form walks `count` positions (see ArenaTable.scan).
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    if (this.#packed !== null) {
      this.forEach(visit);
      return 0;
    }
    const table = this.#table!;
    return table.scan(cursor, count, (i) => visit(table.keyAt(i), table.valueAt(i)));
  }

  /** Bytes of the packed form (its string), or -1 for the large form. */
  get packedLength(): number {
    return this.#packed === null ? -1 : this.#packed.length;
  }

  /** A deep copy in the same encoding (COPY); the packed form's string is immutable. */
  copy(): HashValue {
    const h = new HashValue();
    if (this.#packed !== null) {
      h.#packed = this.#packed;
      h.#count = this.#count;
    } else {
      h.#packed = null;
      h.#table = this.#table!.copy();
    }
    return h;
  }
}

/**
 * The packed form: its string exactly. The large form: sized from up to SAMPLES fields
 * (with their values) spread over the hash.
 */
function bytes(h: HashValue): number {
  const packed = h.packedLength;
  if (packed >= 0) return CONTAINER_OVERHEAD + packed;
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
