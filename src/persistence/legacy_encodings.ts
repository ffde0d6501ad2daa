/**
 * Packed forms that Redis 7.0 still reads from older files and payloads, decoded to plain
 * elements: ziplist (lists, hashes, zsets before 7.0), zipmap (hashes before 2.6) and
 * intset (small integer sets; 7.0 still writes it, so it is encoded here too).
 */

import { latin1String, RdbFormatError } from "./rdb_bytes.ts";

/** The elements of a ziplist, integers spelled in decimal. */
export function decodeZiplist(zl: Uint8Array): string[] {
  if (zl.length < 11) throw new RdbFormatError("ziplist too short");
  const view = new DataView(zl.buffer, zl.byteOffset, zl.byteLength);
  if (view.getUint32(0, true) !== zl.length) throw new RdbFormatError("ziplist size mismatch");
  const items: string[] = [];
  let p = 10;
  const need = (n: number) => {
    if (p + n > zl.length - 1) throw new RdbFormatError("ziplist entry overruns");
  };
  while (p < zl.length && zl[p] !== 0xff) {
    p += zl[p] < 254 ? 1 : 5; // previous entry length
    need(1);
    const b = zl[p];
    const kind = b >> 6;
    if (kind === 0) {
      const n = b & 0x3f;
      need(1 + n);
      items.push(latin1String(zl.subarray(p + 1, p + 1 + n)));
      p += 1 + n;
    } else if (kind === 1) {
      need(2);
      const n = ((b & 0x3f) << 8) | zl[p + 1];
      need(2 + n);
      items.push(latin1String(zl.subarray(p + 2, p + 2 + n)));
      p += 2 + n;
    } else if (kind === 2) {
      need(5);
      const n = view.getUint32(p + 1, false);
      need(5 + n);
      items.push(latin1String(zl.subarray(p + 5, p + 5 + n)));
      p += 5 + n;
    } else if (b === 0xc0) {
      need(3);
      items.push(String(view.getInt16(p + 1, true)));
      p += 3;
    } else if (b === 0xd0) {
      need(5);
      items.push(String(view.getInt32(p + 1, true)));
      p += 5;
    } else if (b === 0xe0) {
      need(9);
      items.push(String(view.getBigInt64(p + 1, true)));
      p += 9;
    } else if (b === 0xf0) {
      need(4);
      const u = zl[p + 1] | (zl[p + 2] << 8) | (zl[p + 3] << 16);
      items.push(String((u << 8) >> 8));
      p += 4;
    } else if (b === 0xfe) {
      need(2);
      items.push(String(view.getInt8(p + 1)));
      p += 2;
    } else if (b >= 0xf1 && b <= 0xfd) {
      items.push(String((b & 0x0f) - 1));
      p += 1;
    } else {
      throw new RdbFormatError(`bad ziplist entry encoding ${b}`);
    }
  }
  if (p !== zl.length - 1) throw new RdbFormatError("ziplist not terminated");
  return items;
}

/** The field/value pairs of a zipmap, flattened. */
export function decodeZipmap(zm: Uint8Array): string[] {
  const items: string[] = [];
  let p = 1;
  const readLen = (): number => {
    if (p >= zm.length) throw new RdbFormatError("zipmap overruns");
    const b = zm[p];
    if (b < 254) {
      p += 1;
      return b;
    }
    if (b === 254 && p + 5 <= zm.length) {
      const v = new DataView(zm.buffer, zm.byteOffset + p + 1, 4).getUint32(0, true);
      p += 5;
      return v;
    }
    throw new RdbFormatError("bad zipmap length");
  };
  while (p < zm.length && zm[p] !== 0xff) {
    const klen = readLen();
    if (p + klen > zm.length) throw new RdbFormatError("zipmap overruns");
    items.push(latin1String(zm.subarray(p, p + klen)));
    p += klen;
    const vlen = readLen();
    const free = zm[p++];
    if (p + vlen + free > zm.length) throw new RdbFormatError("zipmap overruns");
    items.push(latin1String(zm.subarray(p, p + vlen)));
    p += vlen + free;
  }
  if (p !== zm.length - 1) throw new RdbFormatError("zipmap not terminated");
  return items;
}

/** The members of an intset, in its (ascending) order. */
export function decodeIntset(is: Uint8Array): string[] {
  if (is.length < 8) throw new RdbFormatError("intset too short");
  const view = new DataView(is.buffer, is.byteOffset, is.byteLength);
  const width = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  if ((width !== 2 && width !== 4 && width !== 8) || 8 + width * count !== is.length) {
    throw new RdbFormatError("intset encoding or size mismatch");
  }
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = 8 + i * width;
    out.push(
      width === 2
        ? String(view.getInt16(at, true))
        : width === 4
        ? String(view.getInt32(at, true))
        : String(view.getBigInt64(at, true)),
    );
  }
  return out;
}

/** An intset of `members` (each a canonical 64-bit integer), sorted, in the narrowest width. */
export function encodeIntset(members: readonly bigint[]): Uint8Array {
  const sorted = [...members].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of sorted) {
    if (v < -2147483648n || v > 2147483647n) width = 8;
    else if ((v < -32768n || v > 32767n) && width < 4) width = 4;
  }
  const out = new Uint8Array(8 + width * sorted.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, width, true);
  view.setUint32(4, sorted.length, true);
  sorted.forEach((v, i) => {
    const at = 8 + i * width;
    if (width === 2) view.setInt16(at, Number(v), true);
    else if (width === 4) view.setInt32(at, Number(v), true);
    else view.setBigInt64(at, v, true);
  });
  return out;
}
