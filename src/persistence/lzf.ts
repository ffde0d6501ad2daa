/**
 * LZF, the compression Redis applies to RDB strings longer than 20 bytes: a decompressor
 * (files and DUMP payloads from Redis hold compressed strings) and a compressor (so files
 * respd writes are as small as Redis's). The format: a control byte below 32 starts a run
 * of ctrl+1 literal bytes; otherwise its top 3 bits are a length (7 = one more length
 * byte follows) and the rest, with the next byte, a back-reference offset.
 */

/** Thrown for input that is not valid LZF or does not expand to the expected length. */
export class LzfError extends Error {}

/**
 * Expands `input` into exactly `outLength` bytes: into `out` when given (its first
 * `outLength` bytes; it must be as long), else into a new array.
 */
export function lzfDecompress(
  input: Uint8Array,
  outLength: number,
  out = new Uint8Array(outLength),
): Uint8Array {
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

const HASH_LOG = 16;
const HASH_MASK = (1 << HASH_LOG) - 1;
const MAX_LITERAL = 1 << 5;
const MAX_OFFSET = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);

/**
 * The hash table, kept between calls: liblzf's starts empty each time, which a generation
 * stamp per slot gives without clearing 256 KiB per string (a slot counts only when its
 * stamp is this call's).
 */
const TABLE = new Uint32Array(1 << HASH_LOG);
const STAMPS = new Uint32Array(1 << HASH_LOG);
let generation = 0;
/** The output of the last `lzfCompress`. */
let scratch = new Uint8Array(4096);

/** liblzf's hash slot (VERY_FAST) of the 3 bytes ending `h`. */
function slotOf(h: number): number {
  return ((h >>> (24 - HASH_LOG)) - Math.imul(h, 5)) & HASH_MASK;
}

/**
 * Compresses `input` as Redis's liblzf does (hash log 16, VERY_FAST, hash table zeroed),
 * so respd's RDB strings and DUMP payloads are the bytes Redis writes. Returns null when
 * the result would not fit in `input.length - 4` bytes (Redis then stores the string as
 * it is). The result is a view of a buffer the next call reuses: copy it before that (a
 * SAVE of a million values then allocates nothing per value; an allocation and a `slice`
 * per call cost more than compressing a 100-byte value).
 */
export function lzfCompress(input: Uint8Array): Uint8Array | null {
  const inLen = input.length;
  if (inLen <= 4) return null;
  const outLen = inLen - 4;
  if (scratch.length < outLen + 4) {
    scratch = new Uint8Array(Math.max(outLen + 4, 2 * scratch.length));
  }
  const out = scratch;
  if (++generation === 0xffffffff) {
    STAMPS.fill(0);
    generation = 1;
  }
  const gen = generation;
  let ip = 0;
  let op = 1; // out[op - lit - 1] is the open literal run's control byte
  let lit = 0;
  let h = (input[0] << 8) | input[1];
  while (ip < inLen - 2) {
    h = ((h << 8) | input[ip + 2]) >>> 0;
    const slot = slotOf(h);
    const ref = STAMPS[slot] === gen ? TABLE[slot] : 0;
    TABLE[slot] = ip;
    STAMPS[slot] = gen;
    const off = ip - ref - 1;
    if (
      off >= 0 && off < MAX_OFFSET && ref > 0 && input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      const maxLen = Math.min(inLen - ip - len, MAX_REF);
      if (op + 3 + 1 >= outLen && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outLen) return null;
      out[op - lit - 1] = (lit - 1) & 0xff;
      if (lit === 0) op--;
      let matched = false;
      if (maxLen > 16) {
        // liblzf compares 16 bytes unrolled before it looks at the limit again.
        for (let i = 0; i < 16; i++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            matched = true;
            break;
          }
        }
      }
      if (!matched) {
        do len++; while (len < maxLen && input[ref + len] === input[ip + len]);
      }
      len -= 2;
      ip++;
      if (len < 7) out[op++] = (off >> 8) + (len << 5);
      else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      h = (input[ip] << 8) | input[ip + 1];
      h = ((h << 8) | input[ip + 2]) >>> 0;
      let at = slotOf(h);
      TABLE[at] = ip;
      STAMPS[at] = gen;
      ip++;
      h = ((h << 8) | input[ip + 2]) >>> 0;
      at = slotOf(h);
      TABLE[at] = ip;
      STAMPS[at] = gen;
      ip++;
      continue;
    }
    if (op >= outLen) return null;
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LITERAL) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LITERAL) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = (lit - 1) & 0xff;
  if (lit === 0) op--;
  return op <= outLen ? out.subarray(0, op) : null;
}
