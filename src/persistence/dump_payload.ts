/**
 * DUMP's payload, as Redis 7.0 builds it: the value's RDB type byte and body, the RDB
 * version as two little-endian bytes, then the CRC-64 of all of that (little-endian), so a
 * payload from redis-server 7.0 restores here and the reverse.
 */

import { Crc64 } from "./crc64.ts";
import { RdbFormatError, RdbReader, RdbWriter } from "./rdb_bytes.ts";
import { RDB_VERSION } from "./rdb_file.ts";
import { type RdbObject, readObjectBody, writeObject } from "./rdb_object.ts";

/** The payload for `o`, as bytes. */
export function createDumpPayload(o: RdbObject): Uint8Array {
  const w = new RdbWriter();
  writeObject(w, o);
  w.uint16LE(RDB_VERSION);
  const body = w.bytes();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(new Crc64().update(body).bytes(), body.length);
  return out;
}

/** Whether the footer's version is one we read and the checksum matches (verifyDumpPayload). */
export function verifyDumpPayload(p: Uint8Array): boolean {
  if (p.length < 10) return false;
  const version = p[p.length - 10] | (p[p.length - 9] << 8);
  if (version > RDB_VERSION) return false;
  const sum = new Crc64().update(p, 0, p.length - 8).bytes();
  return sum.every((b, i) => b === p[p.length - 8 + i]);
}

/** The object a verified payload holds; RdbFormatError when its body is malformed. */
export function readDumpPayload(p: Uint8Array): RdbObject {
  const r = new RdbReader(p, 0, p.length - 10);
  const o = readObjectBody(r, r.byte());
  if (r.remaining !== 0) throw new RdbFormatError("trailing bytes in DUMP payload");
  return o;
}
