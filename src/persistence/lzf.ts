/**
 * LZF, the compression Redis applies to RDB strings longer than 20 bytes: a decompressor
 * (files and DUMP payloads from Redis hold compressed strings) and a compressor (so files
 * respd writes are as small as Redis's). The format: a control byte below 32 starts a run
 * of ctrl+1 literal bytes; otherwise its top 3 bits are a length (7 = one more length
 * byte follows) and the rest, with the next byte, a back-reference offset.
 */

/** Thrown for input that is not valid LZF or does not expand to the expected length. */
export class LzfError extends Error {}

/** Expands `input` into exactly `outLength` bytes. */
export function lzfDecompress(input: Uint8Array, outLength: number): Uint8Array {
  const out = new Uint8Array(outLength);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > outLength || ip + run > input.length) throw new LzfError("literal overrun");
      out.set(input.subarray(ip, ip + run), op);
      ip += run;
      op += run;
      continue;
    }
    let len = ctrl >> 5;
    if (len === 7) {
      if (ip >= input.length) throw new LzfError("truncated length");
      len += input[ip++];
    }
    if (ip >= input.length) throw new LzfError("truncated offset");
    const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
    len += 2;
    if (ref < 0) throw new LzfError("back-reference before start");
    if (op + len > outLength) throw new LzfError("back-reference overrun");
    for (let i = 0; i < len; i++) out[op + i] = out[ref + i]; // may overlap: byte by byte
    op += len;
  }
  if (op !== outLength) throw new LzfError("length mismatch");
  return out;
}

const HASH_BITS = 14;
const MAX_LITERAL = 32;
const MAX_OFFSET = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * Compresses `input`; returns null when the result would not be shorter than
 * `input.length - 4` (Redis then stores the string as it is).
 */
export function lzfCompress(input: Uint8Array): Uint8Array | null {
  const n = input.length;
  const limit = n - 4;
  if (limit <= 0) return null;
  const out = new Uint8Array(limit + MAX_LITERAL + 2);
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let op = 1; // out[litStart - 1] is the pending literal run's control byte
  let lit = 0;
  let ip = 0;
  const hash = (p: number) =>
    (((input[p] << 16) | (input[p + 1] << 8) | input[p + 2]) * 2654435761) >>> (32 - HASH_BITS);
  while (ip < n - 2) {
    const h = hash(ip);
    const ref = table[h];
    table[h] = ip;
    const off = ip - ref - 1;
    if (
      ref >= 0 && off < MAX_OFFSET && input[ref] === input[ip] &&
      input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
    ) {
      let len = 3;
      const maxLen = Math.min(MAX_REF, n - ip);
      while (len < maxLen && input[ref + len] === input[ip + len]) len++;
      if (lit === 0) op--; // no literal run open: drop its reserved control byte
      else out[op - lit - 1] = lit - 1;
      len -= 2;
      if (op + 3 > limit) return null;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      ip += len + 2;
      lit = 0;
      op++; // reserve the next literal run's control byte
      continue;
    }
    if (op >= limit) return null;
    out[op++] = input[ip++];
    if (++lit === MAX_LITERAL) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  while (ip < n) {
    if (op >= limit) return null;
    out[op++] = input[ip++];
    if (++lit === MAX_LITERAL) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  if (lit === 0) op--;
  else out[op - lit - 1] = lit - 1;
  return op < limit ? out.slice(0, op) : null;
}
