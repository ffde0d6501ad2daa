/**
 * A whole RDB file (Redis 7.0, version 10): "REDIS0010", aux fields, function libraries,
 * then per database SELECTDB, RESIZEDB and its keys (each with its expiry, if any), EOF
 * and the CRC-64 of everything before it. Writing is a generator of chunks so a snapshot
 * can be written a slice at a time between event-loop turns (snapshot.ts); reading walks
 * a file held in memory and hands each part to a visitor. Any malformed or truncated
 * input raises `RdbFormatError`: a file is loaded whole or not at all.
 */

import { Crc64 } from "./crc64.ts";
import { RdbFormatError, RdbReader, RdbWriter } from "./rdb_bytes.ts";
import {
  isObjectType,
  type RdbObject,
  rdbTypeOf,
  readObjectBody,
  writeObjectBody,
} from "./rdb_object.ts";

export const RDB_VERSION = 10;

const OP_FUNCTION2 = 245;
const OP_FUNCTION_PRE_GA = 246;
const OP_MODULE_AUX = 247;
const OP_IDLE = 248;
const OP_FREQ = 249;
const OP_AUX = 250;
const OP_RESIZEDB = 251;
const OP_EXPIRETIME_MS = 252;
const OP_EXPIRETIME = 253;
const OP_SELECTDB = 254;
const OP_EOF = 255;

/** One key as the file holds it. */
export interface RdbEntry {
  key: string;
  value: RdbObject;
  /** Absolute expiry in ms since the epoch, or null. */
  expireAt: number | bigint | null;
  /** OBJECT IDLETIME seconds / LFU counter, when the file carries them. */
  idle?: number;
  freq?: number;
}

/** A database to write: its size hints (RESIZEDB) and its keys, produced lazily. */
export interface RdbDatabaseSource {
  index: number;
  keyCount: number;
  expireCount: number;
  entries(): Iterable<RdbEntry>;
}

export interface RdbContents {
  aux: [string, string][];
  /** Function library codes ("#!lua name=…" sources). */
  functions: string[];
  dbs: RdbDatabaseSource[];
}

/** Writes one key (with its expiry) in file form. */
export function writeEntry(w: RdbWriter, e: RdbEntry): void {
  if (e.expireAt !== null) {
    w.byte(OP_EXPIRETIME_MS);
    w.int64LE(BigInt(e.expireAt));
  }
  if (e.idle !== undefined) {
    w.byte(OP_IDLE);
    w.length(e.idle);
  }
  if (e.freq !== undefined) {
    w.byte(OP_FREQ);
    w.byte(e.freq);
  }
  // Type byte, then key, then body.
  w.byte(rdbTypeOf(e.value));
  w.string(e.key);
  writeObjectBody(w, e.value);
}

/**
 * The file's bytes, in chunks of about `chunkBytes`; the last chunk ends with EOF and
 * the checksum. Each chunk is a fresh array the caller may keep.
 */
export function* encodeRdb(
  contents: RdbContents,
  chunkBytes = 1 << 20,
  compress = true,
): Generator<Uint8Array> {
  const crc = new Crc64();
  const w = new RdbWriter(compress);
  const take = (): Uint8Array => {
    const chunk = w.bytes().slice();
    crc.update(chunk);
    w.reset();
    return chunk;
  };
  w.rawString(`REDIS${String(RDB_VERSION).padStart(4, "0")}`);
  for (const [k, v] of contents.aux) {
    w.byte(OP_AUX);
    w.string(k);
    w.string(v);
  }
  for (const code of contents.functions) {
    w.byte(OP_FUNCTION2);
    w.string(code);
  }
  for (const db of contents.dbs) {
    if (db.keyCount === 0) continue;
    w.byte(OP_SELECTDB);
    w.length(db.index);
    w.byte(OP_RESIZEDB);
    w.length(db.keyCount);
    w.length(db.expireCount);
    for (const entry of db.entries()) {
      writeEntry(w, entry);
      if (w.size >= chunkBytes) yield take();
    }
  }
  w.byte(OP_EOF);
  const body = take();
  const sum = crc.bytes();
  const last = new Uint8Array(body.length + 8);
  last.set(body);
  last.set(sum, body.length);
  yield last;
}

/** What reading a file reports, part by part. */
export interface RdbVisitor {
  aux?(key: string, value: string): void;
  function?(code: string): void;
  /** A key of database `db`. */
  entry(db: number, entry: RdbEntry): void;
  /** RESIZEDB: how many keys database `db` holds (a hint to size its table). */
  resize?(db: number, keys: number): void;
}

/** Reads a whole file; checks its version and its checksum (unless it is zero, as Redis allows). */
export function decodeRdb(bytes: Uint8Array, visitor: RdbVisitor): { version: number } {
  const steps = decodeRdbSteps(bytes, visitor);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `decodeRdb` a key at a time: yields the bytes read so far after each key, so a caller
 * can load a large file in slices between event-loop turns (clients answered -LOADING).
 */
export function* decodeRdbSteps(
  bytes: Uint8Array,
  visitor: RdbVisitor,
): Generator<number, { version: number }> {
  const r = new RdbReader(bytes);
  const magic = String.fromCharCode(...r.bytes(5));
  if (magic !== "REDIS") throw new RdbFormatError("Wrong signature trying to load DB from file");
  const version = Number(String.fromCharCode(...r.bytes(4)));
  if (!Number.isInteger(version) || version < 1 || version > RDB_VERSION) {
    throw new RdbFormatError(`Can't handle RDB format version ${version}`);
  }
  let db = 0;
  let expireAt: number | bigint | null = null;
  let idle: number | undefined;
  let freq: number | undefined;
  for (;;) {
    const type = r.byte();
    switch (type) {
      case OP_EXPIRETIME_MS: {
        const at = r.int64LE();
        expireAt = at <= BigInt(Number.MAX_SAFE_INTEGER) && at >= 0n ? Number(at) : at;
        continue;
      }
      case OP_EXPIRETIME:
        expireAt = r.int32LE() * 1000;
        continue;
      case OP_IDLE:
        idle = r.length();
        continue;
      case OP_FREQ:
        freq = r.byte();
        continue;
      case OP_SELECTDB:
        db = r.length();
        continue;
      case OP_RESIZEDB: {
        const keys = r.length();
        r.length();
        visitor.resize?.(db, keys);
        continue;
      }
      case OP_AUX: {
        const k = r.string();
        const v = r.string();
        visitor.aux?.(k, v);
        continue;
      }
      case OP_FUNCTION2:
        visitor.function?.(r.string());
        continue;
      case OP_FUNCTION_PRE_GA:
        throw new RdbFormatError("Pre-release function format not supported");
      case OP_MODULE_AUX:
        throw new RdbFormatError("The RDB file contains AUX module data I can't load: no modules");
      case OP_EOF: {
        if (version >= 5) {
          const end = r.pos;
          const stored = r.bytes(8);
          if (stored.some((b) => b !== 0)) {
            const sum = new Crc64().update(bytes, 0, end).bytes();
            if (sum.some((b, i) => b !== stored[i])) {
              throw new RdbFormatError("Wrong RDB checksum. Aborting now.");
            }
          }
        }
        return { version };
      }
      default: {
        if (!isObjectType(type)) throw new RdbFormatError(`Unknown RDB opcode ${type}`);
        const key = r.string();
        const value = readObjectBody(r, type);
        visitor.entry(db, { key, value, expireAt, idle, freq });
        expireAt = null;
        idle = undefined;
        freq = undefined;
        yield r.pos;
      }
    }
  }
}
