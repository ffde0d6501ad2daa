/**
 * Redis's intset: the sorted integers of a small set packed into one string, each in the
 * same width (2, 4 or 8 bytes, little-endian two's complement: int16, int32 or int64) as
 * wide as its widest member needs, searched by bisection. A member costs what it costs
 * Redis. Integers are handled as two 32-bit halves, so the whole int64 range is exact
 * without a BigInt except to print a member past 2^53. Immutable strings, as store/
 * packed.ts explains: a write builds the new string with a join.
 *
 * An intset is the string alone, its first char the width (no object around it: a set
 * value holds the string itself, which saves ~50 bytes per small set, BENCHMARKS.md
 * "Memory per element"); the functions below read and rebuild it.
 *
 * Members come in as canonical integer strings (set.ts checks them with
 * `isIntsetMember`), and go out the same way.
 */

const TWO_32 = 2 ** 32;
/** The halves of the last integer split or read (module scratch: no tuple per call). */
let HI = 0, LO = 0;

/** Splits a canonical int64 string into HI (signed) and LO (unsigned) 32-bit halves. */
function split(m: string): void {
  if (m.length <= 15) {
    const n = Number(m);
    HI = Math.floor(n / TWO_32);
    LO = n - HI * TWO_32;
  } else {
    const b = BigInt(m);
    HI = Number(BigInt.asIntN(32, b >> 32n));
    LO = Number(BigInt.asUintN(32, b));
  }
}

/** The width (bytes) the integer in HI/LO needs. */
function widthOf(hi: number, lo: number): number {
  if ((hi === 0 && lo <= 0x7fff) || (hi === -1 && lo >= TWO_32 - 0x8000)) return 2;
  if ((hi === 0 && lo <= 0x7fffffff) || (hi === -1 && lo >= 0x80000000)) return 4;
  return 8;
}

function encode(hi: number, lo: number, width: number): string {
  const f = String.fromCharCode;
  if (width === 2) return f(lo & 0xff, (lo >>> 8) & 0xff);
  const low = f(lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, (lo >>> 24) & 0xff);
  if (width === 4) return low;
  return low + f(hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, (hi >>> 24) & 0xff);
}

function toText(hi: number, lo: number): string {
  if (hi >= -0x200000 && hi < 0x200000) return String(hi * TWO_32 + lo); // |v| < 2^53
  return String((BigInt(hi) << 32n) + BigInt(lo));
}

/** An intset with no members. */
export const EMPTY_INTSET = "\x02";

/** Members of intset `s`. */
export function intsetSize(s: string): number {
  return (s.length - 1) / s.charCodeAt(0);
}

/** Bytes held by intset `s`'s members. */
export function intsetBytes(s: string): number {
  return s.length - 1;
}

/** Reads the member at index `i` of intset `s` into HI/LO. */
function read(s: string, i: number): void {
  const w = s.charCodeAt(0), p = 1 + i * w;
  if (w === 2) {
    const v = s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8);
    HI = v >= 0x8000 ? -1 : 0;
    LO = v >= 0x8000 ? v - 0x10000 + TWO_32 : v;
    return;
  }
  LO = (s.charCodeAt(p) | (s.charCodeAt(p + 1) << 8) | (s.charCodeAt(p + 2) << 16) |
    (s.charCodeAt(p + 3) << 24)) >>> 0;
  if (w === 4) HI = LO >= 0x80000000 ? -1 : 0;
  else {
    HI = s.charCodeAt(p + 4) | (s.charCodeAt(p + 5) << 8) | (s.charCodeAt(p + 6) << 16) |
      (s.charCodeAt(p + 7) << 24);
  }
}

/** Index of the integer hi/lo in `s`, or -(insertion point) - 1. */
function search(s: string, hi: number, lo: number): number {
  let a = 0, b = intsetSize(s) - 1;
  while (a <= b) {
    const mid = (a + b) >> 1;
    read(s, mid);
    if (HI === hi && LO === lo) return mid;
    if (HI < hi || (HI === hi && LO < lo)) a = mid + 1;
    else b = mid - 1;
  }
  return -a - 1;
}

/** Whether canonical integer `m` is in intset `s`. */
export function intsetHas(s: string, m: string): boolean {
  split(m);
  const hi = HI, lo = LO;
  return widthOf(hi, lo) <= s.charCodeAt(0) && search(s, hi, lo) >= 0;
}

/** `s` with canonical integer `m` added (`s` itself when `m` is already there). */
export function intsetAdd(s: string, m: string): string {
  split(m);
  const hi = HI, lo = LO;
  const width = widthOf(hi, lo);
  if (width > s.charCodeAt(0)) s = upgrade(s, width);
  const at = search(s, hi, lo);
  if (at >= 0) return s;
  const w = s.charCodeAt(0), p = 1 + (-at - 1) * w;
  return [s.slice(0, p), encode(hi, lo, w), s.slice(p)].join("");
}

/** Every member of `s` re-encoded in a wider width (Redis's intsetUpgradeAndAdd). */
function upgrade(s: string, width: number): string {
  const parts: string[] = [String.fromCharCode(width)];
  for (let i = 0, n = intsetSize(s); i < n; i++) {
    read(s, i);
    parts.push(encode(HI, LO, width));
  }
  return parts.join("");
}

/** `s` without canonical integer `m` (`s` itself when `m` is not there). */
export function intsetDelete(s: string, m: string): string {
  split(m);
  const hi = HI, lo = LO;
  if (widthOf(hi, lo) > s.charCodeAt(0)) return s;
  const at = search(s, hi, lo);
  return at < 0 ? s : intsetRemoveAt(s, at);
}

/** `s` without the member at index `i`. */
export function intsetRemoveAt(s: string, i: number): string {
  const w = s.charCodeAt(0), p = 1 + i * w;
  return s.length === 1 + w ? s[0] : [s.slice(0, p), s.slice(p + w)].join("");
}

/** The member at index `i` of intset `s`. */
export function intsetAt(s: string, i: number): string {
  read(s, i);
  return toText(HI, LO);
}

/** Every member of `s` in order. */
export function intsetMembers(s: string): string[] {
  const n = intsetSize(s);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = intsetAt(s, i);
  return out;
}

/**
 * The intset of canonical integers `members` (distinct), built at once: SADD of many
 * members, which would otherwise rebuild the string once per member.
 */
export function intsetFrom(members: readonly string[]): string {
  const n = members.length;
  const his = new Array<number>(n), los = new Array<number>(n);
  let width = 2;
  for (let i = 0; i < n; i++) {
    split(members[i]);
    his[i] = HI;
    los[i] = LO;
    width = Math.max(width, widthOf(HI, LO));
  }
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => his[a] - his[b] || los[a] - los[b]);
  const parts: string[] = [String.fromCharCode(width)];
  for (const i of order) parts.push(encode(his[i], los[i], width));
  return parts.join("");
}
