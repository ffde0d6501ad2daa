/**
 * Byte strings: respd keeps keys and values as JavaScript strings with one char per byte
 * (code units 0–255), because that is much cheaper in V8 than one small `Uint8Array` per
 * value and still binary-safe. `TextDecoder("latin1")` cannot be used: the web platform
 * maps it to windows-1252, which changes bytes 0x80–0x9F.
 */

const CHUNK = 8192;

/** Decodes `buf[start, end)` into a byte string. */
export function bytesToString(buf: Uint8Array, start: number, end: number): string {
  const len = end - start;
  switch (len) {
    case 0:
      return "";
    case 1:
      return String.fromCharCode(buf[start]);
    case 2:
      return String.fromCharCode(buf[start], buf[start + 1]);
    case 3:
      return String.fromCharCode(buf[start], buf[start + 1], buf[start + 2]);
    case 4:
      return String.fromCharCode(buf[start], buf[start + 1], buf[start + 2], buf[start + 3]);
  }
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
