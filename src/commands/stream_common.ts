/**
 * What every stream command shares: the typed lookup, id arguments with Redis's errors,
 * Redis's `long long` option values, and the reply shapes of entries and ids.
 */

import { parseInteger } from "./args.ts";
import { CommandError, NOT_INTEGER } from "./errors.ts";
import type { Database } from "../store/database.ts";
import type { ReplyWriter } from "../protocol/reply_writer.ts";
import type { Stream, StreamEntry } from "../store/stream.ts";
import { StreamType } from "../store/types/stream.ts";
import {
  formatId,
  nextId,
  type ParsedId,
  parseId,
  prevId,
  type StreamId,
  type U64,
  U64_MAX,
} from "../store/stream_id.ts";

export const INVALID_ID = "ERR Invalid stream ID specified as stream command argument";

/** The stream at `key`, undefined when missing; WRONGTYPE for other types. */
export function getStream(db: Database, key: string): Stream | undefined {
  return db.lookup(key, StreamType);
}

/** An id argument (`-` and `+` allowed unless strict); Redis's error when invalid. */
export function idArg(text: string, missingSeq: U64 = 0, strict = false): StreamId {
  const p = parseId(text, missingSeq, strict);
  if (p === null) throw new CommandError(INVALID_ID);
  return p.id;
}

/** An id where `-` and `+` are not ids (XDEL, XACK, XCLAIM ...). */
export function strictIdArg(text: string): StreamId {
  return idArg(text, 0, true);
}

/** XADD's id: `<ms>-<seq>`, `<ms>`, or `<ms>-*`. */
export function xaddIdArg(text: string): ParsedId {
  const p = parseId(text, 0, true, true);
  if (p === null) throw new CommandError(INVALID_ID);
  return p;
}

/**
 * A range bound (XRANGE, XPENDING, XAUTOCLAIM): `(` makes it exclusive, which moves it to
 * the next (start) or previous (end) id; Redis's errors when there is none.
 */
export function boundArg(text: string, end: boolean): StreamId {
  const exclusive = text.length > 1 && text[0] === "(";
  if (!exclusive) return idArg(text, end ? U64_MAX : 0);
  const id = idArg(text.slice(1), end ? U64_MAX : 0, true);
  const moved = end ? prevId(id) : nextId(id);
  if (moved === null) {
    throw new CommandError(`ERR invalid ${end ? "end" : "start"} ID for the interval`);
  }
  return moved;
}

/** Redis's getLongLongFromObjectOrReply: a signed 64-bit integer (a number; exact to 2^53). */
export function longLong(text: string, message = NOT_INTEGER): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(message);
  return Number(v);
}

/** A signed 64-bit integer kept exact (a bigint past 2^53): counters users may set. */
export function longLongExact(text: string, message = NOT_INTEGER): U64 {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(message);
  return v;
}

/** Writes an id as a bulk string (from its numbers when both are safe integers). */
export function writeId(reply: ReplyWriter, id: StreamId): void {
  const { ms, seq } = id;
  if (typeof ms === "number" && typeof seq === "number") reply.bulkStreamId(ms, seq);
  else reply.bulk(formatId(id));
}

/** Writes one entry: [id, [field, value, ...]]. */
export function writeEntry(reply: ReplyWriter, e: StreamEntry): void {
  reply.array(2);
  writeId(reply, e.id);
  const f = e.fields;
  reply.array(f.length);
  for (let i = 0; i < f.length; i++) reply.bulk(f[i]);
}

/** Writes entries as an array. */
export function writeEntries(reply: ReplyWriter, entries: readonly StreamEntry[]): void {
  reply.array(entries.length);
  for (const e of entries) writeEntry(reply, e);
}

/** Live entries in [start, end], at most `count` (0: all). */
export function collectRange(
  s: Stream,
  start: StreamId,
  end: StreamId,
  rev: boolean,
  count: number,
): StreamEntry[] {
  const out: StreamEntry[] = [];
  s.range(start, end, rev, count, (e) => {
    out.push(e);
  });
  return out;
}

/** Names sorted bytewise, as Redis's radix trees list them. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
