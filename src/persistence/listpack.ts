/**
 * Listpack, the packed form Redis 7.0 writes for small hashes and sorted sets and for each
 * node of a list (and, under its radix tree, for stream entries): a 6-byte header (total
 * bytes, element count), entries each followed by its length backwards, and 0xFF. Entries
 * that spell a canonical integer are stored as integers, as Redis's lpAppend does, so the
 * bytes respd writes match Redis's for the same elements.
 */

import { canonicalInteger, latin1String, RdbFormatError } from "./rdb_bytes.ts";

/** Encodes `items` (byte strings) as one listpack. */
export function encodeListpack(items: readonly string[]): Uint8Array {
  const parts: number[] = [0, 0, 0, 0, 0, 0];
  for (const item of items) appendEntry(parts, item);
  parts.push(0xff);
  const out = Uint8Array.from(parts);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length, true);
  view.setUint16(4, items.length < 65535 ? items.length : 65535, true);
  return out;
}

/** The bytes an entry takes (its encoding and data, without the back length). */
function appendEntry(out: number[], item: string): void {
  const start = out.length;
  const v = item.length <= 20 ? canonicalInteger(item) : null;
  if (v !== null) appendInteger(out, v);
  else appendString(out, item);
  const len = out.length - start;
  appendBacklen(out, len);
}

function appendInteger(out: number[], big: bigint): void {
  if (big >= 0n && big <= 127n) return void out.push(Number(big));
  if (big >= -4096n && big <= 4095n) {
    const v = Number(big) & 0x1fff;
    return void out.push(0xc0 | (v >> 8), v & 0xff);
  }
  const [tag, bytes] = big >= -32768n && big <= 32767n
    ? [0xf1, 2]
    : big >= -8388608n && big <= 8388607n
    ? [0xf2, 3]
    : big >= -2147483648n && big <= 2147483647n
    ? [0xf3, 4]
    : [0xf4, 8];
  out.push(tag);
  let u = BigInt.asUintN(bytes * 8, big);
  for (let i = 0; i < bytes; i++) {
    out.push(Number(u & 0xffn));
    u >>= 8n;
  }
}

function appendString(out: number[], s: string): void {
  const n = s.length;
  if (n < 64) out.push(0x80 | n);
  else if (n < 4096) out.push(0xe0 | (n >> 8), n & 0xff);
  else out.push(0xf0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  for (let i = 0; i < n; i++) out.push(s.charCodeAt(i));
}

function appendBacklen(out: number[], len: number): void {
  if (len <= 127) out.push(len);
  else if (len < 16383) out.push(len >> 7, (len & 127) | 128);
  else if (len < 2097151) out.push(len >> 14, ((len >> 7) & 127) | 128, (len & 127) | 128);
  else if (len < 268435455) {
    out.push(len >> 21, ((len >> 14) & 127) | 128, ((len >> 7) & 127) | 128, (len & 127) | 128);
  } else {
    out.push(
      Math.floor(len / 2 ** 28),
      ((len >> 21) & 127) | 128,
      ((len >> 14) & 127) | 128,
      ((len >> 7) & 127) | 128,
      (len & 127) | 128,
    );
  }
}

/** Bytes one element takes in a listpack, back length included. */
export function listpackEntryBytes(item: string): number {
  const parts: number[] = [];
  appendEntry(parts, item);
  return parts.length;
}

/** The size of the back length written after an entry of `len` bytes. */
function backlenSize(len: number): number {
  return len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5;
}

/** Decodes a listpack into its elements (integers spelled in decimal). */
export function decodeListpack(lp: Uint8Array): string[] {
  if (lp.length < 7) throw new RdbFormatError("listpack too short");
  const view = new DataView(lp.buffer, lp.byteOffset, lp.byteLength);
  if (view.getUint32(0, true) !== lp.length) throw new RdbFormatError("listpack size mismatch");
  const count = view.getUint16(4, true);
  const items: string[] = [];
  let p = 6;
  const need = (n: number) => {
    if (p + n > lp.length - 1) throw new RdbFormatError("listpack entry overruns");
  };
  while (p < lp.length && lp[p] !== 0xff) {
    const start = p;
    const b = lp[p];
    if (b < 0x80) {
      items.push(String(b));
      p += 1;
    } else if ((b & 0xc0) === 0x80) {
      const n = b & 0x3f;
      need(1 + n);
      items.push(latin1String(lp.subarray(p + 1, p + 1 + n)));
      p += 1 + n;
    } else if ((b & 0xe0) === 0xc0) {
      need(2);
      let v = ((b & 0x1f) << 8) | lp[p + 1];
      if (v >= 4096) v -= 8192;
      items.push(String(v));
      p += 2;
    } else if ((b & 0xf0) === 0xe0) {
      need(2);
      const n = ((b & 0x0f) << 8) | lp[p + 1];
      need(2 + n);
      items.push(latin1String(lp.subarray(p + 2, p + 2 + n)));
      p += 2 + n;
    } else if (b === 0xf0) {
      need(5);
      const n = view.getUint32(p + 1, true);
      need(5 + n);
      items.push(latin1String(lp.subarray(p + 5, p + 5 + n)));
      p += 5 + n;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const bytes = [2, 3, 4, 8][b - 0xf1];
      need(1 + bytes);
      let u = 0n;
      for (let i = bytes - 1; i >= 0; i--) u = (u << 8n) | BigInt(lp[p + 1 + i]);
      items.push(String(BigInt.asIntN(bytes * 8, u)));
      p += 1 + bytes;
    } else {
      throw new RdbFormatError(`bad listpack entry encoding ${b}`);
    }
    p += backlenSize(p - start);
  }
  if (p !== lp.length - 1) throw new RdbFormatError("listpack not terminated");
  if (count !== 65535 && count !== items.length) {
    throw new RdbFormatError("listpack element count mismatch");
  }
  return items;
}
