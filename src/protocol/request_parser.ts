/**
 * The server's request decoder: turns the bytes a client sent into argument lists, with
 * Redis's exact rules and error texts (multibulk `*N` of `$len` bulks, or an inline line).
 *
 * Check, then parse: bulk headers are verified first and their offsets remembered; the
 * argument strings are built only once the whole request is buffered. The check resumes
 * where it stopped, so a large request arriving in many reads is never rescanned, and
 * while a bulk body is still arriving it returns at once until enough bytes are there.
 * Offsets are kept relative to the request's first byte so the caller may compact its
 * buffer between calls, as long as the unconsumed bytes still start at that request.
 */

import { INCOMPLETE, ProtocolError } from "./frame.ts";
import { bytesToString } from "./latin1.ts";
import { MAX_CACHED_LENGTH, recentString } from "./recent_strings.ts";
import { splitInlineArgs } from "./inline.ts";

/** Redis's PROTO_INLINE_MAX_SIZE: the longest inline request or count line. */
export const INLINE_MAX = 64 * 1024;
const INT_MAX = 2147483647;
/** Redis's limits before a client has authenticated. */
export const UNAUTHENTICATED_MAX_ARGS = 10;
export const UNAUTHENTICATED_MAX_BULK = 16384;

const CR = 13, LF = 10, STAR = 42, DOLLAR = 36;

/**
 * Index of `byte` in `buf[from, end)`, or -1. Like the `strchr` Redis scans its query buffer
 * with, a NUL byte ends the search: a header or inline line with a NUL before its end is
 * never complete, so the request waits until the "too big" limit closes the connection.
 */
function findByte(buf: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = buf[i];
    if (c === byte) return i;
    if (c === 0) return -1;
  }
  return -1;
}

/**
 * Redis's `string2ll` on `buf[start, end)`: optional '-', no '+', no leading zeros, no
 * blanks. Returns `null` when it is not such an integer or overflows 64 bits. Values past
 * 2^53 come back approximate, which is enough for the length checks it serves.
 */
export function parseLength(buf: Uint8Array, start: number, end: number): number | null {
  if (start >= end) return null;
  let p = start;
  let negative = false;
  if (buf[p] === 45) {
    negative = true;
    if (++p === end) return null;
  }
  if (buf[p] === 48) return end - start === 1 ? 0 : null;
  const digits = end - p;
  if (digits > 19) return null;
  let v = 0;
  for (; p < end; p++) {
    const d = buf[p] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  // Doubles cannot tell 2^63 - 1 from 2^63: compare 19-digit values digit by digit.
  if (digits === 19 && !withinInt64(buf, end - 19, negative)) return null;
  return negative ? -v : v;
}

const INT64_LIMIT = "9223372036854775807";

/** Whether the 19 ASCII digits at `buf[from]` are at most 2^63 - 1 (2^63 when negative). */
function withinInt64(buf: Uint8Array, from: number, negative: boolean): boolean {
  for (let i = 0; i < 19; i++) {
    const limit = INT64_LIMIT.charCodeAt(i) + (negative && i === 18 ? 1 : 0);
    if (buf[from + i] !== limit) return buf[from + i] < limit;
  }
  return true;
}

/** The CR ending the header line read last (`plainLength`, `#bulkHeader`). */
export let headerCr = 0;

/**
 * The common header `$len\r` (or `*count\r`) read in one pass: `buf[from]` is the first
 * digit; 1 to 15 digits without a leading zero (or a lone 0), then CR with one more byte
 * buffered. Returns the length and sets `headerCr`, or -1 for anything else (signs, NUL,
 * junk, a line still arriving), which the exact path (`findByte` + `parseLength`) then
 * judges, so errors and limits stay as Redis words them.
 */
export function plainLength(buf: Uint8Array, from: number, end: number): number {
  let q = from;
  let v = 0;
  for (; q < end; q++) {
    const d = buf[q] ^ 48; // 0-9 for the digits, and only for them
    if (d > 9) break;
    v = v * 10 + d;
  }
  const digits = q - from;
  if (
    digits === 0 || digits > 15 || q + 1 >= end || buf[q] !== CR ||
    (digits > 1 && buf[from] === 48)
  ) return -1;
  headerCr = q;
  return v;
}

/**
 * A request that would hold more than client-query-buffer-limit bytes in Redis's query
 * buffer: Redis closes such a client without a reply (and logs it), so the session does too.
 */
export class QueryBufferLimitError extends Error {
  constructor() {
    super("reached max query buffer length");
    this.name = "QueryBufferLimitError";
  }
}

/** Decodes one request at a time from a caller-owned buffer. */
export class RequestParser {
  /** Arguments of the request returned last; empty for an empty request (skipped). */
  args: string[] = [];
  /** proto-max-bulk-len. */
  maxBulkLen = 512 * 1024 * 1024;
  /** When true, Redis's unauthenticated limits apply (10 arguments, 16 KiB bulks). */
  unauthenticated = false;
  /**
   * client-query-buffer-limit, as Redis applies it: Redis keeps only the unparsed part of a
   * request in its query buffer, and a bulk being received alone (for big bulks it reads
   * exactly the bulk and its CRLF), so the limit is passed only by one bulk whose bytes
   * and CRLF exceed it, once more than the limit of it is buffered. Arguments already
   * parsed do not count: a long MSET of small values is served.
   */
  queryBufferLimit = Infinity;

  // State of a multibulk request that is not yet whole; all offsets relative to its start.
  #argc = 0;
  #checked = 0;
  #scan = 0;
  #bulkLen = -1;
  #need = 0;
  /** Offset (from the request's start) past which the pending bulk exceeds the limit. */
  #overLimitAt = Infinity;
  #offsets = new Float64Array(64);

  /** Bytes from the pending request's start that must be buffered before it can complete. */
  get bytesWanted(): number {
    return this.#argc === 0 ? 0 : this.#need;
  }

  /**
   * Decodes the request starting at `buf[start]` (bytes up to `end` are valid). Returns the
   * offset after it, with its arguments in `args`, or `INCOMPLETE`. Throws `ProtocolError`.
   */
  parse(buf: Uint8Array, start: number, end: number): number {
    if (this.#argc === 0) {
      if (start >= end) return INCOMPLETE;
      if (buf[start] !== STAR) return this.#parseInline(buf, start, end);
      let count: number | null = plainLength(buf, start + 1, end);
      let cr = headerCr;
      if (count < 0) {
        cr = findByte(buf, CR, start, end);
        if (cr < 0 || cr + 1 >= end) {
          if (cr < 0 && end - start > INLINE_MAX) {
            throw new ProtocolError("too big mbulk count string");
          }
          return INCOMPLETE;
        }
        count = parseLength(buf, start + 1, cr);
      }
      if (count === null || count > INT_MAX) {
        throw new ProtocolError("invalid multibulk length");
      }
      if (count > UNAUTHENTICATED_MAX_ARGS && this.unauthenticated) {
        throw new ProtocolError("unauthenticated multibulk length");
      }
      if (count <= 0) {
        this.args = [];
        return cr + 2;
      }
      this.#argc = count;
      this.#checked = 0;
      this.#scan = cr + 2 - start;
      this.#bulkLen = -1;
      this.#need = 0;
    }
    if (end - start < this.#need) {
      if (end - start > this.#overLimitAt) throw new QueryBufferLimitError();
      return INCOMPLETE;
    }
    return this.#checkBulks(buf, start, end);
  }

  #checkBulks(buf: Uint8Array, start: number, end: number): number {
    let p = start + this.#scan;
    while (this.#checked < this.#argc) {
      let len = this.#bulkLen;
      if (len < 0) {
        len = this.#bulkHeader(buf, p, end);
        if (len < 0) {
          this.#scan = p - start;
          this.#need = 0;
          return INCOMPLETE;
        }
        p = headerCr + 2;
      }
      const overLimit = len + 2 > this.queryBufferLimit;
      if (overLimit && end - p > this.queryBufferLimit) throw new QueryBufferLimitError();
      // Redis does not verify the CRLF after a bulk: it skips two bytes, and so do we.
      if (end - p < len + 2) {
        this.#bulkLen = len;
        this.#scan = p - start;
        this.#need = p - start + len + 2;
        this.#overLimitAt = overLimit ? p - start + this.queryBufferLimit : Infinity;
        return INCOMPLETE;
      }
      this.#record(this.#checked++, p - start, len);
      this.#bulkLen = -1;
      p += len + 2;
    }
    const argc = this.#argc;
    const offsets = this.#offsets;
    const args = new Array<string>(argc);
    for (let i = 0; i < argc; i++) {
      const from = start + offsets[2 * i];
      const len = offsets[2 * i + 1];
      args[i] = len !== 0 && len < MAX_CACHED_LENGTH
        ? recentString(buf, from, len)
        : bytesToString(buf, from, from + len);
    }
    this.#argc = 0;
    this.args = args;
    return p;
  }

  /**
   * The bulk header at `buf[p]`: its length, checked against the limits, with `headerCr`
   * set to its CR; -1 while the line is still arriving.
   */
  #bulkHeader(buf: Uint8Array, p: number, end: number): number {
    let len = buf[p] === DOLLAR ? plainLength(buf, p + 1, end) : -1;
    if (len < 0) {
      const cr = findByte(buf, CR, p, end);
      if (cr < 0 || cr + 1 >= end) {
        if (cr < 0 && end - p > INLINE_MAX) throw new ProtocolError("too big bulk count string");
        return -1;
      }
      if (buf[p] !== DOLLAR) {
        const got = buf[p] === CR || buf[p] === LF ? " " : String.fromCharCode(buf[p]);
        throw new ProtocolError(`expected '$', got '${got}'`);
      }
      const parsed = parseLength(buf, p + 1, cr);
      if (parsed === null || parsed < 0) throw new ProtocolError("invalid bulk length");
      len = parsed;
      headerCr = cr;
    }
    if (len > this.maxBulkLen) throw new ProtocolError("invalid bulk length");
    if (len > UNAUTHENTICATED_MAX_BULK && this.unauthenticated) {
      throw new ProtocolError("unauthenticated bulk length");
    }
    return len;
  }

  #record(index: number, offset: number, len: number): void {
    if (2 * index + 2 > this.#offsets.length) {
      const grown = new Float64Array(this.#offsets.length * 2);
      grown.set(this.#offsets);
      this.#offsets = grown;
    }
    this.#offsets[2 * index] = offset;
    this.#offsets[2 * index + 1] = len;
  }

  #parseInline(buf: Uint8Array, start: number, end: number): number {
    const nl = findByte(buf, LF, start, end);
    if (nl < 0) {
      if (end - start > INLINE_MAX) throw new ProtocolError("too big inline request");
      return INCOMPLETE;
    }
    const lineEnd = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
    const args = splitInlineArgs(buf.subarray(start, lineEnd));
    if (args === null) throw new ProtocolError("unbalanced quotes in request");
    this.args = args;
    return nl + 1;
  }
}
