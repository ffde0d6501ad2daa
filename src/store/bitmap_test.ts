/**
 * Property tests of the bit operations on byte strings against a model that is a plain
 * array of bits (bit 0 = most significant bit of byte 0), with bytes above 0x7f included.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { bitOp, countBits, countBytes, findBit, getBit, setBit } from "./bitmap.ts";

const byteString = fc.uint8Array({ maxLength: 24 }).map((b) => String.fromCharCode(...b));

function bitsOf(s: string): number[] {
  const bits: number[] = [];
  for (let i = 0; i < s.length * 8; i++) bits.push((s.charCodeAt(i >> 3) >> (7 - (i & 7))) & 1);
  return bits;
}

Deno.test("getBit and setBit agree with an array of bits, growing with zero bytes", () => {
  fc.assert(fc.property(byteString, fc.nat(300), fc.integer({ min: 0, max: 1 }), (s, off, bit) => {
    const model = bitsOf(s);
    assert.equal(getBit(s, off), model[off] ?? 0);
    const next = setBit(s, off, bit);
    while (model.length <= off) model.push(0);
    model[off] = bit;
    while (model.length % 8 !== 0) model.push(0);
    assert.deepEqual(bitsOf(next), model);
    assert.equal(next.length, Math.max(s.length, (off >> 3) + 1));
  }));
});

Deno.test("countBits and countBytes count the ones of a range", () => {
  fc.assert(fc.property(byteString.filter((s) => s.length > 0), fc.nat(), fc.nat(), (s, x, y) => {
    const bits = bitsOf(s);
    const from = x % bits.length, to = from + y % (bits.length - from);
    const ones = bits.slice(from, to + 1).reduce((a, b) => a + b, 0);
    assert.equal(countBits(s, from, to), ones);
    const fromByte = from >> 3, toByte = to >> 3;
    assert.equal(
      countBytes(s, fromByte, toByte),
      bits.slice(fromByte * 8, toByte * 8 + 8).reduce((a, b) => a + b, 0),
    );
  }));
});

Deno.test("findBit finds the first matching bit of a range, or -1", () => {
  const runs = fc.array(fc.constantFrom(0, 0xff, 0x80, 0x01, 0x7f), { maxLength: 24 })
    .map((b) => String.fromCharCode(...b));
  fc.assert(
    fc.property(
      fc.oneof(byteString, runs),
      fc.nat(),
      fc.nat(),
      fc.integer({ min: 0, max: 1 }),
      (s, x, y, bit) => {
        if (s.length === 0) return;
        const bits = bitsOf(s);
        const from = x % bits.length, to = from + y % (bits.length - from);
        const i = bits.slice(from, to + 1).indexOf(bit);
        assert.equal(findBit(s, bit, from, to), i < 0 ? -1 : from + i);
      },
    ),
  );
});

Deno.test("bitOp combines bytes, shorter strings reading as zero", () => {
  fc.assert(
    fc.property(
      fc.constantFrom("and", "or", "xor") as fc.Arbitrary<"and" | "or" | "xor">,
      fc.array(byteString, { minLength: 1, maxLength: 4 }),
      (op, sources) => {
        const length = Math.max(...sources.map((s) => s.length));
        const out = bitOp(op, sources);
        assert.equal(out.length, length);
        for (let i = 0; i < length; i++) {
          const bytes = sources.map((s) => i < s.length ? s.charCodeAt(i) : 0);
          const want = bytes.reduce((a, b) => op === "and" ? a & b : op === "or" ? a | b : a ^ b);
          assert.equal(out.charCodeAt(i), want);
        }
      },
    ),
  );
  fc.assert(fc.property(byteString, (s) => {
    const out = bitOp("not", [s]);
    for (let i = 0; i < s.length; i++) assert.equal(out.charCodeAt(i), 255 - s.charCodeAt(i));
  }));
});
