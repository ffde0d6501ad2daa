/** Byte strings: every byte sequence decodes to one char per byte and encodes back. */

import fc from "fast-check";
import { assertEquals } from "../../tests/support/assert.ts";
import { bytesToString, stringToBytes } from "./latin1.ts";

function expected(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

Deno.test("bytesToString maps each byte to the char of the same code, at every length", () => {
  const lengths = [...Array.from({ length: 65 }, (_, i) => i), 100, 8192, 8193, 70000];
  for (const len of lengths) {
    const ascii = new Uint8Array(len).map((_, i) => 32 + (i % 90));
    assertEquals(bytesToString(ascii, 0, len), expected(ascii));
    const binary = new Uint8Array(len).map((_, i) => (i * 37) & 255);
    assertEquals(bytesToString(binary, 0, len), expected(binary));
  }
});

Deno.test("bytesToString keeps a BOM, UTF-8 sequences and bytes that decode to U+FFFD as bytes", () => {
  const cases = [
    [0xef, 0xbb, 0xbf, ...new Array(60).fill(65)], // a UTF-8 BOM first
    [...new Array(50).fill(66), 0xc3, 0xa9], // é in UTF-8
    [...new Array(50).fill(67), 0xef, 0xbf, 0xbd], // U+FFFD in UTF-8
    [...new Array(50).fill(68), 0x80], // a lone continuation byte
  ];
  for (const c of cases) {
    const bytes = new Uint8Array(c);
    assertEquals(bytesToString(bytes, 0, bytes.length), expected(bytes));
  }
});

Deno.test("bytesToString decodes any slice of any bytes, and stringToBytes gives them back", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = bytes.length === 0 ? 0 : a % bytes.length;
      const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
      const s = bytesToString(bytes, start, end);
      assertEquals(s, expected(bytes.subarray(start, end)));
      assertEquals(stringToBytes(s), bytes.slice(start, end));
    }),
  );
});
