/**
 * HalfSipHash-1-3 against the reference test vectors (the Linux kernel's KUnit vectors for
 * its 32-bit hsiphash, taken from the SipHash reference implementation: the bytes 0..n-1
 * under the key 00 01 .. 07), at every length 0..63 and at an unaligned offset; and
 * `hashString` agreeing with `hashBytes` on the same bytes.
 */

import { assertEquals } from "../../tests/support/assert.ts";
import fc from "fast-check";
import { halfSipHash13, hashBytes, hashString } from "./key_hash.ts";
import { murmur3, murmurMulticollision } from "../../tests/support/murmur_multicollision.ts";

const VECTORS = [
  0x5814c896,
  0xe7e864ca,
  0xbc4b0e30,
  0x01539939,
  0x7e059ea6,
  0x88e3d89b,
  0xa0080b65,
  0x9d38d9d6,
  0x577999b1,
  0xc839caed,
  0xe4fa32cf,
  0x959246ee,
  0x6b28096c,
  0x66dd9cd6,
  0x16658a7c,
  0xd0257b04,
  0x8b31d501,
  0x2b1cd04b,
  0x06712339,
  0x522aca67,
  0x911bb605,
  0x90a65f0e,
  0xf826ef7b,
  0x62512deb,
  0x57150ad7,
  0x5d473507,
  0x1ec47442,
  0xab64afd3,
  0x0a4100d0,
  0x6d2ce652,
  0x2331b6a3,
  0x08d8791a,
  0xbc6dda8d,
  0xe0f6c934,
  0xb0652033,
  0x9b9851cc,
  0x7c46fb7f,
  0x732ba8cb,
  0xf142997a,
  0xfcc9aa1b,
  0x05327eb2,
  0xe110131c,
  0xf9e5e7c0,
  0xa7d708a6,
  0x11795ab1,
  0x65671619,
  0x9f5fff91,
  0xd89c5267,
  0x007783eb,
  0x95766243,
  0xab639262,
  0x9c7e1390,
  0xc368dda6,
  0x38ddc455,
  0xfa13d379,
  0x979ea4e8,
  0x53ecd77e,
  0x2ee80657,
  0x33dbb66a,
  0xae3f0577,
  0x88b4c4cc,
  0x3e7f480b,
  0x74c1ebf8,
  0x87178304,
];

Deno.test("HalfSipHash-1-3 gives the reference vectors, at any offset", () => {
  const bytes = Uint8Array.from({ length: 64 }, (_, i) => i);
  const shifted = Uint8Array.from({ length: 67 }, (_, i) => (i - 3) & 0xff);
  for (let n = 0; n < 64; n++) {
    assertEquals(halfSipHash13(0x03020100, 0x07060504, bytes, 0, n) >>> 0, VECTORS[n], `n=${n}`);
    assertEquals(halfSipHash13(0x03020100, 0x07060504, shifted, 3, n) >>> 0, VECTORS[n]);
  }
});

Deno.test("hashString and hashBytes agree on the same bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(5), (bytes, pad) => {
      const padded = new Uint8Array(pad + bytes.length);
      padded.set(bytes, pad);
      assertEquals(hashString(String.fromCharCode(...bytes)), hashBytes(padded, pad, bytes.length));
    }),
    { numRuns: 500 },
  );
});

Deno.test("keys made to collide under MurmurHash3 for every seed spread under the keyed hash", () => {
  const keys = murmurMulticollision(12);
  const bytes = (k: string) => Uint8Array.from(k, (c) => c.charCodeAt(0));
  for (const seed of [0, 0x9747b28c, (Math.random() * 2 ** 32) | 0]) {
    assertEquals(new Set(keys.map((k) => murmur3(bytes(k), seed))).size, 1);
  }
  const hashes = new Set(keys.map(hashString));
  // 4096 keys: a random 32-bit hash repeats a value among them with probability ~0.2%
  assertEquals(hashes.size >= keys.length - 2, true, `${hashes.size} distinct hashes`);
});

Deno.test("long inputs hash as short ones do, past the shared scratch", () => {
  const long = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 31) & 0xff);
  const text = String.fromCharCode(...long);
  assertEquals(hashString(text), hashBytes(long, 0, long.length));
  assertEquals(hashString(text.slice(0, 4096)), hashBytes(long, 0, 4096));
  assertEquals(hashString(text) === hashString(text.slice(0, 9_999)), false);
});
