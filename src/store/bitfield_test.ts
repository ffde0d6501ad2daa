/**
 * Property tests of BITFIELD's integer fields: reads and writes against a model made of
 * an array of bits, and the overflow rules against their definitions (WRAP is arithmetic
 * modulo 2^bits into the type's range, SAT clamps, FAIL refuses), for every width.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import {
  fieldRange,
  type FieldType,
  fitField,
  fitSetValue,
  getField,
  setField,
} from "./bitfield.ts";

const fieldType: fc.Arbitrary<FieldType> = fc.boolean().chain((signed) =>
  fc.integer({ min: 1, max: signed ? 64 : 63 }).map((bits) => ({ signed, bits }))
);
const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

Deno.test("a field reads back what was written, and nothing else changes", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 10, maxLength: 16 }),
      fieldType,
      fc.nat(15),
      int64,
      (bytes, type, off, value) => {
        const buf = bytes.slice();
        const offset = off % (buf.length * 8 - type.bits + 1);
        setField(buf, offset, type, value);
        const want = type.signed
          ? BigInt.asIntN(type.bits, value)
          : BigInt.asUintN(type.bits, value);
        assert.equal(getField(buf, offset, type), want);
        for (let i = 0; i < buf.length * 8; i++) {
          if (i >= offset && i < offset + type.bits) continue;
          const bit = (b: Uint8Array) => (b[i >> 3] >> (7 - (i & 7))) & 1;
          assert.equal(bit(buf), bit(bytes), `bit ${i}`);
        }
      },
    ),
  );
});

Deno.test("a field reads its bits most significant first, zero past the buffer", () => {
  const buf = Uint8Array.of(0b0000_0001, 0b0111_0000);
  assert.equal(getField(buf, 7, { signed: false, bits: 5 }), 23n);
  assert.equal(getField(buf, 7, { signed: true, bits: 5 }), -9n);
  assert.equal(getField(buf, 12, { signed: false, bits: 8 }), 0n);
  assert.equal(getField(Uint8Array.of(0xff, 0xff), 0, { signed: false, bits: 63 }), 0xffffn << 47n);
  assert.equal(getField(new Uint8Array(9).fill(0xff), 0, { signed: true, bits: 64 }), -1n);
});

Deno.test("overflow: WRAP is modular, SAT clamps, FAIL refuses, in-range values pass", () => {
  fc.assert(fc.property(fieldType, fc.bigInt({ min: -(1n << 65n), max: 1n << 65n }), (type, v) => {
    const { min, max } = fieldRange(type);
    const span = max - min + 1n;
    const inRange = v >= min && v <= max;
    assert.equal(fitField(v, type, "wrap"), ((((v - min) % span) + span) % span) + min);
    assert.equal(fitField(v, type, "sat"), v < min ? min : v > max ? max : v);
    assert.equal(fitField(v, type, "fail"), inRange ? v : null);
  }));
});

Deno.test("an unsigned SET reads a negative value as a huge unsigned one", () => {
  const u8 = { signed: false, bits: 8 };
  assert.equal(fitSetValue(-1n, u8, "sat"), 255n);
  assert.equal(fitSetValue(-1n, u8, "wrap"), 255n);
  assert.equal(fitSetValue(-1n, u8, "fail"), null);
  assert.equal(fitSetValue(-1n, { signed: true, bits: 8 }, "sat"), -1n);
  assert.equal(fitSetValue(300n, { signed: true, bits: 8 }, "wrap"), 44n);
});
