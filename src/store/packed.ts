/**
 * Byte strings packed one after another into a single JavaScript string: respd's listpack.
 * Each entry is its length as a varint (7 bits per char, the high bit meaning "more") and
 * then its bytes. Small hashes and sorted sets keep their elements this way because a V8
 * string costs a header and rounding per string, while a packed entry costs one length
 * char: the compact forms then cost about what Redis's listpacks cost.
 *
 * A packed string is immutable; a write builds the new one with `Array.prototype.join`,
 * which gives a flat string (concatenation would leave a rope of `ConsString`s behind that
 * V8 only flattens when it is read). Positions are char offsets into the packed string.
 */

/** The one-char headers of lengths 0..127, built once. */
const SHORT_HEADERS: string[] = Array.from({ length: 128 }, (_, n) => String.fromCharCode(n));

/** The varint header of an entry of `len` bytes. */
export function lengthHeader(len: number): string {
  if (len < 128) return SHORT_HEADERS[len];
  let out = "";
  while (len >= 128) {
    out += String.fromCharCode(0x80 | (len & 0x7f));
    len = Math.floor(len / 128);
  }
  return out + SHORT_HEADERS[len];
}

/** Chars taken by the header of an entry of `len` bytes. */
export function headerSize(len: number): number {
  let n = 1;
  while (len >= 128) {
    len = Math.floor(len / 128);
    n++;
  }
  return n;
}

/** The length stored in the (multi-char) header at `p`; call it when the first char ≥ 128. */
export function longLength(s: string, p: number): number {
  let len = 0, scale = 1, c: number;
  do {
    c = s.charCodeAt(p++);
    len += (c & 0x7f) * scale;
    scale *= 128;
  } while (c >= 128);
  return len;
}

/** `entry` with its header, ready to be joined into a packed string. */
export function packEntry(entry: string): string {
  return lengthHeader(entry.length) + entry;
}

/** Every entry of a packed string, in order (tests, conversions). */
export function unpackAll(s: string): string[] {
  const out: string[] = [];
  for (let p = 0; p < s.length;) {
    let len = s.charCodeAt(p);
    if (len < 128) p++;
    else {
      len = longLength(s, p);
      p += headerSize(len);
    }
    out.push(s.slice(p, p + len));
    p += len;
  }
  return out;
}

/** The position after the entry at `p`. */
export function skipEntry(s: string, p: number): number {
  const len = s.charCodeAt(p);
  if (len < 128) return p + 1 + len;
  const long = longLength(s, p);
  return p + headerSize(long) + long;
}

/** The bytes of the entry at `p`. */
export function entryAt(s: string, p: number): string {
  let len = s.charCodeAt(p);
  if (len < 128) return s.slice(p + 1, p + 1 + len);
  len = longLength(s, p);
  const start = p + headerSize(len);
  return s.slice(start, start + len);
}

/** Whether the entry at `p` is exactly `want`. */
export function entryEquals(s: string, p: number, want: string): boolean {
  let len = s.charCodeAt(p);
  if (len < 128) return len === want.length && s.startsWith(want, p + 1);
  len = longLength(s, p);
  return len === want.length && s.startsWith(want, p + headerSize(len));
}

/**
 * `s` with the chars from..to replaced by `insert` (entries already packed): one flat
 * string, built by a join.
 */
export function splice(s: string, from: number, to: number, insert: string): string {
  if (from === s.length && to === s.length) {
    return s.length === 0 ? insert : [s, insert].join("");
  }
  return [s.slice(0, from), insert, s.slice(to)].join("");
}

/** Reused argument arrays for `detached`, one per length below DETACH_SCRATCH. */
const DETACH_SCRATCH = 48;
const SCRATCH: number[][] = Array.from({ length: DETACH_SCRATCH }, (_, n) => new Array(n).fill(0));

/**
 * A copy of `s` that does not keep a packed string alive. V8 makes a slice of 13 chars or
 * more a view that holds its whole parent; an element leaving the packed form for a
 * longer-lived structure (a conversion to the large form) goes through here. Short strings
 * are rebuilt from their char codes; longer ones through a flattened concatenation, whose
 * slice then refers to a parent barely longer than itself.
 */
export function detached(s: string): string {
  const n = s.length;
  if (n < 13) return s;
  if (n < DETACH_SCRATCH) {
    const codes = SCRATCH[n];
    for (let i = 0; i < n; i++) codes[i] = s.charCodeAt(i);
    return String.fromCharCode.apply(null, codes);
  }
  return ("\x00" + s).slice(1);
}
