/**
 * BITFIELD's integers: signed or unsigned fields of 1 to 64 bits at any bit offset of a
 * byte buffer (bit 0 = most significant bit of byte 0, as SETBIT numbers them), and
 * Redis's overflow rules (WRAP, SAT, FAIL). Values are bigints because a field can be 64
 * bits wide; the arithmetic is exact, which is what Redis's checks in C amount to.
 */

/** How an out-of-range result is handled. */
export type Overflow = "wrap" | "sat" | "fail";

/** A field's type: `i<bits>` (1-64) or `u<bits>` (1-63). */
export interface FieldType {
  signed: boolean;
  bits: number;
}

/** The field at `offset` as an unsigned number of `bits` bits; bytes past `buf` read 0. */
function readUnsigned(buf: Uint8Array, offset: number, bits: number): bigint {
  // Up to 48 bits the running value stays an exact double, so bigints are made once.
  let v = 0, big = 0n, done = 0;
  while (done < bits) {
    const byte = Math.floor((offset + done) / 8);
    const bit = 7 - (offset + done) % 8;
    const b = byte < buf.length ? (buf[byte] >> bit) & 1 : 0;
    if (done < 48) v = v * 2 + b;
    else big = big * 2n + BigInt(b);
    done++;
  }
  return bits <= 48 ? BigInt(v) : BigInt(v) * (1n << BigInt(bits - 48)) + big;
}

/** The field's value: sign-extended for signed types. */
export function getField(buf: Uint8Array, offset: number, type: FieldType): bigint {
  const u = readUnsigned(buf, offset, type.bits);
  return type.signed ? BigInt.asIntN(type.bits, u) : u;
}

/** Writes the low `bits` bits of `value` (two's complement) at `offset`, within `buf`. */
export function setField(buf: Uint8Array, offset: number, type: FieldType, value: bigint): void {
  const u = BigInt.asUintN(type.bits, value);
  for (let j = 0; j < type.bits; j++) {
    const one = (u >> BigInt(type.bits - 1 - j)) & 1n;
    const byte = Math.floor((offset + j) / 8);
    const mask = 1 << (7 - (offset + j) % 8);
    buf[byte] = one ? buf[byte] | mask : buf[byte] & ~mask;
  }
}

/** The range of values a field of `type` holds. */
export function fieldRange(type: FieldType): { min: bigint; max: bigint } {
  const bits = BigInt(type.bits);
  return type.signed
    ? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n }
    : { min: 0n, max: (1n << bits) - 1n };
}

/**
 * What storing `value` in a field of `type` gives: the value itself when it fits, else
 * by `overflow` the wrapped value, the saturated limit, or null (FAIL: nothing written).
 * For an unsigned field Redis reads a SET value as a 64-bit unsigned number, so a
 * negative value is a huge one: it saturates to the maximum, never to 0.
 */
export function fitField(value: bigint, type: FieldType, overflow: Overflow): bigint | null {
  const { min, max } = fieldRange(type);
  if (value >= min && value <= max) return value;
  if (overflow === "fail") return null;
  if (overflow === "wrap") {
    return type.signed ? BigInt.asIntN(type.bits, value) : BigInt.asUintN(type.bits, value);
  }
  return value > max ? max : min;
}

/** BITFIELD SET's stored value for a 64-bit `value`: see `fitField`. */
export function fitSetValue(value: bigint, type: FieldType, overflow: Overflow): bigint | null {
  return fitField(type.signed ? value : BigInt.asUintN(64, value), type, overflow);
}
