/**
 * One value in RDB form, both ways: the type byte and body Redis 7.0 writes for each
 * type and encoding, and every object type Redis 7.0 reads (older ziplist, zipmap and
 * linked-list forms included). Values pass through `RdbObject`, a plain description
 * independent of the store's classes (rdb_values.ts converts), so this grammar is tested
 * on its own against Redis's bytes.
 */

import { decodeListpack, encodeListpack, listpackEntryBytes } from "./listpack.ts";
import { decodeIntset, decodeZiplist, decodeZipmap, encodeIntset } from "./legacy_encodings.ts";
import { canonicalInteger, RdbFormatError, type RdbReader, type RdbWriter } from "./rdb_bytes.ts";
import { readStream, type StreamObject, writeStream } from "./rdb_stream.ts";

/** A value as the RDB format sees it, with the encoding Redis would write it in. */
export type RdbObject =
  | { type: "string"; value: string }
  | { type: "list"; items: string[] }
  | { type: "hash"; pairs: [string, string][]; packed: boolean }
  | { type: "set"; members: string[]; intset: boolean }
  | { type: "zset"; entries: [string, number][]; packed: boolean }
  | StreamObject;

export const RDB_TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
} as const;

/** Redis's list-max-listpack-size default (-2): nodes of at most 8 KiB. */
const LIST_NODE_BYTES = 8192;
const QUICKLIST_NODE_PACKED = 2;
const QUICKLIST_NODE_PLAIN = 1;

/** Whether `t` is a value type byte (not an opcode). */
export function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 19);
}

/** The type byte Redis 7.0 writes for `o`. */
export function rdbTypeOf(o: RdbObject): number {
  switch (o.type) {
    case "string":
      return RDB_TYPE.STRING;
    case "list":
      return RDB_TYPE.LIST_QUICKLIST_2;
    case "hash":
      return o.packed ? RDB_TYPE.HASH_LISTPACK : RDB_TYPE.HASH;
    case "set":
      return o.intset ? RDB_TYPE.SET_INTSET : RDB_TYPE.SET;
    case "zset":
      return o.packed ? RDB_TYPE.ZSET_LISTPACK : RDB_TYPE.ZSET_2;
    case "stream":
      return RDB_TYPE.STREAM_LISTPACKS_2;
  }
}

/** Writes the type byte and the body of `o`. */
export function writeObject(w: RdbWriter, o: RdbObject): void {
  w.byte(rdbTypeOf(o));
  writeObjectBody(w, o);
}

/** Writes the body of `o` (after its type byte). */
export function writeObjectBody(w: RdbWriter, o: RdbObject): void {
  switch (o.type) {
    case "string":
      return w.string(o.value);
    case "list":
      return writeQuicklist(w, o.items);
    case "hash":
      if (o.packed) return w.blob(encodeListpack(o.pairs.flat()));
      w.length(o.pairs.length);
      for (const [f, v] of o.pairs) {
        w.string(f);
        w.string(v);
      }
      return;
    case "set":
      if (o.intset) return w.blob(encodeIntset(o.members.map((m) => canonicalInteger(m)!)));
      w.length(o.members.length);
      for (const m of o.members) w.string(m);
      return;
    case "zset":
      if (o.packed) {
        return w.blob(encodeListpack(o.entries.flatMap(([m, s]) => [m, formatScore(s)])));
      }
      // Greatest first, as Redis writes its skiplist (loading then appends at the head).
      w.length(o.entries.length);
      for (let i = o.entries.length - 1; i >= 0; i--) {
        w.string(o.entries[i][0]);
        w.doubleLE(o.entries[i][1]);
      }
      return;
    case "stream":
      return writeStream(w, o);
  }
}

/**
 * A list as quicklist nodes of at most 8 KiB, filled as Redis fills them when elements
 * are appended (_quicklistNodeAllowInsert: node bytes + element + 8 <= 8192).
 */
function writeQuicklist(w: RdbWriter, items: readonly string[]): void {
  const nodes: string[][] = [];
  let node: string[] = [];
  let bytes = 7; // an empty listpack: header and end byte
  for (const item of items) {
    if (node.length !== 0 && bytes + item.length + 8 > LIST_NODE_BYTES) {
      nodes.push(node);
      node = [];
      bytes = 7;
    }
    node.push(item);
    bytes += listpackEntryBytes(item);
  }
  if (node.length !== 0) nodes.push(node);
  w.length(nodes.length);
  for (const n of nodes) {
    w.length(QUICKLIST_NODE_PACKED);
    w.blob(encodeListpack(n));
  }
}

/** Reads the body of an object of type byte `type`. */
export function readObjectBody(r: RdbReader, type: number): RdbObject {
  switch (type) {
    case RDB_TYPE.STRING:
      return { type: "string", value: r.string() };
    case RDB_TYPE.LIST: {
      const n = r.length();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return { type: "list", items };
    }
    case RDB_TYPE.LIST_ZIPLIST:
      return { type: "list", items: decodeZiplist(r.stringBytes()) };
    case RDB_TYPE.LIST_QUICKLIST:
    case RDB_TYPE.LIST_QUICKLIST_2: {
      const nodes = r.length();
      const items: string[] = [];
      for (let i = 0; i < nodes; i++) {
        const container = type === RDB_TYPE.LIST_QUICKLIST ? QUICKLIST_NODE_PACKED : r.length();
        const blob = r.stringBytes();
        if (container === QUICKLIST_NODE_PLAIN) items.push(latin1(blob));
        else if (container !== QUICKLIST_NODE_PACKED) {
          throw new RdbFormatError(`Quicklist integrity check failed (container ${container})`);
        } else if (type === RDB_TYPE.LIST_QUICKLIST) items.push(...decodeZiplist(blob));
        else items.push(...decodeListpack(blob));
      }
      return { type: "list", items };
    }
    case RDB_TYPE.SET: {
      const n = r.length();
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(r.string());
      return { type: "set", members, intset: false };
    }
    case RDB_TYPE.SET_INTSET:
      return { type: "set", members: decodeIntset(r.stringBytes()), intset: true };
    case RDB_TYPE.ZSET:
    case RDB_TYPE.ZSET_2: {
      const n = r.length();
      const entries: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const member = r.string();
        entries.push([member, type === RDB_TYPE.ZSET ? r.asciiDouble() : r.doubleLE()]);
      }
      return { type: "zset", entries, packed: false };
    }
    case RDB_TYPE.ZSET_ZIPLIST:
    case RDB_TYPE.ZSET_LISTPACK: {
      const blob = r.stringBytes();
      const flat = type === RDB_TYPE.ZSET_ZIPLIST ? decodeZiplist(blob) : decodeListpack(blob);
      return {
        type: "zset",
        entries: pairs(flat).map(([m, s]) => [m, parseScore(s)]),
        packed: true,
      };
    }
    case RDB_TYPE.HASH: {
      const n = r.length();
      const out: [string, string][] = [];
      for (let i = 0; i < n; i++) out.push([r.string(), r.string()]);
      return { type: "hash", pairs: out, packed: false };
    }
    case RDB_TYPE.HASH_ZIPMAP:
      return { type: "hash", pairs: pairs(decodeZipmap(r.stringBytes())), packed: true };
    case RDB_TYPE.HASH_ZIPLIST:
      return { type: "hash", pairs: pairs(decodeZiplist(r.stringBytes())), packed: true };
    case RDB_TYPE.HASH_LISTPACK:
      return { type: "hash", pairs: pairs(decodeListpack(r.stringBytes())), packed: true };
    case RDB_TYPE.STREAM_LISTPACKS:
    case RDB_TYPE.STREAM_LISTPACKS_2:
      return readStream(r, type === RDB_TYPE.STREAM_LISTPACKS_2);
    case RDB_TYPE.MODULE_PRE_GA:
    case RDB_TYPE.MODULE_2:
      throw new RdbFormatError("The RDB file contains module data I can't load: no modules");
    default:
      throw new RdbFormatError(`Unknown RDB encoding type ${type}`);
  }
}

function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function pairs(flat: string[]): [string, string][] {
  if (flat.length % 2 !== 0) throw new RdbFormatError("odd number of elements in a pair list");
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i], flat[i + 1]]);
  return out;
}

function parseScore(s: string): number {
  const lower = s.toLowerCase();
  if (lower === "inf" || lower === "+inf") return Infinity;
  if (lower === "-inf") return -Infinity;
  const v = Number(s);
  if (Number.isNaN(v)) throw new RdbFormatError("Zset listpack integrity check failed.");
  return v;
}

/**
 * A score as Redis's d2string spells it inside a listpack: integral values within ±2^52
 * as integers, others as printf's %.17g.
 */
export function formatScore(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  if (Number.isInteger(v) && Math.abs(v) < 2 ** 52) return String(v);
  return formatG17(v);
}

/** printf("%.17g"). */
export function formatG17(v: number): string {
  const [mantissa, expText] = v.toExponential(16).split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 17) {
    const m = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const e = Math.abs(exp);
    return `${m}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  const fixed = v.toFixed(16 - exp);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
