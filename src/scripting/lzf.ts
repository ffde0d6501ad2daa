/**
 * LZF decompression (the format Redis compresses RDB strings with), so FUNCTION RESTORE reads
 * payloads that Redis's FUNCTION DUMP produced.
 */

/** Decompresses `input` (a byte string) into `outLength` bytes; null when malformed. */
export function lzfDecompress(input: string, outLength: number): string | null {
  const out = new Uint8Array(outLength);
  let ip = 0, op = 0;
  while (ip < input.length) {
    const ctrl = input.charCodeAt(ip++);
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (op + n > outLength || ip + n > input.length) return null;
      for (let i = 0; i < n; i++) out[op++] = input.charCodeAt(ip++);
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= input.length) return null;
        len += input.charCodeAt(ip++);
      }
      if (ip >= input.length) return null;
      ref -= input.charCodeAt(ip++);
      len += 2;
      if (op + len > outLength || ref < 0) return null;
      for (let i = 0; i < len; i++) out[op++] = out[ref++];
    }
  }
  if (op !== outLength) return null;
  let s = "";
  for (let i = 0; i < op; i += 8192) {
    s += String.fromCharCode.apply(
      null,
      out.subarray(i, Math.min(op, i + 8192)) as unknown as number[],
    );
  }
  return s;
}
