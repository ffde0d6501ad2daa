/**
 * Bit operations on byte strings (one char per byte, protocol/latin1.ts), numbering bits as
 * Redis does: bit 0 is the most significant bit of the first byte. The string commands
 * (SETBIT GETBIT BITCOUNT BITPOS BITOP) clamp their ranges by Redis's rules and call these;
 * nothing here knows about arguments or replies.
 */

import { bytesToString } from "../protocol/latin1.ts";

/** Set bits of every byte value. */
const POPCOUNT = Uint8Array.from({ length: 256 }, (_, b) => {
  let n = 0;
  for (let x = b; x !== 0; x >>= 1) n += x & 1;
  return n;
});

/** The bit at `offset` (0 past the end of `s`). */
export function getBit(s: string, offset: number): number {
  const byte = Math.floor(offset / 8);
  if (byte >= s.length) return 0;
  return (s.charCodeAt(byte) >> (7 - offset % 8)) & 1;
}

/**
 * `s` with the bit at `offset` set to `bit`, zero bytes appended first when `offset` is
 * past the end (as Redis grows the string to reach it).
 */
export function setBit(s: string, offset: number, bit: number): string {
  const byte = Math.floor(offset / 8);
  if (byte >= s.length) s += "\0".repeat(byte - s.length + 1);
  const mask = 1 << (7 - offset % 8);
  const old = s.charCodeAt(byte);
  const next = bit ? old | mask : old & ~mask;
  if (next === old) return s;
  return s.slice(0, byte) + String.fromCharCode(next) + s.slice(byte + 1);
}

/** Ones in bytes `from` to `to` inclusive (both within `s`). */
export function countBytes(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i <= to; i++) n += POPCOUNT[s.charCodeAt(i)];
  return n;
}

/** Ones in bits `from` to `to` inclusive (both within `s`). */
export function countBits(s: string, from: number, to: number): number {
  const first = Math.floor(from / 8), last = Math.floor(to / 8);
  const head = 0xff >> (from % 8); // bits of the first byte inside the range
  const tail = (0xff << (7 - to % 8)) & 0xff; // bits of the last byte inside the range
  if (first === last) return POPCOUNT[s.charCodeAt(first) & head & tail];
  return POPCOUNT[s.charCodeAt(first) & head] + countBytes(s, first + 1, last - 1) +
    POPCOUNT[s.charCodeAt(last) & tail];
}

/** The first bit equal to `bit` in bits `from` to `to` inclusive (within `s`), or -1. */
export function findBit(s: string, bit: number, from: number, to: number): number {
  const skip = bit ? 0 : 0xff; // a byte that cannot hold the bit looked for
  let i = from;
  // Bit by bit up to a byte boundary, whole bytes while they cannot match, then bit by bit.
  while (i <= to && i % 8 !== 0) {
    if (getBit(s, i) === bit) return i;
    i++;
  }
  while (i + 7 <= to && s.charCodeAt(i >> 3) === skip) i += 8;
  for (; i <= to; i++) if (getBit(s, i) === bit) return i;
  return -1;
}

/** BITOP's operations. */
export type BitOperation = "and" | "or" | "xor" | "not";

/**
 * BITOP over byte strings: as long as the longest, the shorter ones read as zero bytes
 * past their end. NOT takes exactly one source.
 */
export function bitOp(op: BitOperation, sources: readonly string[]): string {
  let length = 0;
  for (const s of sources) length = Math.max(length, s.length);
  const out = new Uint8Array(length);
  const first = sources[0];
  for (let i = 0; i < length; i++) {
    let b = i < first.length ? first.charCodeAt(i) : 0;
    if (op === "not") b = ~b & 0xff;
    else {
      for (let k = 1; k < sources.length; k++) {
        const s = sources[k];
        const c = i < s.length ? s.charCodeAt(i) : 0;
        if (op === "and") b &= c;
        else if (op === "or") b |= c;
        else b ^= c;
      }
    }
    out[i] = b;
  }
  return bytesToString(out, 0, out.length);
}
