/**
 * Between the store's values and their RDB form (rdb_object.ts): which encoding Redis 7.0
 * would write for a value (its OBJECT ENCODING decides: listpack, intset, hashtable ...)
 * and the value a loaded object becomes. One exhaustive switch per direction, so a new
 * value type does not compile until it can be saved and loaded.
 */

import { HashValue, ListValue, SetValue, SortedSetValue, type Value } from "../store/values.ts";
import { Stream } from "../store/stream.ts";
import { Consumer, ConsumerGroup, PendingEntry } from "../store/stream_groups.ts";
import { big, norm, type StreamId } from "../store/stream_id.ts";
import type { RdbObject } from "./rdb_object.ts";
import type { StreamId as RdbStreamId, StreamObject } from "./rdb_stream.ts";
import { RdbFormatError } from "./rdb_bytes.ts";

/** Raised by the `never` default: a value type without its case here. */
function unknownValue(v: never): never {
  throw new TypeError(`no RDB form for ${String(v)}`);
}

/** The RDB description of `v`, in the encoding it has. */
export function toRdbObject(v: Value): RdbObject {
  if (typeof v === "string") return { type: "string", value: v };
  switch (v.kind) {
    case "list":
      return { type: "list", items: [...v] };
    case "stream":
      return streamObject(v);
    case "hash": {
      const pairs: [string, string][] = [];
      v.forEach((f, value) => pairs.push([f, value]));
      return { type: "hash", pairs, packed: v.encoding === "listpack" };
    }
    case "set":
      return { type: "set", members: [...v.members()], intset: v.encoding === "intset" };
    case "zset": {
      const entries: [string, number][] = [];
      if (v.size > 0) v.tree.forEach(0, v.size - 1, (score, m) => entries.push([m, score]));
      return { type: "zset", entries, packed: v.encoding === "listpack" };
    }
    default:
      return unknownValue(v);
  }
}

/** The value a loaded object becomes; throws for an object that is not a valid value. */
export function fromRdbObject(o: RdbObject): Value {
  switch (o.type) {
    case "string":
      return o.value;
    case "list": {
      if (o.items.length === 0) throw new RdbFormatError("Empty list in RDB");
      const list = new ListValue();
      for (const item of o.items) list.pushBack(item);
      return list;
    }
    case "stream":
      return streamValue(o);
    // Loaded elements are added one by one, so the encoding follows the default thresholds.
    case "hash": {
      if (o.pairs.length === 0) throw new RdbFormatError("Empty hash in RDB");
      const h = new HashValue();
      for (const [f, v] of o.pairs) h.set(f, v);
      return h;
    }
    case "set":
      if (o.members.length === 0) throw new RdbFormatError("Empty set in RDB");
      return SetValue.of(o.members);
    case "zset": {
      if (o.entries.length === 0) throw new RdbFormatError("Empty zset in RDB");
      const z = new SortedSetValue(o.entries[0][0].length);
      for (const [m, score] of o.entries) z.set(m, score);
      return z;
    }
  }
}

const rdbId = (id: StreamId): RdbStreamId => [big(id.ms), big(id.seq)];
const storeId = (id: RdbStreamId): StreamId => ({ ms: norm(id[0]), seq: norm(id[1]) });

function streamObject(s: Stream): StreamObject {
  const nodes: StreamObject["nodes"] = [];
  for (const node of s.packedNodes()) {
    nodes.push({
      master: rdbId(node.master),
      masterFields: [...node.fields],
      entries: node.entries.map(({ entry, deleted }) => ({
        id: rdbId(entry.id),
        fields: entry.fields,
        deleted,
      })),
    });
  }
  return {
    type: "stream",
    nodes,
    length: s.length,
    lastId: rdbId(s.lastId),
    firstId: rdbId(s.firstId),
    maxDeletedId: rdbId(s.maxDeletedId),
    entriesAdded: big(s.entriesAdded),
    groups: [...(s.groups?.entries() ?? [])].map(([name, g]) => ({
      name,
      lastId: rdbId(g.lastId),
      entriesRead: big(g.entriesRead),
      pending: g.pel.ids.map((id, i) => ({
        id: rdbId(id),
        deliveryTime: BigInt(g.pel.values[i].deliveryTime),
        deliveryCount: BigInt(g.pel.values[i].deliveryCount),
      })),
      consumers: g.sortedConsumers().map((c) => ({
        name: c.name,
        seenTime: BigInt(c.seenTime),
        pending: c.pel.ids.map(rdbId),
      })),
    })),
  };
}

function streamValue(o: StreamObject): Stream {
  const s = new Stream();
  // Node by node, tombstones included: the layout `~` trims and XINFO see is the saved one.
  for (const node of o.nodes) {
    s.restoreNode(
      storeId(node.master),
      node.masterFields,
      node.entries.map((e) => ({ id: storeId(e.id), fields: e.fields, deleted: e.deleted })),
    );
  }
  s.lastId = storeId(o.lastId);
  s.firstId = storeId(o.firstId);
  s.maxDeletedId = storeId(o.maxDeletedId);
  s.entriesAdded = norm(o.entriesAdded);
  if (o.groups.length !== 0) s.groups = new Map();
  for (const g of o.groups) {
    const group = new ConsumerGroup(storeId(g.lastId), norm(g.entriesRead));
    const pending = new Map<string, PendingEntry>();
    for (const p of g.pending) {
      const entry = new PendingEntry(null, Number(p.deliveryTime), Number(p.deliveryCount));
      group.pel.set(storeId(p.id), entry);
      pending.set(`${p.id[0]}-${p.id[1]}`, entry);
    }
    for (const c of g.consumers) {
      const consumer = new Consumer(c.name, Number(c.seenTime));
      for (const id of c.pending) {
        const entry = pending.get(`${id[0]}-${id[1]}`);
        if (entry === undefined) {
          throw new RdbFormatError("Consumer pending entry not found in the group's PEL");
        }
        entry.consumer = consumer;
        consumer.pel.set(storeId(id), entry);
      }
      group.consumers.set(c.name, consumer);
    }
    s.groups!.set(g.name, group);
  }
  return s;
}
