/**
 * A sorted set value in Redis's two encodings. The order always lives in a `ScoreTree`.
 * Small sets ("listpack") have nothing else: a member's score is found by a walk, as Redis
 * walks its listpack. Past `zset-max-listpack-entries` members or on a member longer than
 * `zset-max-listpack-value` bytes, the set moves for good to the large form ("skiplist"),
 * which adds a `DenseTable` member → score for O(1) ZSCORE, random members and ZSCAN.
 */

import { DenseTable } from "../dense_table.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../encoding_limits.ts";
import { ScoreTree } from "../score_tree.ts";
import { containerBytes, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** A sorted set value. `kind` tells the value model's exhaustive switch which type this is. */
export class SortedSetValue {
  readonly kind = "zset";
  readonly tree = new ScoreTree();
  /** member → score in the large form; null while the set is a listpack. */
  #table: DenseTable<number> | null = null;

  /** An empty set in the encoding Redis would create for it (`zset-max-listpack-*`). */
  constructor(firstMemberLength = 0, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS) {
    if (limits.zsetMaxListpackEntries === 0 || firstMemberLength > limits.zsetMaxListpackValue) {
      this.#table = new DenseTable<number>(true);
    }
  }

  get encoding(): "listpack" | "skiplist" {
    return this.#table === null ? "listpack" : "skiplist";
  }

  get size(): number {
    return this.tree.size;
  }

  score(member: string): number | undefined {
    return this.#table === null ? this.tree.scanFor(member) : this.#table.get(member);
  }

  /** Adds `member` or moves it to `score`; true when it is new. */
  set(member: string, score: number, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    const old = this.score(member);
    if (old !== undefined) {
      if (old !== score) {
        if (this.#table === null && score === 0) score = 0;
        this.tree.remove(old, member);
        this.tree.insert(score, member);
        this.#table?.set(member, score);
      }
      return false;
    }
    if (
      this.#table === null &&
      (this.tree.size + 1 > limits.zsetMaxListpackEntries ||
        member.length > limits.zsetMaxListpackValue)
    ) {
      this.convertToSkiplist();
    }
    // a listpack stores scores as text, where -0 reads back as 0
    if (this.#table === null && score === 0) score = 0;
    this.tree.insert(score, member);
    this.#table?.set(member, score);
    return true;
  }

  /** Removes `member`; true when it was there. */
  delete(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.tree.remove(score, member);
    this.#table?.delete(member);
    return true;
  }

  /** Removes the entries of ranks from..to inclusive (ZREMRANGEBY*, ZPOP*). */
  deleteRanks(from: number, to: number): void {
    const doomed: [number, string][] = [];
    this.tree.forEach(from, to, (s, m) => doomed.push([s, m]));
    for (const [s, m] of doomed) {
      this.tree.remove(s, m);
      this.#table?.delete(m);
    }
  }

  /** Moves a listpack to the large form (also used when Redis creates one directly). */
  convertToSkiplist(): void {
    if (this.#table !== null) return;
    const table = new DenseTable<number>(true);
    if (this.tree.size > 0) this.tree.forEach(0, this.tree.size - 1, (s, m) => table.set(m, s));
    this.#table = table;
  }

  /**
   * Moves a large set back to the listpack form: Redis does so for the results of
   * ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE when they are small enough.
   */
  convertToListpackIfSmall(limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): void {
    if (this.#table === null || this.size > limits.zsetMaxListpackEntries) return;
    for (const m of this.#table.keys) if (m.length > limits.zsetMaxListpackValue) return;
    this.#table = null;
  }

  /** A random member and its score (the set must not be empty). */
  random(): [string, number] {
    if (this.#table !== null) {
      const i = this.#table.randomIndex();
      return [this.#table.keys[i], this.#table.values[i]];
    }
    const [s, m] = this.tree.entryAt(Math.floor(Math.random() * this.tree.size));
    return [m, s];
  }

  /** One ZSCAN step: everything at once (in order) for a listpack, as Redis does. */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.#table === null) {
      if (this.tree.size > 0) this.tree.forEach(0, this.tree.size - 1, (s, m) => visit(m, s));
      return 0;
    }
    const { keys, values } = this.#table;
    return this.#table.scan(cursor, count, (i) => visit(keys[i], values[i]));
  }

  /** A deep copy in the same encoding (COPY). */
  copy(): SortedSetValue {
    const z = new SortedSetValue();
    z.#table = this.#table === null ? null : new DenseTable<number>(true);
    if (this.tree.size > 0) {
      this.tree.forEach(0, this.tree.size - 1, (s, m) => {
        z.tree.insert(s, m);
        z.#table?.set(m, s);
      });
    }
    return z;
  }
}

/** Size from up to SAMPLES members spread over the set (each with its 8-byte score). */
function bytes(z: SortedSetValue): number {
  const n = z.size;
  const step = Math.max(1, Math.floor(n / SAMPLES));
  let sampled = 0, total = 0;
  for (let i = 0; i < n && sampled < SAMPLES; i += step, sampled++) {
    total += z.tree.entryAt(i)[1].length + 8;
  }
  return containerBytes(n, total, sampled);
}

export const ZSetType: ContainerType<SortedSetValue> = {
  name: "zset",
  is: (v): v is SortedSetValue => typeof v !== "string" && v.kind === "zset",
  encoding: (v) => v.encoding,
  copy: (v) => v.copy(),
  bytes,
  isEmpty: (v) => v.size === 0,
  create: () => new SortedSetValue(),
};
