/**
 * Byte strings: respd keeps keys and values as JavaScript strings with one char per byte
 * (code units 0–255), because that is much cheaper in V8 than one small `Uint8Array` per
 * value and still binary-safe. `TextDecoder("latin1")` cannot be used: the web platform
 * maps it to windows-1252, which changes bytes 0x80–0x9F.
 */

const CHUNK = 8192;
const fcc = String.fromCharCode;
/**
 * From this length on, ASCII is decoded natively (`TextDecoder`, many times faster than
 * building the string in JS: 64 KiB in ~3 µs instead of ~250 µs); below it the JS call
 * costs less than the decoder's. Measured with bench/protocol_bench.ts.
 */
const NATIVE_MIN = 48;
const asciiDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * `buf[start, end)` decoded natively when every byte is ASCII, else null. UTF-8 decoding
 * gives one char per byte exactly when the bytes are ASCII: a valid multibyte sequence
 * yields fewer chars, and an invalid one yields U+FFFD (which ASCII never decodes to).
 */
function decodeAscii(buf: Uint8Array, start: number, end: number): string | null {
  const s = asciiDecoder.decode(buf.subarray(start, end));
  return s.length === end - start && s.indexOf("\uFFFD") < 0 ? s : null;
}

/**
 * One reused argument array per length from 17 to NATIVE_MIN - 1: such strings (keys like
 * `counter:__rand_int__`, 20 bytes) are built by copying the bytes into it and one `apply`,
 * which costs ~50-60% of `apply` on a `subarray` (a new typed-array view per string, and the
 * decoder needs one too). Measured: 20 bytes ~125 ns → ~78 ns, 40 bytes ~176 → ~116 ns, key
 * hashing included.
 */
const SCRATCH: number[][] = Array.from({ length: NATIVE_MIN }, (_, n) => new Array(n).fill(0));

function fromScratch(buf: Uint8Array, start: number, len: number): string {
  const codes = SCRATCH[len];
  for (let i = 0; i < len; i++) codes[i] = buf[start + i];
  return fcc.apply(null, codes);
}

/** Decodes `buf[start, end)` into a byte string. */
export function bytesToString(buf: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len >= NATIVE_MIN) {
    const ascii = decodeAscii(buf, start, end);
    if (ascii !== null) return ascii;
  }
  // Short strings (names, keys, small values) are the common case: a call with the bytes
  // as arguments allocates nothing but the string.
  const b = buf, s = start;
  switch (len) {
    case 0:
      return "";
    case 1:
      return fcc(b[s]);
    case 2:
      return fcc(b[s], b[s + 1]);
    case 3:
      return fcc(b[s], b[s + 1], b[s + 2]);
    case 4:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3]);
    case 5:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4]);
    case 6:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5]);
    case 7:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6]);
    case 8:
      return fcc(b[s], b[s + 1], b[s + 2], b[s + 3], b[s + 4], b[s + 5], b[s + 6], b[s + 7]);
    case 9:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
      );
    case 10:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
      );
    case 11:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
      );
    case 12:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
      );
    case 13:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
      );
    case 14:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
      );
    case 15:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
        b[s + 14],
      );
    case 16:
      return fcc(
        b[s],
        b[s + 1],
        b[s + 2],
        b[s + 3],
        b[s + 4],
        b[s + 5],
        b[s + 6],
        b[s + 7],
        b[s + 8],
        b[s + 9],
        b[s + 10],
        b[s + 11],
        b[s + 12],
        b[s + 13],
        b[s + 14],
        b[s + 15],
      );
  }
  if (len < NATIVE_MIN) return fromScratch(buf, start, len);
  if (len <= CHUNK) {
    return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  const parts: string[] = [];
  for (let i = start; i < end; i += CHUNK) {
    const j = Math.min(end, i + CHUNK);
    parts.push(String.fromCharCode.apply(null, buf.subarray(i, j) as unknown as number[]));
  }
  return parts.join("");
}

/** Writes byte string `s` into `buf` at `pos`; returns the position after it. */
export function writeString(s: string, buf: Uint8Array, pos: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) buf[pos + i] = s.charCodeAt(i);
  return pos + n;
}

/** Bytes of a byte string as a new `Uint8Array`. */
export function stringToBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  writeString(s, out, 0);
  return out;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The byte string holding the UTF-8 encoding of ordinary text (for messages, names). */
export function fromText(text: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  const bytes = utf8Encoder.encode(text);
  return bytesToString(bytes, 0, bytes.length);
}

/** Ordinary text from a byte string holding UTF-8 (invalid sequences become U+FFFD). */
export function toText(s: string): string {
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(s)) return s;
  return utf8Decoder.decode(stringToBytes(s));
}
