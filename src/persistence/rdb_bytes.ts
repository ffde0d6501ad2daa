/**
 * The byte-level grammar shared by RDB files and DUMP payloads: lengths (6/14/32/64-bit
 * forms), strings (raw, integer-encoded, LZF-compressed), 8-byte binary doubles and
 * little-endian integers. `RdbWriter` grows a buffer it owns; `RdbReader` walks a byte
 * array and raises `RdbFormatError` (never a RangeError) on anything truncated or
 * malformed. Strings are byte strings: one char per byte (protocol/latin1.ts).
 */

import { lzfCompress, lzfDecompress, LzfError } from "./lzf.ts";
import { bytesToString } from "../protocol/latin1.ts";

/** A file or payload that is truncated or not in the RDB format. */
export class RdbFormatError extends Error {}

const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

/** Bytes of a byte string (one char per byte). */
export function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

let scratch = new Uint8Array(4096);
/** Where `RdbReader.string` expands a compressed string before it becomes a string. */
let expanded = new Uint8Array(4096);

/**
 * The bytes of `s` in a buffer reused by the next call (for a look that keeps nothing, as
 * LZF's: a SAVE of a million values allocates no buffer per value).
 */
function latin1Scratch(s: string): Uint8Array {
  if (scratch.length < s.length) scratch = new Uint8Array(Math.max(s.length, 2 * scratch.length));
  for (let i = 0; i < s.length; i++) scratch[i] = s.charCodeAt(i);
  return scratch.subarray(0, s.length);
}

/** The byte string of `bytes` (protocol/latin1.ts's decoder: flat strings, fast). */
export function latin1String(bytes: Uint8Array): string {
  return bytesToString(bytes, 0, bytes.length);
}

/**
 * The integer a string spells when Redis would store it as one (string2ll's canonical
 * form: no sign on zero, no leading zeros, within 64 bits), or null.
 */
export function canonicalInteger(s: string): bigint | null {
  if (s.length === 0 || s.length > 20) return null;
  if (!/^(0|-?[1-9][0-9]*)$/.test(s)) return null;
  const v = BigInt(s);
  if (v > 9223372036854775807n || v < -9223372036854775808n) return null;
  return v;
}

export class RdbWriter {
  #buf = new Uint8Array(4096);
  #view = new DataView(this.#buf.buffer);
  #len = 0;

  /** Compress strings longer than 20 bytes (rdbcompression). */
  constructor(readonly compress = true) {}

  /** Bytes written so far. */
  get size(): number {
    return this.#len;
  }

  /** The bytes written so far (a view: copy before writing more). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }

  /** Forgets what was written, keeping the buffer (a streamed file hands chunks out). */
  reset(): void {
    this.#len = 0;
  }

  #ensure(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.#ensure(1);
    this.#buf[this.#len++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.#ensure(bytes.length);
    this.#buf.set(bytes, this.#len);
    this.#len += bytes.length;
  }

  /** A byte string's bytes, unframed. */
  rawString(s: string): void {
    this.#ensure(s.length);
    const buf = this.#buf;
    let p = this.#len;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.#len = p;
  }

  uint16LE(v: number): void {
    this.#ensure(2);
    this.#view.setUint16(this.#len, v, true);
    this.#len += 2;
  }

  uint32LE(v: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#len, v, true);
    this.#len += 4;
  }

  int64LE(v: bigint): void {
    this.#ensure(8);
    this.#view.setBigInt64(this.#len, v, true);
    this.#len += 8;
  }

  doubleLE(v: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#len, v, true);
    this.#len += 8;
  }

  /** rdbSaveLen: 6-bit, 14-bit, 32-bit big-endian or 64-bit big-endian forms. */
  length(n: number): void {
    if (n < 64) this.byte(n);
    else if (n < 16384) {
      this.byte(0x40 | (n >> 8));
      this.byte(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.byte(0x80);
      this.#ensure(4);
      this.#view.setUint32(this.#len, n, false);
      this.#len += 4;
    } else {
      this.byte(0x81);
      this.#ensure(8);
      this.#view.setBigUint64(this.#len, BigInt(n), false);
      this.#len += 8;
    }
  }

  /** A 64-bit length (stream ids, counters; -1 is written as 2^64-1, as Redis does). */
  lengthBig(n: bigint): void {
    const u = BigInt.asUintN(64, n);
    if (u <= 0xffffffffn) return this.length(Number(u));
    this.byte(0x81);
    this.#ensure(8);
    this.#view.setBigUint64(this.#len, u, false);
    this.#len += 8;
  }

  /** rdbSaveRawString: integer-encoded when short and canonical, LZF when it pays. */
  string(s: string): void {
    if (s.length <= 11) {
      const v = canonicalInteger(s);
      if (v !== null && v >= -2147483648n && v <= 2147483647n) {
        const n = Number(v);
        if (n >= -128 && n <= 127) {
          this.byte(0xc0 | ENC_INT8);
          this.byte(n & 0xff);
        } else if (n >= -32768 && n <= 32767) {
          this.byte(0xc0 | ENC_INT16);
          this.#ensure(2);
          this.#view.setInt16(this.#len, n, true);
          this.#len += 2;
        } else {
          this.byte(0xc0 | ENC_INT32);
          this.#ensure(4);
          this.#view.setInt32(this.#len, n, true);
          this.#len += 4;
        }
        return;
      }
    }
    if (this.compress && s.length > 20) {
      const packed = lzfCompress(latin1Scratch(s));
      if (packed !== null) {
        this.byte(0xc0 | ENC_LZF);
        this.length(packed.length);
        this.length(s.length);
        this.raw(packed);
        return;
      }
    }
    this.length(s.length);
    this.rawString(s);
  }

  /** A string of raw bytes (a listpack, an intset): compressed like any string. */
  blob(bytes: Uint8Array): void {
    if (this.compress && bytes.length > 20) {
      const packed = lzfCompress(bytes);
      if (packed !== null) {
        this.byte(0xc0 | ENC_LZF);
        this.length(packed.length);
        this.length(bytes.length);
        this.raw(packed);
        return;
      }
    }
    this.length(bytes.length);
    this.raw(bytes);
  }
}

export class RdbReader {
  pos = 0;
  readonly #view: DataView;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = start;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  #need(n: number): void {
    if (this.pos + n > this.end) throw new RdbFormatError("Unexpected EOF reading RDB file");
  }

  byte(): number {
    this.#need(1);
    return this.buf[this.pos++];
  }

  bytes(n: number): Uint8Array {
    this.#need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  uint16LE(): number {
    this.#need(2);
    const v = this.#view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  uint32LE(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  int32LE(): number {
    this.#need(4);
    const v = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  int64LE(): bigint {
    this.#need(8);
    const v = this.#view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  uint64BE(): bigint {
    this.#need(8);
    const v = this.#view.getBigUint64(this.pos, false);
    this.pos += 8;
    return v;
  }

  doubleLE(): number {
    this.#need(8);
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length; `encoded` is set for the 11xxxxxx special string forms. */
  lengthOrEncoding(): { n: number; encoded: boolean } {
    const first = this.byte();
    const kind = first >> 6;
    if (kind === 0) return { n: first & 0x3f, encoded: false };
    if (kind === 1) return { n: ((first & 0x3f) << 8) | this.byte(), encoded: false };
    if (kind === 3) return { n: first & 0x3f, encoded: true };
    if (first === 0x80) {
      this.#need(4);
      const v = this.#view.getUint32(this.pos, false);
      this.pos += 4;
      return { n: v, encoded: false };
    }
    if (first === 0x81) {
      const v = this.uint64BE();
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RdbFormatError("length too large");
      return { n: Number(v), encoded: false };
    }
    throw new RdbFormatError(`Unknown length encoding ${first} in rdbLoadLen()`);
  }

  /** A length that may pass 2^53 (stream ids, counters): the 64-bit form read exactly. */
  lengthBig(): bigint {
    if (this.pos < this.end && this.buf[this.pos] === 0x81) {
      this.pos++;
      return this.uint64BE();
    }
    return BigInt(this.length());
  }

  length(): number {
    const { n, encoded } = this.lengthOrEncoding();
    if (encoded) throw new RdbFormatError("unexpected string encoding where a length belongs");
    return n;
  }

  /** A string's raw bytes (integer forms spelled out in decimal, LZF expanded). */
  stringBytes(): Uint8Array {
    const { n, encoded } = this.lengthOrEncoding();
    if (!encoded) return this.bytes(n);
    switch (n) {
      case ENC_INT8: {
        const v = (this.byte() << 24) >> 24;
        return latin1Bytes(String(v));
      }
      case ENC_INT16: {
        const v = (this.uint16LE() << 16) >> 16;
        return latin1Bytes(String(v));
      }
      case ENC_INT32:
        return latin1Bytes(String(this.int32LE()));
      case ENC_LZF: {
        const packed = this.length();
        const size = this.length();
        try {
          return lzfDecompress(this.bytes(packed), size);
        } catch (e: unknown) {
          if (e instanceof LzfError) throw new RdbFormatError(`Invalid LZF compressed string`);
          throw e;
        }
      }
      default:
        throw new RdbFormatError(`Unknown RDB string encoding type ${n}`);
    }
  }

  /**
   * A string (rdbGenericLoadStringObject) as a byte string, built straight from the file's
   * bytes, its integer or its expansion, without an array of its own: a load of a million
   * keys would otherwise allocate one or two per key and value.
   */
  string(): string {
    const { n, encoded } = this.lengthOrEncoding();
    if (!encoded) {
      this.#need(n);
      this.pos += n;
      return bytesToString(this.buf, this.pos - n, this.pos);
    }
    switch (n) {
      case ENC_INT8:
        return String((this.byte() << 24) >> 24);
      case ENC_INT16:
        return String((this.uint16LE() << 16) >> 16);
      case ENC_INT32:
        return String(this.int32LE());
      case ENC_LZF: {
        const packed = this.length();
        const size = this.length();
        if (expanded.length < size) expanded = new Uint8Array(Math.max(size, 2 * expanded.length));
        try {
          lzfDecompress(this.bytes(packed), size, expanded);
        } catch (e: unknown) {
          if (e instanceof LzfError) throw new RdbFormatError(`Invalid LZF compressed string`);
          throw e;
        }
        return bytesToString(expanded, 0, size);
      }
      default:
        throw new RdbFormatError(`Unknown RDB string encoding type ${n}`);
    }
  }

  /** RDB_TYPE_ZSET's old score form: a length-prefixed ASCII double (253 nan, 254 inf, 255 -inf). */
  asciiDouble(): number {
    const len = this.byte();
    if (len === 253) return NaN;
    if (len === 254) return Infinity;
    if (len === 255) return -Infinity;
    const text = latin1String(this.bytes(len));
    const v = Number(text);
    if (Number.isNaN(v)) throw new RdbFormatError("bad double value");
    return v;
  }
}
