/**
 * The order of a small sorted set (Redis's listpack encoding): one packed string
 * (store/packed.ts) of member, score, member, score … in order. A member is a packed entry;
 * its score follows as one char for the integers 0..127, a marker and a zigzag varint for
 * other integers below 2^47, or a marker and the 8 bytes of the double: as Redis's listpack
 * stores integral scores as integers, so a member costs about what it costs Redis. Entries
 * are found by a walk (at most `zset-max-listpack-entries` of them), as Redis walks its
 * listpack.
 *
 * Offers the same operations as `ScoreTree` (the `ScoreOrder` interface), so commands read
 * either form alike. Between `beginBulk` and `endBulk` (a ZADD of many members) members and
 * scores are kept unpacked in two arrays, so that such a write packs once: insert, remove,
 * scanFor and the score searches work on those arrays, every other operation packs first.
 */

import { entryAt, lengthHeader, longLength, skipEntry, splice } from "./packed.ts";
import type { ScoreOrder } from "./score_tree.ts";

/** Marks a score stored as the 8 bytes of a double. */
const DOUBLE = 0x80;
/** Marks a score stored as a zigzag varint (an integer of magnitude below 2^47). */
const INTEGER = 0x81;
const VARINT_LIMIT = 2 ** 47;
const SCRATCH = new Float64Array(1);
const SCRATCH_BYTES = new Uint8Array(SCRATCH.buffer);

/** A score as it follows its member in the packed string. */
export function packScore(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < VARINT_LIMIT && !Object.is(v, -0)) {
    if (v >= 0 && v < 128) return lengthHeader(v); // one char below 128
    return String.fromCharCode(INTEGER) + lengthHeader(v >= 0 ? 2 * v : -2 * v - 1);
  }
  SCRATCH[0] = v;
  const b = SCRATCH_BYTES;
  return String.fromCharCode(DOUBLE, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]);
}

/** The score stored at `p`. */
export function scoreAt(s: string, p: number): number {
  const c = s.charCodeAt(p);
  if (c < 128) return c;
  if (c === INTEGER) {
    const z = s.charCodeAt(p + 1) < 128 ? s.charCodeAt(p + 1) : longLength(s, p + 1);
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
  for (let i = 0; i < 8; i++) SCRATCH_BYTES[i] = s.charCodeAt(p + 1 + i);
  return SCRATCH[0];
}

/** The position after the score stored at `p`. */
export function skipScore(s: string, p: number): number {
  const c = s.charCodeAt(p);
  if (c < 128) return p + 1;
  if (c === DOUBLE) return p + 9;
  let q = p + 1;
  while (s.charCodeAt(q) >= 128) q++;
  return q + 1;
}

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
  /** Member, score, … in order, packed. */
  #packed = "";
  #count = 0;
  /** During a bulk write: the members and scores unpacked; else null. */
  #members: string[] | null = null;
  #scores: number[] | null = null;

  get size(): number {
    return this.#scores === null ? this.#count : this.#scores.length;
  }

  beginBulk(): void {
    if (this.#scores !== null) return;
    const members: string[] = [], scores: number[] = [];
    const s = this.#packed;
    for (let p = 0; p < s.length;) {
      const q = skipEntry(s, p);
      members.push(entryAt(s, p));
      scores.push(scoreAt(s, q));
      p = skipScore(s, q);
    }
    this.#members = members;
    this.#scores = scores;
  }

  endBulk(): void {
    const members = this.#members, scores = this.#scores;
    if (members === null || scores === null) return;
    const parts: string[] = [];
    for (let i = 0; i < members.length; i++) {
      parts.push(lengthHeader(members[i].length), members[i], packScore(scores[i]));
    }
    this.#packed = parts.join("");
    this.#count = members.length;
    this.#members = this.#scores = null;
  }

  /** First index of the bulk arrays whose score is ≥ `score`. */
  #bisect(score: number): number {
    const scores = this.#scores!;
    let lo = 0, hi = scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (scores[mid] < score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of (score, member) in the bulk arrays, or where it would go (bitwise not). */
  #bulkIndex(score: number, member: string): number {
    const members = this.#members!, scores = this.#scores!;
    let i = this.#bisect(score);
    for (; i < scores.length && scores[i] === score; i++) {
      if (members[i] === member) return i;
      if (members[i] > member) break;
    }
    return ~i;
  }

  /** Position in the packed string of the entry at index `i`. */
  #positionOf(i: number): number {
    const s = this.#packed;
    let p = 0;
    for (; i > 0; i--) p = skipScore(s, skipEntry(s, p));
    return p;
  }

  /**
   * Where (score, member) is or would go in the packed string: its index, its position,
   * and whether it is there.
   */
  #locate(score: number, member: string): [number, number, boolean] {
    const s = this.#packed;
    let i = 0, p = 0;
    for (; p < s.length; i++) {
      const q = skipEntry(s, p);
      const x = scoreAt(s, q);
      if (x > score) break;
      if (x === score) {
        const c = compareWithEntry(member, s, p);
        if (c <= 0) return [i, p, c === 0];
      }
      p = skipScore(s, q);
    }
    return [i, p, false];
  }

  insert(score: number, member: string): void {
    if (this.#scores !== null) {
      const i = ~this.#bulkIndex(score, member);
      this.#members!.splice(i, 0, member);
      this.#scores.splice(i, 0, score);
      return;
    }
    const [, p] = this.#locate(score, member);
    const entry = [lengthHeader(member.length), member, packScore(score)].join("");
    this.#packed = splice(this.#packed, p, p, entry);
    this.#count++;
  }

  remove(score: number, member: string): boolean {
    if (this.#scores !== null) {
      const i = this.#bulkIndex(score, member);
      if (i < 0) return false;
      this.#members!.splice(i, 1);
      this.#scores.splice(i, 1);
      return true;
    }
    const [, p, found] = this.#locate(score, member);
    if (!found) return false;
    const s = this.#packed;
    this.#packed = this.#count === 1 ? "" : splice(s, p, skipScore(s, skipEntry(s, p)), "");
    this.#count--;
    return true;
  }

  rank(score: number, member: string): number {
    this.endBulk();
    const [i, , found] = this.#locate(score, member);
    return found ? i : -1;
  }

  firstRank(pred: (score: number, member: string) => boolean): number {
    this.endBulk();
    const s = this.#packed;
    let i = 0;
    for (let p = 0; p < s.length; i++) {
      const q = skipEntry(s, p);
      if (pred(scoreAt(s, q), entryAt(s, p))) break;
      p = skipScore(s, q);
    }
    return i;
  }

  firstRankByScore(pred: (score: number) => boolean): number {
    const scores = this.#scores;
    if (scores !== null) {
      let lo = 0, hi = scores.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (pred(scores[mid])) hi = mid;
        else lo = mid + 1;
      }
      return lo;
    }
    const s = this.#packed;
    let i = 0;
    for (let p = 0; p < s.length; i++) {
      const q = skipEntry(s, p);
      if (pred(scoreAt(s, q))) break;
      p = skipScore(s, q);
    }
    return i;
  }

  forEach(from: number, to: number, visit: (score: number, member: string) => void): void {
    this.endBulk();
    const s = this.#packed;
    let p = this.#positionOf(from);
    for (let i = from; i <= to; i++) {
      const q = skipEntry(s, p);
      const next = skipScore(s, q);
      visit(scoreAt(s, q), entryAt(s, p));
      p = next;
    }
  }

  forEachReverse(from: number, to: number, visit: (score: number, member: string) => void): void {
    this.endBulk();
    const s = this.#packed;
    // the packed form reads forwards only: the positions first, then the visits backwards
    const positions: number[] = [];
    let p = this.#positionOf(to);
    for (let i = to; i <= from; i++, p = skipScore(s, skipEntry(s, p))) positions.push(p);
    for (let i = from; i >= to; i--) {
      const at = positions[i - to];
      visit(scoreAt(s, skipEntry(s, at)), entryAt(s, at));
    }
  }

  entryAt(rank: number): [number, string] {
    this.endBulk();
    const p = this.#positionOf(rank);
    return [scoreAt(this.#packed, skipEntry(this.#packed, p)), entryAt(this.#packed, p)];
  }

  scanFor(member: string): number | undefined {
    if (this.#members !== null) {
      const i = this.#members.indexOf(member);
      return i < 0 ? undefined : this.#scores![i];
    }
    const s = this.#packed, want = member.length;
    for (let p = 0; p < s.length;) {
      const len = s.charCodeAt(p);
      let q: number;
      if (len < 128) {
        q = p + 1 + len;
        if (len === want && s.startsWith(member, p + 1)) return scoreAt(s, q);
      } else {
        q = skipEntry(s, p);
        if (longLength(s, p) === want && s.startsWith(member, q - want)) return scoreAt(s, q);
      }
      p = skipScore(s, q);
    }
    return undefined;
  }

  /** Bytes held: the packed string's. */
  get bytes(): number {
    this.endBulk();
    return this.#packed.length;
  }

  /** A copy sharing nothing mutable (the packed string is immutable and shared). */
  copy(): PackedScores {
    this.endBulk();
    const c = new PackedScores();
    c.#packed = this.#packed;
    c.#count = this.#count;
    return c;
  }
}
