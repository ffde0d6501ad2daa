/**
 * Stream entry ids (`<ms>-<seq>`, two unsigned 64-bit integers) and the 64-bit arithmetic
 * streams need. JavaScript numbers are exact only up to 2^53, and real ids (a millisecond
 * clock, small sequences) always fit, so a component is a number when it is a safe integer
 * and a bigint only beyond: the common path never touches bigints, and ids up to
 * 18446744073709551615 stay exact. Normalised this way, `===` compares two components, and
 * `<` / `>` compare numbers and bigints exactly in any mix.
 */

/** A 64-bit integer: a number when it is a safe integer, a bigint beyond (normalised). */
export type U64 = number | bigint;

export const U64_MAX = 18446744073709551615n;
const INT64_MAX = 9223372036854775807n;
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `v` normalised: a number when it is safe. */
export function norm(v: bigint): U64 {
  return v <= SAFE && v >= -SAFE ? Number(v) : v;
}

export function big(v: U64): bigint {
  return typeof v === "bigint" ? v : BigInt(v);
}

/** a + b, exact. */
export function add(a: U64, b: U64): U64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  return norm(big(a) + big(b));
}

/** a - b, exact. */
export function sub(a: U64, b: U64): U64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r;
  }
  return norm(big(a) - big(b));
}

export interface StreamId {
  readonly ms: U64;
  readonly seq: U64;
}

export const MIN_ID: StreamId = { ms: 0, seq: 0 };
export const MAX_ID: StreamId = { ms: U64_MAX, seq: U64_MAX };

export function formatId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

/** -1, 0 or 1 as `a` sorts before, with or after `b`. */
export function compareIds(a: StreamId, b: StreamId): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

export function isZeroId(id: StreamId): boolean {
  return id.ms === 0 && id.seq === 0;
}

/** The id after `id`, or null past the last possible id (Redis's streamIncrID failing). */
export function nextId(id: StreamId): StreamId | null {
  if (id.seq === U64_MAX) {
    if (id.ms === U64_MAX) return null;
    return { ms: add(id.ms, 1), seq: 0 };
  }
  return { ms: id.ms, seq: add(id.seq, 1) };
}

/** The id before `id`, or null before 0-0 (Redis's streamDecrID failing). */
export function prevId(id: StreamId): StreamId | null {
  if (id.seq === 0) {
    if (id.ms === 0) return null;
    return { ms: sub(id.ms, 1), seq: U64_MAX };
  }
  return { ms: id.ms, seq: sub(id.seq, 1) };
}

/**
 * C's `strtoull` as Redis's `string2ull` uses it: leading blanks, an optional sign (a minus
 * wraps modulo 2^64), decimal digits to the end; null when invalid or out of range. The
 * text stops at its first NUL, as a C string does.
 */
export function parseU64(text: string): U64 | null {
  const nul = text.indexOf("\0");
  const s = nul < 0 ? text : text.slice(0, nul);
  // string2ll's fast path: plain digits, no leading zero.
  if (s.length > 0 && s.length < 16 && /^(0|[1-9][0-9]*)$/.test(s)) return Number(s);
  let i = 0;
  while (i < s.length && " \t\n\v\f\r".includes(s[i])) i++;
  let negative = false;
  if (s[i] === "+" || s[i] === "-") negative = s[i++] === "-";
  const digits = s.slice(i);
  if (!/^[0-9]+$/.test(digits)) return null;
  let v = BigInt(digits);
  if (v > U64_MAX) return null;
  if (negative && v !== 0n) v = U64_MAX + 1n - v;
  return norm(v);
}

/** The result of parsing an id argument. */
export interface ParsedId {
  id: StreamId;
  /** False for `<ms>-*` (XADD's "generate the sequence"). */
  seqGiven: boolean;
}

/**
 * Redis's streamGenericParseIDOrReply: `-` and `+` (unless strict), `<ms>` (sequence
 * `missingSeq`), `<ms>-<seq>`, and `<ms>-*` when `allowSeqStar`. Null when invalid.
 */
export function parseId(
  text: string,
  missingSeq: U64 = 0,
  strict = false,
  allowSeqStar = false,
): ParsedId | null {
  if (text.length > 127) return null;
  // Redis copies the argument into a C string: it ends at the first NUL.
  const nul = text.indexOf("\0");
  const s = nul < 0 ? text : text.slice(0, nul);
  const c0 = s.length > 0 ? s[0] : "";
  if (s.length === 1 && (c0 === "-" || c0 === "+")) {
    if (strict) return null;
    return { id: c0 === "-" ? MIN_ID : MAX_ID, seqGiven: true };
  }
  const dash = s.indexOf("-");
  const msText = dash < 0 ? s : s.slice(0, dash);
  const ms = parseU64(msText);
  if (ms === null) return null;
  if (dash < 0) return { id: { ms, seq: missingSeq }, seqGiven: true };
  const seqText = s.slice(dash + 1);
  if (allowSeqStar && seqText === "*") {
    return { id: { ms, seq: 0 }, seqGiven: false };
  }
  const seq = parseU64(seqText);
  if (seq === null) return null;
  return { id: { ms, seq }, seqGiven: true };
}

/** Redis's `long long` argument check for stream options: an integer within signed 64 bits. */
export function fitsInt64(v: U64): boolean {
  return typeof v === "number" || (v <= INT64_MAX && v >= -INT64_MAX - 1n);
}
