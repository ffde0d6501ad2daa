/**
 * The order of a small sorted set (Redis's listpack encoding): members packed into one
 * string (store/packed.ts) in order, and their scores in a parallel array of doubles. A
 * member costs its bytes and a length char, a score 8 bytes, about what Redis's listpack
 * costs. Scores are searched by bisection, members by a walk over the packed string (at
 * most `zset-max-listpack-entries` of them), as Redis walks its listpack.
 *
 * Offers the same operations as `ScoreTree` (the `ScoreOrder` interface), so commands read
 * either form alike. Between `beginBulk` and `endBulk` (a ZADD of many members) the
 * members are kept unpacked in an array, so that such a write packs once: insert, remove
 * and scanFor work on that array, every other operation packs first.
 */

import {
  entryAt,
  lengthHeader,
  longLength,
  packEntry,
  skipEntry,
  splice,
  unpackAll,
} from "./packed.ts";
import type { ScoreOrder } from "./score_tree.ts";

/** Compares `m` with the packed entry at `p`, byte by byte (memcmp's order). */
function compareWithEntry(m: string, s: string, p: number): number {
  let len = s.charCodeAt(p), start = p + 1;
  if (len >= 128) {
    len = longLength(s, p);
    start = skipEntry(s, p) - len;
  }
  const n = Math.min(len, m.length);
  for (let i = 0; i < n; i++) {
    const d = m.charCodeAt(i) - s.charCodeAt(start + i);
    if (d !== 0) return d;
  }
  return m.length - len;
}

export class PackedScores implements ScoreOrder {
  /** Members in order, packed. */
  #members = "";
  /** Scores in the same order (an array of unboxed doubles). */
  #scores: number[] = [];
  /** The members unpacked, during a bulk write; else null. */
  #staged: string[] | null = null;

  beginBulk(): void {
    this.#staged ??= unpackAll(this.#members);
  }

  endBulk(): void {
    if (this.#staged === null) return;
    this.#members = this.#staged.map(packEntry).join("");
    this.#scores = this.#scores.slice(); // an exact-length copy: no spare capacity kept
    this.#staged = null;
  }

  /** Index of (score, member) in the staged array, or where it would go (bitwise not). */
  #stagedIndex(score: number, member: string): number {
    const staged = this.#staged!, scores = this.#scores;
    let i = this.#bisect(score, false);
    for (; i < scores.length && scores[i] === score; i++) {
      if (staged[i] === member) return i;
      if (staged[i] > member) break;
    }
    return ~i;
  }

  get size(): number {
    return this.#scores.length;
  }

  /** First index whose score is ≥ `score` (`strict`: > `score`). */
  #bisect(score: number, strict: boolean): number {
    const scores = this.#scores;
    let lo = 0, hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? scores[mid] <= score : scores[mid] < score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Position in the packed string of the entry at index `i`. */
  #positionOf(i: number): number {
    const s = this.#members;
    let p = 0;
    for (; i > 0; i--) p = skipEntry(s, p);
    return p;
  }

  /**
   * Where (score, member) is or would go: its index, its position in the packed string,
   * and whether it is there.
   */
  #locate(score: number, member: string): [number, number, boolean] {
    const s = this.#members, scores = this.#scores;
    let i = this.#bisect(score, false);
    let p = this.#positionOf(i);
    for (; i < scores.length && scores[i] === score; i++, p = skipEntry(s, p)) {
      const c = compareWithEntry(member, s, p);
      if (c <= 0) return [i, p, c === 0];
    }
    return [i, p, false];
  }

  insert(score: number, member: string): void {
    if (this.#staged !== null) {
      const i = ~this.#stagedIndex(score, member);
      this.#staged.splice(i, 0, member);
      this.#scores.splice(i, 0, score);
      return;
    }
    const [i, p] = this.#locate(score, member);
    this.#members = splice(this.#members, p, p, lengthHeader(member.length) + member);
    // a new array of the exact length: growing in place would leave up to half of it spare
    this.#scores = this.#scores.toSpliced(i, 0, score);
  }

  remove(score: number, member: string): boolean {
    if (this.#staged !== null) {
      const i = this.#stagedIndex(score, member);
      if (i < 0) return false;
      this.#staged.splice(i, 1);
      this.#scores.splice(i, 1);
      return true;
    }
    const [i, p, found] = this.#locate(score, member);
    if (!found) return false;
    const s = this.#members;
    this.#members = this.#scores.length === 1 ? "" : splice(s, p, skipEntry(s, p), "");
    if (i === this.#scores.length - 1) this.#scores.pop();
    else this.#scores.splice(i, 1);
    return true;
  }

  rank(score: number, member: string): number {
    this.endBulk();
    const [i, , found] = this.#locate(score, member);
    return found ? i : -1;
  }

  firstRank(pred: (score: number, member: string) => boolean): number {
    this.endBulk();
    const s = this.#members, scores = this.#scores;
    let p = 0, i = 0;
    for (; i < scores.length; i++, p = skipEntry(s, p)) if (pred(scores[i], entryAt(s, p))) break;
    return i;
  }

  firstRankByScore(pred: (score: number) => boolean): number {
    const scores = this.#scores;
    let lo = 0, hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pred(scores[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  forEach(from: number, to: number, visit: (score: number, member: string) => void): void {
    this.endBulk();
    const s = this.#members, scores = this.#scores;
    let p = this.#positionOf(from);
    for (let i = from; i <= to; i++) {
      const next = skipEntry(s, p);
      visit(scores[i], entryAt(s, p));
      p = next;
    }
  }

  forEachReverse(from: number, to: number, visit: (score: number, member: string) => void): void {
    this.endBulk();
    const s = this.#members, scores = this.#scores;
    // the packed form reads forwards only: the positions first, then the visits backwards
    const positions: number[] = [];
    let p = this.#positionOf(to);
    for (let i = to; i <= from; i++, p = skipEntry(s, p)) positions.push(p);
    for (let i = from; i >= to; i--) visit(scores[i], entryAt(s, positions[i - to]));
  }

  entryAt(rank: number): [number, string] {
    this.endBulk();
    return [this.#scores[rank], entryAt(this.#members, this.#positionOf(rank))];
  }

  scanFor(member: string): number | undefined {
    if (this.#staged !== null) {
      const i = this.#staged.indexOf(member);
      return i < 0 ? undefined : this.#scores[i];
    }
    const s = this.#members, scores = this.#scores, want = member.length;
    let p = 0;
    for (let i = 0; i < scores.length; i++) {
      const len = s.charCodeAt(p);
      if (len < 128) {
        if (len === want && s.startsWith(member, p + 1)) return scores[i];
        p += 1 + len;
      } else {
        const long = longLength(s, p), next = skipEntry(s, p);
        if (long === want && s.startsWith(member, next - want)) return scores[i];
        p = next;
      }
    }
    return undefined;
  }

  /** Bytes held: the packed members and 8 per score. */
  get bytes(): number {
    this.endBulk();
    return this.#members.length + 8 * this.#scores.length;
  }

  /** A copy sharing nothing mutable (the packed string is immutable and shared). */
  copy(): PackedScores {
    this.endBulk();
    const c = new PackedScores();
    c.#members = this.#members;
    c.#scores = this.#scores.slice();
    return c;
  }
}
