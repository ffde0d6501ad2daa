/**
 * A set value in Redis 7.0's two encodings. A set of integers ("intset") is a sorted array
 * of numbers (8 bytes each, no string per member), or of canonical integer strings (Redis's
 * `string2ll` form) once it holds one past JavaScript's safe integers (2^53); SMEMBERS lists
 * it in numeric order as Redis does. A non-integer member or more than
 * `set-max-intset-entries` members move it for good to a `DenseTable` ("hashtable"): O(1)
 * membership, O(1) random members for SPOP/SRANDMEMBER, and scans that keep SCAN's
 * guarantee. (Redis 7.0 has no listpack sets; they came in 7.2.)
 */

import { DenseTable } from "../dense_table.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../encoding_limits.ts";
import { containerBytes, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** Numeric order of two canonical integer strings, without parsing them. */
function compareInts(a: string, b: string): number {
  const negA = a.charCodeAt(0) === 45, negB = b.charCodeAt(0) === 45;
  if (negA !== negB) return negA ? -1 : 1;
  let c = a.length - b.length;
  if (c === 0) c = a < b ? -1 : a > b ? 1 : 0;
  return negA ? -c : c;
}

/** Whether `s` is an integer Redis would keep in an intset. */
export function isIntsetMember(s: string): boolean {
  if (!CANONICAL_INT.test(s)) return false;
  if (s.length < 19) return true;
  const n = BigInt(s);
  return n >= -9223372036854775808n && n <= 9223372036854775807n;
}

/** Redis's `string2ll` form: no sign but '-', no leading zero, no blanks. */
const CANONICAL_INT = /^(?:0|-?[1-9][0-9]{0,18})$/;

/** Position of `n` in the sorted `nums`, or -(insertion point) - 1. */
function searchNumber(nums: readonly number[], n: number): number {
  let lo = 0, hi = nums.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = nums[mid];
    if (x === n) return mid;
    if (x < n) lo = mid + 1;
    else hi = mid - 1;
  }
  return -lo - 1;
}

/** A set value. `kind` tells the value model's exhaustive switch which type this is. */
export class SetValue {
  readonly kind = "set";
  /** The intset form while every member is a safe integer (sorted), else null. */
  #nums: number[] | null = [];
  /** The intset form holding a member past 2^53 (sorted canonical strings), else null. */
  #ints: string[] | null = null;
  #table: DenseTable | null = null;

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
    return this.#table === null ? "intset" : "hashtable";
  }

  get size(): number {
    return this.#nums?.length ?? this.#ints?.length ?? this.#table!.size;
  }

  /** From numbers to canonical strings: a member past the safe integers arrived. */
  #widen(): void {
    this.#ints = this.#nums!.map(String);
    this.#nums = null;
  }

  /** Position in the intset of `m`, or -(insertion point) - 1. */
  #search(m: string): number {
    const ints = this.#ints!;
    let lo = 0, hi = ints.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareInts(ints[mid], m);
      if (c === 0) return mid;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  has(m: string): boolean {
    if (this.#table !== null) return this.#table.has(m);
    if (!isIntsetMember(m)) return false;
    if (this.#nums !== null) {
      const n = Number(m);
      return Number.isSafeInteger(n) && searchNumber(this.#nums, n) >= 0;
    }
    return this.#search(m) >= 0;
  }

  /** Adds a member; true when it is new. */
  add(m: string, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    if (this.#table === null) {
      if (!isIntsetMember(m)) this.#convert();
      else if (this.#nums !== null && Number.isSafeInteger(Number(m))) {
        const nums = this.#nums, at = searchNumber(nums, Number(m));
        if (at >= 0) return false;
        // a new array of the exact length: growing in place would leave up to half spare
        this.#nums = nums.toSpliced(-at - 1, 0, Number(m));
        if (this.#nums.length > limits.setMaxIntsetEntries) this.#convert();
        return true;
      } else {
        if (this.#nums !== null) this.#widen();
        const at = this.#search(m);
        if (at >= 0) return false;
        this.#ints!.splice(-at - 1, 0, m);
        if (this.#ints!.length > limits.setMaxIntsetEntries) this.#convert();
        return true;
      }
    }
    return this.#table!.add(m);
  }

  /** Removes a member; true when it was there. */
  delete(m: string): boolean {
    if (this.#table !== null) return this.#table.delete(m);
    if (!isIntsetMember(m)) return false;
    if (this.#nums !== null) {
      const n = Number(m);
      const at = Number.isSafeInteger(n) ? searchNumber(this.#nums, n) : -1;
      if (at < 0) return false;
      this.#nums.splice(at, 1);
      return true;
    }
    const at = this.#search(m);
    if (at < 0) return false;
    this.#ints!.splice(at, 1);
    return true;
  }

  #convert(): void {
    const table = new DenseTable(false);
    for (const m of this.members()) table.add(m);
    this.#table = table;
    this.#nums = this.#ints = null;
  }

  /** The member at position `i` (0 ≤ i < size), in SMEMBERS order. */
  at(i: number): string {
    if (this.#nums !== null) return String(this.#nums[i]);
    return this.#ints === null ? this.#table!.keys[i] : this.#ints[i];
  }

  /** Removes the member at position `i` and returns it (SPOP). */
  removeAt(i: number): string {
    if (this.#nums !== null) return String(this.#nums.splice(i, 1)[0]);
    if (this.#ints !== null) return this.#ints.splice(i, 1)[0];
    const m = this.#table!.keys[i];
    this.#table!.removeAt(i);
    return m;
  }

  /** A uniformly random position (the set must not be empty). */
  randomIndex(): number {
    return Math.floor(Math.random() * this.size);
  }

  /**
   * Every member, in SMEMBERS order: a live view of the large form (do not change the set
   * while reading), a new array for an intset of numbers.
   */
  members(): readonly string[] {
    if (this.#nums !== null) return this.#nums.map(String);
    return this.#ints ?? this.#table!.keys;
  }

  /** One SSCAN step: everything at once for an intset, as Redis; else see DenseTable.scan. */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    if (this.#table === null) {
      for (const m of this.members()) visit(m);
      return 0;
    }
    const keys = this.#table!.keys;
    return this.#table!.scan(cursor, count, (i) => visit(keys[i]));
  }

  /** A deep copy in the same encoding (COPY). */
  copy(): SetValue {
    const s = new SetValue();
    if (this.#nums !== null) s.#nums = this.#nums.slice();
    else if (this.#ints !== null) {
      s.#nums = null;
      s.#ints = this.#ints.slice();
    } else {
      s.#nums = null;
      s.#table = new DenseTable(false);
      for (const m of this.#table!.keys) s.#table.add(m);
    }
    return s;
  }
}

/** Size from up to SAMPLES members spread over the set. */
function bytes(set: SetValue): number {
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
