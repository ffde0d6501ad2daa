/**
 * Redis's CRC-64 (Jones polynomial, reflected, init 0, no final xor): the checksum that ends
 * an RDB file and every DUMP payload. Table-driven over two 32-bit halves, since a BigInt
 * per byte is too slow for files of millions of keys.
 */

const POLY = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 bit-reversed
const TABLE_LO = new Uint32Array(256);
const TABLE_HI = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let crc = BigInt(i);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  TABLE_LO[i] = Number(crc & 0xffffffffn);
  TABLE_HI[i] = Number(crc >> 32n);
}

/** A running CRC-64; feed it bytes in any number of pieces. */
export class Crc64 {
  #lo = 0;
  #hi = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let lo = this.#lo;
    let hi = this.#hi;
    for (let i = start; i < end; i++) {
      const index = (lo ^ bytes[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]) >>> 0;
      hi = ((hi >>> 8) ^ TABLE_HI[index]) >>> 0;
    }
    this.#lo = lo;
    this.#hi = hi;
    return this;
  }

  /** The checksum as 8 little-endian bytes, as Redis writes it. */
  bytes(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.#lo, true);
    view.setUint32(4, this.#hi, true);
    return out;
  }

  get value(): bigint {
    return (BigInt(this.#hi) << 32n) | BigInt(this.#lo);
  }
}

/** The CRC-64 of `bytes`. */
export function crc64(bytes: Uint8Array): bigint {
  return new Crc64().update(bytes).value;
}
