/**
 * Streams in RDB form (RDB_TYPE_STREAM_LISTPACKS and its 7.0 form _2): entries packed in
 * listpack nodes keyed by their master id, each node opening with a master entry (live
 * and deleted counts, the master field names) and each entry storing its id as deltas
 * from the master id, its fields only when they differ from the master's (SAMEFIELDS),
 * and its own element count last so it can be walked backwards. Then the stream's
 * counters and its consumer groups with their pending entries and consumers.
 */

import { decodeListpack, encodeListpack } from "./listpack.ts";
import { RdbFormatError, type RdbReader, type RdbWriter } from "./rdb_bytes.ts";

/** A stream id: milliseconds and sequence, both unsigned 64-bit. */
export type StreamId = readonly [bigint, bigint];

export interface StreamObject {
  type: "stream";
  /**
   * The listpack nodes in id order: master id, master field names, and every entry
   * (`fields` alternates field and value), deleted ones kept as Redis keeps them.
   */
  nodes: StreamNodeObject[];
  /** Live entries (the stream's length). */
  length: number;
  lastId: StreamId;
  firstId: StreamId;
  maxDeletedId: StreamId;
  entriesAdded: bigint;
  groups: {
    name: string;
    lastId: StreamId;
    /** -1 when unknown (Redis's SCG_INVALID_ENTRIES_READ). */
    entriesRead: bigint;
    pending: { id: StreamId; deliveryTime: bigint; deliveryCount: bigint }[];
    consumers: { name: string; seenTime: bigint; pending: StreamId[] }[];
  }[];
}

export interface StreamNodeObject {
  master: StreamId;
  masterFields: string[];
  entries: { id: StreamId; fields: string[]; deleted: boolean }[];
}

const FLAG_DELETED = 1;
const FLAG_SAMEFIELDS = 2;

function idBytes(id: StreamId): Uint8Array {
  const out = new Uint8Array(16);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, id[0], false);
  view.setBigUint64(8, id[1], false);
  return out;
}

function readIdBytes(bytes: Uint8Array): StreamId {
  if (bytes.length !== 16) {
    throw new RdbFormatError("Stream node key entry is not the size of a stream ID");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return [view.getBigUint64(0, false), view.getBigUint64(8, false)];
}

function writeId(w: RdbWriter, id: StreamId): void {
  w.lengthBig(id[0]);
  w.lengthBig(id[1]);
}

function readId(r: RdbReader): StreamId {
  return [r.lengthBig(), r.lengthBig()];
}

export function writeStream(w: RdbWriter, s: StreamObject): void {
  w.length(s.nodes.length);
  for (const node of s.nodes) {
    const { master, masterFields } = node;
    let live = 0;
    for (const e of node.entries) if (!e.deleted) live++;
    const items: string[] = [
      String(live),
      String(node.entries.length - live),
      String(masterFields.length),
      ...masterFields,
      "0",
    ];
    for (const { id, fields, deleted } of node.entries) {
      const names: string[] = [];
      for (let i = 0; i < fields.length; i += 2) names.push(fields[i]);
      const same = names.length === masterFields.length &&
        names.every((f, i) => f === masterFields[i]);
      const flags = (same ? FLAG_SAMEFIELDS : 0) | (deleted ? FLAG_DELETED : 0);
      items.push(String(flags), String(id[0] - master[0]), String(id[1] - master[1]));
      if (same) {
        for (let i = 1; i < fields.length; i += 2) items.push(fields[i]);
        items.push(String(names.length + 3));
      } else {
        items.push(String(names.length), ...fields, String(names.length * 2 + 4));
      }
    }
    w.blob(idBytes(master));
    w.blob(encodeListpack(items));
  }
  w.length(s.length);
  writeId(w, s.lastId);
  writeId(w, s.firstId);
  writeId(w, s.maxDeletedId);
  w.lengthBig(s.entriesAdded);
  w.length(s.groups.length);
  for (const g of s.groups) {
    w.string(g.name);
    writeId(w, g.lastId);
    w.lengthBig(g.entriesRead);
    w.length(g.pending.length);
    for (const p of g.pending) {
      w.raw(idBytes(p.id));
      w.int64LE(p.deliveryTime);
      w.lengthBig(p.deliveryCount);
    }
    w.length(g.consumers.length);
    for (const c of g.consumers) {
      w.string(c.name);
      w.int64LE(c.seenTime);
      w.length(c.pending.length);
      for (const id of c.pending) w.raw(idBytes(id));
    }
  }
}

/** Reads a stream; `v2` for Redis 7.0's form (first id, max deleted id, entries added, entries read). */
export function readStream(r: RdbReader, v2: boolean): StreamObject {
  const nodes: StreamNodeObject[] = [];
  let live = 0;
  const nodeCount = r.length();
  for (let n = 0; n < nodeCount; n++) {
    const master = readIdBytes(r.stringBytes());
    const lp = decodeListpack(r.stringBytes());
    if (lp.length === 0) throw new RdbFormatError("Empty listpack inside stream");
    let p = 0;
    const next = (): string => {
      if (p >= lp.length) throw new RdbFormatError("Stream listpack integrity check failed");
      return lp[p++];
    };
    const int = (): bigint => {
      const text = next();
      if (!/^-?\d+$/.test(text)) throw new RdbFormatError("Stream listpack integrity check failed");
      return BigInt(text);
    };
    const liveInNode = Number(int());
    const deleted = Number(int());
    const masterFieldCount = Number(int());
    const masterFields: string[] = [];
    for (let i = 0; i < masterFieldCount; i++) masterFields.push(next());
    next(); // the master entry's terminator
    const entries: StreamNodeObject["entries"] = [];
    for (let e = 0; e < liveInNode + deleted; e++) {
      const flags = Number(int());
      const id: StreamId = [master[0] + int(), master[1] + int()];
      const fields: string[] = [];
      if (flags & FLAG_SAMEFIELDS) {
        for (const f of masterFields) fields.push(f, next());
      } else {
        const count = Number(int());
        for (let i = 0; i < count * 2; i++) fields.push(next());
      }
      int(); // lp-count
      const isDeleted = (flags & FLAG_DELETED) !== 0;
      if (!isDeleted) live++;
      entries.push({ id, fields, deleted: isDeleted });
    }
    if (p !== lp.length) throw new RdbFormatError("Stream listpack has trailing elements");
    nodes.push({ master, masterFields, entries });
  }
  const length = r.length();
  if (length !== live) {
    throw new RdbFormatError("Stream length does not match its entries");
  }
  const lastId = readId(r);
  const firstLive = nodes.flatMap((n) => n.entries).find((e) => !e.deleted);
  const firstId: StreamId = v2 ? readId(r) : firstLive?.id ?? [0n, 0n];
  const maxDeletedId: StreamId = v2 ? readId(r) : [0n, 0n];
  const entriesAdded = v2 ? r.lengthBig() : BigInt(length);
  const groups: StreamObject["groups"] = [];
  const groupCount = r.length();
  for (let g = 0; g < groupCount; g++) {
    const name = r.string();
    const groupLast = readId(r);
    const entriesRead = v2 ? BigInt.asIntN(64, r.lengthBig()) : -1n;
    const pending: StreamObject["groups"][number]["pending"] = [];
    const pendingCount = r.length();
    for (let i = 0; i < pendingCount; i++) {
      const id = readIdBytes(r.bytes(16));
      pending.push({ id, deliveryTime: r.int64LE(), deliveryCount: r.lengthBig() });
    }
    const consumers: StreamObject["groups"][number]["consumers"] = [];
    const consumerCount = r.length();
    for (let c = 0; c < consumerCount; c++) {
      const cname = r.string();
      const seenTime = r.int64LE();
      const owned: StreamId[] = [];
      const ownedCount = r.length();
      for (let i = 0; i < ownedCount; i++) owned.push(readIdBytes(r.bytes(16)));
      consumers.push({ name: cname, seenTime, pending: owned });
    }
    groups.push({ name, lastId: groupLast, entriesRead, pending, consumers });
  }
  return { type: "stream", nodes, length, lastId, firstId, maxDeletedId, entriesAdded, groups };
}
