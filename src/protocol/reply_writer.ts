/**
 * The server's reply encoder. Every reply of one batch of requests is appended to one
 * growable buffer, which the session writes once: that single write per batch is what
 * makes pipelining cheap. Each method sizes its bytes first (`#reserve`) and then fills
 * them. Methods follow the client's protocol: in RESP2 a map is a flat array, a null is
 * `$-1`, a boolean is an integer and so on, as Redis downgrades them.
 *
 * Aliasing: `bytes()` returns a view of the internal buffer; it is valid until the next
 * call that appends or `clear()`.
 */

import { writeString } from "./latin1.ts";

const CRLF_LEN = 2;

/**
 * Digits of a non-negative safe integer. Comparisons, not divisions: replies carry a length
 * or a count in every header, and the division loop was ~8% of an INCR's own cost.
 */
function digitCount(n: number): number {
  if (n < 100000) {
    if (n < 100) return n < 10 ? 1 : 2;
    return n < 1000 ? 3 : n < 10000 ? 4 : 5;
  }
  // (a millisecond time, in every stream id, has 13 digits: halve the range, no loop)
  if (n < 1e10) {
    if (n < 1e7) return n < 1e6 ? 6 : 7;
    return n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  }
  if (n < 1e13) return n < 1e11 ? 11 : n < 1e12 ? 12 : 13;
  return n < 1e14 ? 14 : n < 1e15 ? 15 : n < 1e16 ? 16 : 17;
}

/**
 * The last stream id's bytes up to its dash (ReplyWriter.bulkStreamId): process-wide, made
 * on first use (the browser client bundles this module and never writes an id).
 */
let idPrefix: Uint8Array | null = null;
let idPrefixLength = 0;
let idPrefixMs = -1;
let idPrefixSeqDigits = 0;

/** Writes `$<len>\r\n<ms>-` of an id with `seqDigits` sequence digits into idPrefix. */
function streamIdPrefix(ms: number, seqDigits: number): number {
  const out = idPrefix ??= new Uint8Array(32);
  const msDigits = digitCount(ms);
  const total = msDigits + 1 + seqDigits;
  let p = 0;
  out[p++] = 36;
  if (total >= 10) out[p++] = 48 + ((total / 10) | 0);
  out[p++] = 48 + (total % 10);
  out[p++] = 13;
  out[p++] = 10;
  // the ms's digits, from the last; a safe integer is exact under `%` and `/` by 10
  let q = p + msDigits;
  p = q;
  let m = ms;
  do {
    const d = m % 10;
    out[--q] = 48 + d;
    m = (m - d) / 10;
  } while (m > 0);
  out[p++] = 45;
  return p;
}

/** Redis's RESP3 text for a double: inf, -inf, nan, else the shortest round-trip form. */
export function formatDouble(x: number): string {
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (Number.isNaN(x)) return "nan";
  if (Number.isInteger(x) && Math.abs(x) < 1e17) return x.toFixed(0);
  return String(x);
}

/** Appends RESP replies to one buffer. */
export class ReplyWriter {
  /** 2 or 3: the protocol the client chose with HELLO. */
  protocol: 2 | 3 = 2;
  /** Told of every error reply written (INFO errorstats counts them); null: nobody. */
  onError: ((message: string) => void) | null = null;
  #buf: Uint8Array;
  #len = 0;

  constructor(initialSize = 16 * 1024) {
    this.#buf = new Uint8Array(initialSize);
  }

  /** Number of bytes waiting to be written. */
  /** Bytes the buffer holds before it grows (CLIENT LIST rbs=). */
  get capacity(): number {
    return this.#buf.length;
  }

  get length(): number {
    return this.#len;
  }

  /** The encoded replies (a view of the internal buffer). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** A copy of the bytes from `mark` (an earlier `length`) on, which are then forgotten. */
  takeFrom(mark: number): Uint8Array {
    const taken = this.#buf.slice(mark, this.#len);
    this.#len = mark;
    return taken;
  }

  /** Forgets the encoded replies; shrinks a buffer that one huge reply grew. */
  clear(): void {
    this.#len = 0;
    if (this.#buf.length > 1024 * 1024) this.#buf = new Uint8Array(16 * 1024);
  }

  #reserve(n: number): void {
    const need = this.#len + n;
    if (need <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buf.subarray(0, this.#len));
    this.#buf = grown;
  }

  #byte(b: number): void {
    this.#buf[this.#len++] = b;
  }

  #crlf(): void {
    this.#buf[this.#len++] = 13;
    this.#buf[this.#len++] = 10;
  }

  /** Writes a non-negative safe integer's digits (space already reserved). */
  #digits(n: number): void {
    const d = digitCount(n);
    let pos = this.#len + d;
    this.#len = pos;
    // Below 2^31 integer division is `| 0`, cheaper than Math.floor on a double. A larger
    // safe integer (a millisecond time, in every stream id) is split once into its low 8
    // digits and the rest, both below 2^31, instead of a floating-point `%` per digit.
    if (n > 0x7fffffff) {
      let hi = Math.floor(n / 1e8);
      let lo = n - hi * 1e8;
      if (lo < 0) { // n / 1e8 rounded up to the next integer
        hi--;
        lo += 1e8;
      }
      for (let k = 0; k < 8; k++) {
        const q = (lo / 10) | 0;
        this.#buf[--pos] = 48 + lo - q * 10;
        lo = q;
      }
      n = hi;
    }
    do {
      const q = (n / 10) | 0;
      this.#buf[--pos] = 48 + n - q * 10;
      n = q;
    } while (n > 0);
  }

  /** `<prefix><integer>\r\n` for any safe integer. */
  #line(prefix: number, n: number): void {
    this.#reserve(24);
    this.#byte(prefix);
    if (n < 0) {
      this.#byte(45);
      n = -n;
    }
    this.#digits(n);
    this.#crlf();
  }

  #text(prefix: number, s: string): void {
    this.#reserve(s.length + 1 + CRLF_LEN);
    this.#byte(prefix);
    this.#len = writeString(s, this.#buf, this.#len);
    this.#crlf();
  }

  /** Raw bytes, already encoded. */
  raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** `raw(from.subarray(start, end))` without the view: a short copy costs less as a loop. */
  rawRange(from: Uint8Array, start: number, end: number): void {
    const n = end - start;
    this.#reserve(n);
    const buf = this.#buf;
    const len = this.#len;
    if (n <= 128) {
      for (let i = 0; i < n; i++) buf[len + i] = from[start + i];
    } else buf.set(from.subarray(start, end), len);
    this.#len = len + n;
  }

  /** `+s`; `s` must not contain CR or LF. */
  simple(s: string): void {
    this.#text(43, s);
  }

  ok(): void {
    this.#text(43, "OK");
  }

  /** `-message`, e.g. `error("ERR syntax error")`. CR and LF become spaces, as in Redis. */
  error(message: string): void {
    this.onError?.(message);
    this.#text(45, /[\r\n]/.test(message) ? message.replace(/[\r\n]/g, " ") : message);
  }

  integer(n: number | bigint): void {
    if (typeof n === "number" && Number.isSafeInteger(n)) this.#line(58, n);
    else this.#text(58, String(n));
  }

  /** A bulk string from a byte string. */
  bulk(s: string): void {
    const n = s.length;
    this.#reserve(n + 16 + CRLF_LEN);
    this.#byte(36);
    this.#digits(n);
    this.#crlf();
    this.#len = writeString(s, this.#buf, this.#len);
    this.#crlf();
  }

  /**
   * The bulk string `<ms>-<seq>` (a stream id) of two non-negative safe integers, written
   * from the numbers: XADD answers one per request, and building the string first (two
   * number-to-string conversions, a concatenation, a flatten) cost more than the rest of
   * the reply. The ids XADD generates within one millisecond share their ms, so the bytes
   * up to the dash (`$<len>\r\n<ms>-`, which also depend on the sequence's digit count)
   * are kept from the last id and copied while those stay the same.
   */
  bulkStreamId(ms: number, seq: number): void {
    const seqDigits = digitCount(seq);
    if (ms !== idPrefixMs || seqDigits !== idPrefixSeqDigits) {
      idPrefixLength = streamIdPrefix(ms, seqDigits);
      idPrefixMs = ms;
      idPrefixSeqDigits = seqDigits;
    }
    const n = idPrefixLength;
    const prefix = idPrefix!;
    this.#reserve(n + seqDigits + CRLF_LEN);
    const buf = this.#buf;
    const len = this.#len;
    for (let i = 0; i < n; i++) buf[len + i] = prefix[i];
    this.#len = len + n;
    this.#digits(seq);
    this.#crlf();
  }

  /** A bulk string, or null when `s` is null/undefined. */
  bulkOrNull(s: string | null | undefined): void {
    if (s == null) this.null();
    else this.bulk(s);
  }

  bulkBytes(bytes: Uint8Array): void {
    this.#line(36, bytes.length);
    this.raw(bytes);
    this.#reserve(CRLF_LEN);
    this.#crlf();
  }

  /** The null reply: `_` in RESP3, a null bulk `$-1` in RESP2. */
  null(): void {
    if (this.protocol === 3) this.#text(95, "");
    else this.#text(36, "-1");
  }

  /** The null array: `_` in RESP3, `*-1` in RESP2. */
  nullArray(): void {
    if (this.protocol === 3) this.#text(95, "");
    else this.#text(42, "-1");
  }

  array(count: number): void {
    this.#line(42, count);
  }

  /** A map of `count` pairs; a flat array of 2×count in RESP2. */
  map(count: number): void {
    if (this.protocol === 3) this.#line(37, count);
    else this.#line(42, count * 2);
  }

  set(count: number): void {
    this.#line(this.protocol === 3 ? 126 : 42, count);
  }

  /** An out-of-band push (pub/sub messages); an array in RESP2. */
  push(count: number): void {
    this.#line(this.protocol === 3 ? 62 : 42, count);
  }

  /** A double: `,x` in RESP3, a bulk string in RESP2. */
  double(x: number, text = formatDouble(x)): void {
    if (this.protocol === 3) this.#text(44, text);
    else this.bulk(text);
  }

  boolean(b: boolean): void {
    if (this.protocol === 3) this.#text(35, b ? "t" : "f");
    else this.#line(58, b ? 1 : 0);
  }

  bigNumber(n: bigint): void {
    if (this.protocol === 3) this.#text(40, String(n));
    else this.bulk(String(n));
  }

  /** Verbatim text (`=len\r\ntxt:...`) in RESP3, a bulk string in RESP2. */
  verbatim(format: string, s: string): void {
    if (this.protocol !== 3) return this.bulk(s);
    this.#line(61, s.length + 4);
    this.#reserve(s.length + 4 + CRLF_LEN);
    this.#len = writeString(format + ":" + s, this.#buf, this.#len);
    this.#crlf();
  }

  /** An array of bulk strings. */
  bulkArray(items: readonly string[]): void {
    this.array(items.length);
    for (const s of items) this.bulk(s);
  }
}
