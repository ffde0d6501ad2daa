/**
 * Sorted-set range arguments as Redis 7.0 parses them: score bounds (`(` for exclusive,
 * read by plain `strtod`, so "1e400" is inf and "(" alone is an exclusive 0), lex bounds
 * (`[x`, `(x`, `-`, `+`), and the ranks of a range within a set's order.
 */

import { CommandError } from "./errors.ts";
import type { ScoreOrder } from "../store/score_tree.ts";

export const SCORE_RANGE_ERROR = "ERR min or max is not a float";
export const LEX_RANGE_ERROR = "ERR min or max not valid string range item";

/** C's strtod over the whole string: leading blanks allowed, NaN refused; null if invalid. */
export function strtod(s: string): number | null {
  if (s === "") return 0; // strtod reads nothing and stops at the NUL: 0, accepted
  const t = s.replace(/^[ \t\n\v\f\r]+/, "");
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.charCodeAt(0) === 45 ? -Infinity : Infinity;
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  if (/^[+-]?0x[0-9a-f]+$/i.test(t)) {
    const v = parseInt(t.replace(/^[+-]/, ""), 16);
    return t.charCodeAt(0) === 45 ? -v : v;
  }
  return null;
}

export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function scoreBound(s: string): [number, boolean] {
  const ex = s.charCodeAt(0) === 40; // '('
  const v = strtod(ex ? s.slice(1) : s);
  if (v === null) throw new CommandError(SCORE_RANGE_ERROR);
  return [v, ex];
}

/** Redis's zslParseRange. */
export function parseScoreRange(min: string, max: string): ScoreRange {
  const [lo, minex] = scoreBound(min);
  const [hi, maxex] = scoreBound(max);
  return { min: lo, max: hi, minex, maxex };
}

/** A lex bound: the string, or -Infinity/Infinity for `-`/`+`. */
export interface LexRange {
  min: string | number;
  max: string | number;
  minex: boolean;
  maxex: boolean;
}

function lexBound(s: string): [string | number, boolean] {
  const c = s.charCodeAt(0);
  if (c === 43 && s.length === 1) return [Infinity, true]; // '+'
  if (c === 45 && s.length === 1) return [-Infinity, true]; // '-'
  if (c === 40) return [s.slice(1), true]; // '('
  if (c === 91) return [s.slice(1), false]; // '['
  throw new CommandError(LEX_RANGE_ERROR);
}

/** Redis's zslParseLexRange. */
export function parseLexRange(min: string, max: string): LexRange {
  const [lo, minex] = lexBound(min);
  const [hi, maxex] = lexBound(max);
  return { min: lo, max: hi, minex, maxex };
}

/** Redis's sdscmplex: -inf below every string, +inf above. */
function compareLex(a: string | number, b: string | number): number {
  if (a === b) return 0;
  if (typeof a === "number") return a < 0 ? -1 : 1;
  if (typeof b === "number") return b < 0 ? 1 : -1;
  return a < b ? -1 : 1;
}

/**
 * The ranks [from, to] (inclusive; from > to when empty) of the entries whose score is in
 * `r`, as Redis's zslIsInRange / zslFirstInRange / zslLastInRange find them.
 */
export function scoreRanks(tree: ScoreOrder, r: ScoreRange): [number, number] {
  if (r.min > r.max || (r.min === r.max && (r.minex || r.maxex))) return [0, -1];
  const from = tree.firstRankByScore((s) => r.minex ? s > r.min : s >= r.min);
  const to = tree.firstRankByScore((s) => r.maxex ? s >= r.max : s > r.max) - 1;
  return [from, to];
}

/** The ranks [from, to] of the members in lex range `r` (meaningful when scores are equal). */
export function lexRanks(tree: ScoreOrder, r: LexRange): [number, number] {
  const c = compareLex(r.min, r.max);
  if (c > 0 || (c === 0 && (r.minex || r.maxex))) return [0, -1];
  const from = tree.firstRank((_, m) => {
    const x = compareLex(m, r.min);
    return r.minex ? x > 0 : x >= 0;
  });
  const to = tree.firstRank((_, m) => {
    const x = compareLex(m, r.max);
    return r.maxex ? x >= 0 : x > 0;
  }) - 1;
  return [from, to];
}

/** Redis's rank sanitizing (ZRANGE, ZREMRANGEBYRANK): [from, to] clamped, from > to if empty. */
export function rankRanks(size: number, start: number, end: number): [number, number] {
  if (start < 0) start = size + start;
  if (end < 0) end = size + end;
  if (start < 0) start = 0;
  if (start > end || start >= size) return [0, -1];
  if (end >= size) end = size - 1;
  return [start, end];
}
