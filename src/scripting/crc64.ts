/**
 * Redis's CRC-64 (Jones coefficients, reflected, as in Redis's crc64.c), used by FUNCTION
 * DUMP / RESTORE payloads. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca.
 */

const POLY = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 reflected

const TABLE: bigint[] = (() => {
  const t: bigint[] = [];
  for (let i = 0n; i < 256n; i++) {
    let crc = i;
    for (let j = 0; j < 8; j++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
    t.push(crc);
  }
  return t;
})();

/** CRC-64 of a byte string. */
export function crc64(s: string, crc = 0n): bigint {
  for (let i = 0; i < s.length; i++) {
    crc = TABLE[Number((crc ^ BigInt(s.charCodeAt(i))) & 0xffn)] ^ (crc >> 8n);
  }
  return crc;
}
