/**
 * A sorted set value in Redis's two encodings. Small sets ("listpack") keep their order in a
 * `PackedScores` (members packed into one string, scores in an array of doubles) and
 * nothing else: a member's score is found by a walk, as Redis walks its listpack. Past
 * `zset-max-listpack-entries` members or on a member longer than `zset-max-listpack-value`
 * bytes, the set moves for good to the large form ("skiplist"): a `ScoreTree` for the order
 * and a `DenseTable` member → score for O(1) ZSCORE, random members and ZSCAN.
 */

import { DenseTable } from "../dense_table.ts";
import { DEFAULT_ENCODING_LIMITS, type EncodingLimits } from "../encoding_limits.ts";
import { detached } from "../packed.ts";
import { PackedScores } from "../packed_scores.ts";
import { type ScoreOrder, ScoreTree } from "../score_tree.ts";
import { CONTAINER_OVERHEAD, containerBytes, SAMPLES } from "../value_sizes.ts";
import type { ContainerType } from "../values.ts";

/** A sorted set value. `kind` tells the value model's exhaustive switch which type this is. */
export class SortedSetValue {
  readonly kind = "zset";
  /** The order: a PackedScores while the set is a listpack, else a ScoreTree. */
  #order: ScoreOrder = new PackedScores();
  /** member → score in the large form; null while the set is a listpack. */
  #table: DenseTable<number> | null = null;

  /** An empty set in the encoding Redis would create for it (`zset-max-listpack-*`). */
  constructor(firstMemberLength = 0, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS) {
    if (limits.zsetMaxListpackEntries === 0 || firstMemberLength > limits.zsetMaxListpackValue) {
      this.convertToSkiplist();
    }
  }

  /** The order of the members, in whichever form holds it. */
  get tree(): ScoreOrder {
    return this.#order;
  }

  get encoding(): "listpack" | "skiplist" {
    return this.#table === null ? "listpack" : "skiplist";
  }

  get size(): number {
    return this.#order.size;
  }

  score(member: string): number | undefined {
    return this.#table === null ? this.#order.scanFor(member) : this.#table.get(member);
  }

  /** Adds `member` or moves it to `score`; true when it is new. */
  set(member: string, score: number, limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): boolean {
    const old = this.score(member);
    if (old !== undefined) {
      if (old !== score) {
        if (this.#table === null && score === 0) score = 0;
        this.#order.remove(old, member);
        this.#order.insert(score, member);
        this.#table?.set(member, score);
      }
      return false;
    }
    if (
      this.#table === null &&
      (this.#order.size + 1 > limits.zsetMaxListpackEntries ||
        member.length > limits.zsetMaxListpackValue)
    ) {
      this.convertToSkiplist();
    }
    // a listpack stores scores as text, where -0 reads back as 0
    if (this.#table === null && score === 0) score = 0;
    this.#order.insert(score, member);
    this.#table?.set(member, score);
    return true;
  }

  /** Removes `member`; true when it was there. */
  delete(member: string): boolean {
    const score = this.score(member);
    if (score === undefined) return false;
    this.#order.remove(score, member);
    this.#table?.delete(member);
    return true;
  }

  /** Removes the entries of ranks from..to inclusive (ZREMRANGEBY*, ZPOP*). */
  deleteRanks(from: number, to: number): void {
    const doomed: [number, string][] = [];
    this.#order.forEach(from, to, (s, m) => doomed.push([s, m]));
    for (const [s, m] of doomed) {
      this.#order.remove(s, m);
      this.#table?.delete(m);
    }
  }

  /**
   * Brackets many writes (ZADD of many members): meanwhile the listpack form keeps its
   * members unpacked, so it is packed once in `endBulk` instead of once per write.
   */
  beginBulk(): void {
    if (this.#order instanceof PackedScores) this.#order.beginBulk();
  }

  endBulk(): void {
    if (this.#order instanceof PackedScores) this.#order.endBulk();
  }

  /** Moves a listpack to the large form (also used when Redis creates one directly). */
  convertToSkiplist(): void {
    if (this.#table !== null) return;
    const table = new DenseTable<number>(true);
    const tree = new ScoreTree();
    const packed = this.#order;
    if (packed.size > 0) {
      packed.forEach(0, packed.size - 1, (s, m) => {
        m = detached(m);
        tree.insert(s, m);
        table.set(m, s);
      });
    }
    this.#order = tree;
    this.#table = table;
  }

  /**
   * Moves a large set back to the listpack form: Redis does so for the results of
   * ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE when they are small enough.
   */
  convertToListpackIfSmall(limits: EncodingLimits = DEFAULT_ENCODING_LIMITS): void {
    if (this.#table === null || this.size > limits.zsetMaxListpackEntries) return;
    for (const m of this.#table.keys) if (m.length > limits.zsetMaxListpackValue) return;
    const packed = new PackedScores();
    const tree = this.#order;
    if (tree.size > 0) tree.forEach(0, tree.size - 1, (s, m) => packed.insert(s, m));
    this.#order = packed;
    this.#table = null;
  }

  /** A random member and its score (the set must not be empty). */
  random(): [string, number] {
    if (this.#table !== null) {
      const i = this.#table.randomIndex();
      return [this.#table.keys[i], this.#table.values[i]];
    }
    const [s, m] = this.#order.entryAt(Math.floor(Math.random() * this.#order.size));
    return [m, s];
  }

  /** One ZSCAN step: everything at once (in order) for a listpack, as Redis does. */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    if (this.#table === null) {
      if (this.size > 0) this.#order.forEach(0, this.size - 1, (s, m) => visit(m, s));
      return 0;
    }
    const { keys, values } = this.#table;
    return this.#table.scan(cursor, count, (i) => visit(keys[i], values[i]));
  }

  /** Bytes of the packed form, or -1 for the large form. */
  get packedBytes(): number {
    return this.#order instanceof PackedScores ? this.#order.bytes : -1;
  }

  /** A deep copy in the same encoding (COPY). */
  copy(): SortedSetValue {
    const z = new SortedSetValue();
    if (this.#order instanceof PackedScores) {
      z.#order = this.#order.copy();
      return z;
    }
    z.convertToSkiplist();
    if (this.size > 0) {
      this.#order.forEach(0, this.size - 1, (s, m) => {
        z.#order.insert(s, m);
        z.#table!.set(m, s);
      });
    }
    return z;
  }
}

/**
 * The packed form: its bytes exactly. The large form: sized from up to SAMPLES members
 * spread over the set (each with its 8-byte score).
 */
function bytes(z: SortedSetValue): number {
  const packed = z.packedBytes;
  if (packed >= 0) return CONTAINER_OVERHEAD + packed;
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
