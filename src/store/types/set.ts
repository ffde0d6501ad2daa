/**
 * A set value in Redis 7.0's two encodings. A set of integers ("intset") is one string
 * (store/packed_ints.ts): its members sorted, 2, 4 or 8 bytes each as Redis's intset, so SMEMBERS
 * lists it in numeric order as Redis does. A non-integer member or more than
 * `set-max-intset-entries` members move it for good to an `ArenaTable` ("hashtable": its
 * members' bytes in one arena, no JavaScript string per member): O(1) membership, O(1)
 * random members for SPOP/SRANDMEMBER, and scans that keep SCAN's guarantee. (Redis 7.0 has no listpack sets; they came in 7.2.)
 */

import { ArenaTable } from "../arena_table.ts";
import {
  EMPTY_INTSET,
  intsetAdd,
  intsetAt,
  intsetBytes,
  intsetDelete,
  intsetFrom,
  intsetHas,
  intsetMembers,
  intsetRemoveAt,
  intsetSize,
} from "../packed_ints.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../encoding_limits.ts";
import { CONTAINER_OVERHEAD, containerBytes, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** Whether `s` is an integer Redis would keep in an intset. */
export function isIntsetMember(s: string): boolean {
  if (!CANONICAL_INT.test(s)) return false;
  if (s.length < 19) return true;
  const n = BigInt(s);
  return n >= -9223372036854775808n && n <= 9223372036854775807n;
}

/** Redis's `string2ll` form: no sign but '-', no leading zero, no blanks. */
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,18})$/;

/** A set value. `kind` tells the value model's exhaustive switch which type this is. */
export class SetValue {
  readonly kind = "set";
  /** The intset form (its string), or the large form once converted: one field, no more. */
  #form: string | ArenaTable = EMPTY_INTSET;

  /** A set holding `members` (added in order, so the encoding follows Redis's rules). */
  static of(
    members: Iterable<string>,
    limits: EncodingLimits = DEFAULT_ENCODING_LIMITS,
  ): SetValue {
    const set = new SetValue();
    for (const m of members) set.add(m, limits);
    return set;
  }

  get encoding(): "intset" | "hashtable" {
    return typeof this.#form === "string" ? "intset" : "hashtable";
  }

  get size(): number {
    const form = this.#form;
    return typeof form === "string" ? intsetSize(form) : form.size;
  }

  has(m: string): boolean {
    const form = this.#form;
    if (typeof form !== "string") return form.has(m);
    return isIntsetMember(m) && intsetHas(form, m);
  }

  /** Adds a member; true when it is new. */
  add(m: string, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    const form = this.#form;
    if (typeof form !== "string") return form.add(m);
    if (!isIntsetMember(m)) return this.#convert().add(m);
    const next = intsetAdd(form, m);
    if (next === form) return false;
    this.#form = next;
    if (intsetSize(next) > limits.setMaxIntsetEntries) this.#convert();
    return true;
  }

  /**
   * Adds `members` (SADD); returns how many are new. An intset gaining only integers and
   * staying within `set-max-intset-entries` is rebuilt once; otherwise members go in one by
   * one, so conversions happen exactly where Redis's would.
   */
  addMany(members: readonly string[], limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): number {
    const form = this.#form;
    if (typeof form === "string" && members.length > 2 && members.every(isIntsetMember)) {
      const all = new Set(intsetMembers(form));
      const before = all.size;
      for (const m of members) all.add(m);
      if (all.size <= limits.setMaxIntsetEntries) {
        if (all.size > before) this.#form = intsetFrom([...all]);
        return all.size - before;
      }
    }
    let added = 0;
    for (const m of members) if (this.add(m, limits)) added++;
    return added;
  }

  /** Removes a member; true when it was there. */
  delete(m: string): boolean {
    const form = this.#form;
    if (typeof form !== "string") return form.delete(m);
    if (!isIntsetMember(m)) return false;
    const next = intsetDelete(form, m);
    this.#form = next;
    return next !== form;
  }

  #convert(): ArenaTable {
    const table = new ArenaTable(false);
    for (const m of intsetMembers(this.#form as string)) table.add(m);
    this.#form = table;
    return table;
  }

  /** The member at position `i` (0 ≤ i < size), in SMEMBERS order. */
  at(i: number): string {
    const form = this.#form;
    return typeof form === "string" ? intsetAt(form, i) : form.keyAt(i);
  }

  /** Removes the member at position `i` and returns it (SPOP). */
  removeAt(i: number): string {
    const form = this.#form;
    if (typeof form === "string") {
      const m = intsetAt(form, i);
      this.#form = intsetRemoveAt(form, i);
      return m;
    }
    const m = form.keyAt(i);
    form.removeAt(i);
    return m;
  }

  /** A uniformly random position (the set must not be empty). */
  randomIndex(): number {
    return Math.floor(Math.random() * this.size);
  }

  /** Every member, in SMEMBERS order (a new array). */
  members(): string[] {
    const form = this.#form;
    return typeof form === "string" ? intsetMembers(form) : form.keys();
  }

  /** One SSCAN step: everything at once for an intset, as Redis; else see ArenaTable.scan. */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const form = this.#form;
    if (typeof form === "string") {
      for (const m of intsetMembers(form)) visit(m);
      return 0;
    }
    return form.scan(cursor, count, (i) => visit(form.keyAt(i)));
  }

  /** Bytes of the intset form, or -1 for the large form. */
  get packedBytes(): number {
    const form = this.#form;
    return typeof form === "string" ? intsetBytes(form) : -1;
  }

  /** A deep copy in the same encoding (COPY). */
  copy(): SetValue {
    const s = new SetValue();
    const form = this.#form;
    s.#form = typeof form === "string" ? form : form.copy();
    return s;
  }
}

/** The intset form: its bytes exactly. Else sized from up to SAMPLES members spread over it. */
function bytes(set: SetValue): number {
  const packed = set.packedBytes;
  if (packed >= 0) return CONTAINER_OVERHEAD + packed;
  const n = set.size;
  const step = Math.max(1, Math.floor(n / SAMPLES));
  let sampled = 0, total = 0;
  for (let i = 0; i < n && sampled < SAMPLES; i += step, sampled++) total += set.at(i).length;
  return containerBytes(n, total, sampled);
}

export const SetType: ContainerType<SetValue> = {
  name: "set",
  is: (v): v is SetValue => typeof v !== "string" && v.kind === "set",
  encoding: (v) => v.encoding,
  copy: (v) => v.copy(),
  bytes,
  isEmpty: (v) => v.size === 0,
  create: () => new SetValue(),
};
