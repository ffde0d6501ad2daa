/**
 * INCRBYFLOAT's arithmetic, bit for bit as Redis does it on x86-64: both operands parsed
 * by glibc `strtold` into an 80-bit long double (64-bit significand), added with
 * round-to-nearest-even, and printed as `%.17Lf` with trailing zeros removed. JavaScript
 * doubles give different digits (10.5 + 0.1 prints 10.59999999999999964 from a double,
 * 10.6 from Redis), so the long double is emulated exactly on bigints: a value is
 * `sign × m × 2^e` with `m < 2^64`. Only INCRBYFLOAT uses this, so its cost is fine.
 */

import { CommandError, NOT_FLOAT } from "../errors.ts";

/** A finite long double, or an infinity (`m` is then 0n and `inf` true). */
interface LongDouble {
  neg: boolean;
  m: bigint;
  e: number;
  inf: boolean;
}

/** Redis's MAX_LONG_DOUBLE_CHARS: longer inputs are not floats. */
const MAX_CHARS = 5 * 1024;
/** Exponent of the least significant bit of the smallest denormal. */
const MIN_EXP = -16445;
/** Values at or above 2^MAX_BITS overflow to infinity. */
const MAX_BITS = 16384;
const TEN17 = 10n ** 17n;

const ZERO = (neg: boolean): LongDouble => ({ neg, m: 0n, e: 0, inf: false });
const INF = (neg: boolean): LongDouble => ({ neg, m: 0n, e: 0, inf: true });

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** The long double nearest to `num / den × 2^e2` (num ≥ 0, den > 0), ties to even. */
function round(neg: boolean, num: bigint, den: bigint, e2: number): LongDouble {
  if (num === 0n) return ZERO(neg);
  // Scale so the quotient has 66 or more bits: 64 kept, then a guard bit and the rest.
  const s = 66 - (bitLength(num) - bitLength(den));
  const q = s >= 0 ? (num << BigInt(s)) / den : num / (den << BigInt(-s));
  const sticky = s >= 0 ? (num << BigInt(s)) % den !== 0n : num % (den << BigInt(-s)) !== 0n;
  let drop = bitLength(q) - 64;
  const lsb = e2 - s;
  if (lsb + drop < MIN_EXP) drop = MIN_EXP - lsb;
  const half = 1n << BigInt(drop - 1);
  const low = q & ((half << 1n) - 1n);
  let m = q >> BigInt(drop);
  if (low > half || (low === half && (sticky || (m & 1n) === 1n))) m++;
  let e = lsb + drop;
  if (m === 1n << 64n) {
    m >>= 1n;
    e++;
  }
  if (m === 0n) return ZERO(neg);
  if (e + bitLength(m) > MAX_BITS) return INF(neg);
  return { neg, m, e, inf: false };
}

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^([+-]?)(inf|infinity)$/i;

/**
 * Parses `s` as Redis's string2ld does: strtold's syntax (decimal, hex, inf), no leading
 * or trailing blanks, no NaN, and an overflow or an underflow to zero is not a float.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_CHARS) return null;
  const inf = INFINITY.exec(s);
  if (inf) return INF(inf[1] === "-");
  const hex = HEX.exec(s);
  const m = hex ?? DECIMAL.exec(s);
  if (!m) return null;
  const [, sign, intDigits, fracDigits = "", expText = "0"] = m;
  if (intDigits.length + fracDigits.length === 0) return null;
  const neg = sign === "-";
  const digits = (intDigits + fracDigits).replace(/^0+/, "");
  if (digits === "") return ZERO(neg);
  const mantissa = BigInt((hex ? "0x" : "") + digits);
  // Bound the exponent before building powers: far outside the range is over/underflow.
  const exp = Number(expText);
  let result: LongDouble;
  if (hex) {
    const e2 = exp - 4 * fracDigits.length;
    const top = e2 + 4 * digits.length;
    if (top > MAX_BITS + 4) return null;
    if (top < MIN_EXP - 4) return null;
    result = round(neg, mantissa, 1n, e2);
  } else {
    const e10 = exp - fracDigits.length;
    const magnitude = e10 + digits.length;
    if (magnitude > 4934) return null;
    if (magnitude < -4953) return null;
    result = e10 >= 0
      ? round(neg, mantissa * 10n ** BigInt(e10), 1n, 0)
      : round(neg, mantissa, 10n ** BigInt(-e10), 0);
  }
  if (result.inf || result.m === 0n) return null; // ERANGE: HUGE_VAL or 0
  return result;
}

function add(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return null; // NaN
    return a.inf ? a : b;
  }
  const e = Math.min(a.e, b.e);
  const av = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const bv = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = av + bv;
  if (sum === 0n) return ZERO(a.neg && b.neg);
  return round(sum < 0n, sum < 0n ? -sum : sum, 1n, e);
}

/** `%.17Lf` of a finite value with trailing zeros (and a bare '.') removed; "-0" is "0". */
export function formatLongDouble(x: LongDouble): string {
  let q: bigint;
  if (x.e >= 0) q = (x.m << BigInt(x.e)) * TEN17;
  else {
    const scaled = x.m * TEN17;
    const shift = BigInt(-x.e);
    q = scaled >> shift;
    const r = scaled - (q << shift);
    const half = 1n << (shift - 1n);
    if (r > half || (r === half && (q & 1n) === 1n)) q++;
  }
  const whole = (q / TEN17).toString();
  const frac = (q % TEN17).toString().padStart(17, "0").replace(/0+$/, "");
  const text = frac === "" ? whole : `${whole}.${frac}`;
  return x.neg && text !== "0" ? `-${text}` : text;
}

/** INCRBYFLOAT: `current + increment` as Redis computes and prints it. */
export function incrByFloat(current: string, increment: string): string {
  const a = parseLongDouble(current);
  const b = a === null ? null : parseLongDouble(increment);
  if (a === null || b === null) throw new CommandError(NOT_FLOAT);
  const sum = add(a, b);
  if (sum === null || sum.inf) {
    throw new CommandError("ERR increment would produce NaN or Infinity");
  }
  return formatLongDouble(sum);
}

const LLONG_MAX = (1n << 63n) - 1n;

/** Plain decimal digits only, at most 12 of them (so its milliseconds are a safe integer). */
function isSmallWholeNumber(s: string): boolean {
  if (s.length === 0 || s.length > 12) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A blocking command's timeout in seconds as Redis 7.0.15 reads it (blocking.c's
 * getTimeoutFromObjectOrReply): `strtold`, times 1000 in long double, `ceill`, then cast
 * to a 64-bit integer, which x86 turns into LLONG_MIN when out of range (infinities and
 * values past 2^63 ms are so "negative"). Returns the milliseconds (0: no timeout; may be
 * a bigint past 2^53), "negative", or null when `s` is not a float.
 */
export function timeoutMillis(s: string): number | bigint | "negative" | null {
  if (isSmallWholeNumber(s)) return Number(s) * 1000; // "0", "5": exact, on every BLPOP
  const x = parseLongDouble(s);
  if (x === null) return null;
  if (x.inf) return "negative";
  if (x.m === 0n) return 0;
  const p = round(x.neg, x.m * 1000n, 1n, x.e);
  let whole: bigint;
  if (p.e >= 0) whole = p.m << BigInt(p.e);
  else {
    const shift = BigInt(-p.e);
    whole = p.m >> shift;
    // ceil: a positive fraction rounds up; a negative one rounds toward zero.
    if (!p.neg && (whole << shift) !== p.m) whole++;
  }
  if (whole > LLONG_MAX) return "negative";
  if (p.neg && whole !== 0n) return "negative";
  return Number.isSafeInteger(Number(whole)) ? Number(whole) : whole;
}
