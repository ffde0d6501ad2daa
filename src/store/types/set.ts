/**
 * A set value in Redis 7.0's two encodings. A set of integers ("intset") is a `PackedInts`:
 * its members sorted in one string, 2, 4 or 8 bytes each as Redis's intset, so SMEMBERS
 * lists it in numeric order as Redis does. A non-integer member or more than
 * `set-max-intset-entries` members move it for good to an `ArenaTable` ("hashtable": its
 * members' bytes in one arena, no JavaScript string per member): O(1) membership, O(1)
 * random members for SPOP/SRANDMEMBER, and scans that keep SCAN's guarantee. (Redis 7.0 has no listpack sets; they came in 7.2.)
 */

import { ArenaTable } from "../arena_table.ts";
import { PackedInts } from "../packed_ints.ts";
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
  /** The intset form, or null once converted. */
  #ints: PackedInts | null = new PackedInts();
  #table: ArenaTable | null = null;

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
    return this.#ints === null ? "hashtable" : "intset";
  }

  get size(): number {
    return this.#ints === null ? this.#table!.size : this.#ints.size;
  }

  has(m: string): boolean {
    if (this.#ints === null) return this.#table!.has(m);
    return isIntsetMember(m) && this.#ints.has(m);
  }

  /** Adds a member; true when it is new. */
  add(m: string, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    if (this.#ints !== null) {
      if (!isIntsetMember(m)) this.#convert();
      else {
        if (!this.#ints.add(m)) return false;
        if (this.#ints.size > limits.setMaxIntsetEntries) this.#convert();
        return true;
      }
    }
    return this.#table!.add(m);
  }

  /** Removes a member; true when it was there. */
  delete(m: string): boolean {
    if (this.#ints === null) return this.#table!.delete(m);
    return isIntsetMember(m) && this.#ints.delete(m);
  }

  #convert(): void {
    const table = new ArenaTable(false);
    for (const m of this.#ints!.members()) table.add(m);
    this.#table = table;
    this.#ints = null;
  }

  /** The member at position `i` (0 ≤ i < size), in SMEMBERS order. */
  at(i: number): string {
    return this.#ints === null ? this.#table!.keyAt(i) : this.#ints.at(i);
  }

  /** Removes the member at position `i` and returns it (SPOP). */
  removeAt(i: number): string {
    if (this.#ints !== null) return this.#ints.removeAt(i);
    const m = this.#table!.keyAt(i);
    this.#table!.removeAt(i);
    return m;
  }

  /** A uniformly random position (the set must not be empty). */
  randomIndex(): number {
    return Math.floor(Math.random() * this.size);
  }

  /** Every member, in SMEMBERS order (a new array). */
  members(): string[] {
    return this.#ints === null ? this.#table!.keys() : this.#ints.members();
  }

  /** One SSCAN step: everything at once for an intset, as Redis; else see ArenaTable.scan. */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.#ints !== null) {
      for (const m of this.#ints.members()) visit(m);
      return 0;
    }
    const table = this.#table!;
    return table.scan(cursor, count, (i) => visit(table.keyAt(i)));
  }

  /** Bytes of the intset form, or -1 for the large form. */
  get packedBytes(): number {
    return this.#ints === null ? -1 : this.#ints.bytes;
  }

  /** A deep copy in the same encoding (COPY). */
  copy(): SetValue {
    const s = new SetValue();
    if (this.#ints !== null) s.#ints = this.#ints.copy();
    else {
      s.#ints = null;
      s.#table = this.#table!.copy();
    }
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
