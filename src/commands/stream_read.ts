/**
 * XREAD and XREADGROUP (one implementation, as in Redis): parse the options, resolve each
 * stream's id (`$`, `>`, or an id) in Redis's order, serve what is available now, and
 * otherwise block (BLOCK ms) until an XADD makes data available. Reading through a group
 * moves its last-delivered id and fills its pending entries list (stream_groups.ts).
 */

import type { Args } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import {
  getStream,
  longLong,
  longLongExact,
  strictIdArg,
  writeEntry,
  writeId,
} from "./stream_common.ts";
import { streamNotified } from "./stream_events.ts";
import type { CommandContext } from "./context.ts";
import type { Stream, StreamEntry } from "../store/stream.ts";
import { StreamType } from "../store/types/stream.ts";
import type { ConsumerGroup } from "../store/stream_groups.ts";
import { compareIds, MAX_ID, MIN_ID, nextId, type StreamId } from "../store/stream_id.ts";

/** What XREAD/XREADGROUP asked for, before the keys are looked up. */
export interface ReadRequest {
  name: "xread" | "xreadgroup";
  group: { name: string; consumer: string } | null;
  noack: boolean;
  /** 0: no limit. */
  count: number;
  /** ms to block, 0 = forever; null without BLOCK. */
  block: number | null;
  keys: string[];
  idArgs: string[];
}

function parseRead(a: Args, name: "xread" | "xreadgroup"): ReadRequest {
  const argv = a.argv;
  const xreadgroup = name === "xreadgroup";
  let block: number | null = null, count = 0, noack = false;
  let group: ReadRequest["group"] = null;
  let streamsAt = 0, streams = 0;
  for (let i = 1; i < argv.length; i++) {
    const more = argv.length - i - 1;
    const o = argv[i].toUpperCase();
    if (o === "BLOCK" && more) {
      i++;
      const ms = longLongExact(argv[i], "ERR timeout is not an integer or out of range");
      if (ms < 0) throw new CommandError("ERR timeout is negative");
      block = Number(ms);
    } else if (o === "COUNT" && more) {
      i++;
      count = Math.max(0, longLong(argv[i]));
    } else if (o === "STREAMS" && more) {
      streamsAt = i + 1;
      streams = argv.length - streamsAt;
      if (streams % 2 !== 0) {
        // Redis 7.0 names XREAD and '$' here for XREADGROUP too.
        throw new CommandError(
          "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
        );
      }
      streams /= 2;
      break;
    } else if (o === "GROUP" && more >= 2) {
      if (!xreadgroup) {
        throw new CommandError(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      group = { name: argv[i + 1], consumer: argv[i + 2] };
      i += 2;
    } else if (o === "NOACK") {
      if (!xreadgroup) {
        throw new CommandError(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
        );
      }
      noack = true;
    } else throw new CommandError(SYNTAX_ERROR);
  }
  if (streamsAt === 0) throw new CommandError(SYNTAX_ERROR);
  if (xreadgroup && group === null) {
    throw new CommandError("ERR Missing GROUP option for XREADGROUP");
  }
  return {
    name,
    group,
    noack,
    count,
    block,
    keys: argv.slice(streamsAt, streamsAt + streams),
    idArgs: argv.slice(streamsAt + streams),
  };
}

/** `>`: read what the group has not delivered yet. */
const NEW_ENTRIES = MAX_ID;

/** One stream of a read, resolved: the id to read after, and its group if any. */
export interface ReadTarget {
  key: string;
  /** Entries with ids greater than this (NEW_ENTRIES for `>`). */
  after: StreamId;
  group: ConsumerGroup | null;
}

/** Looks up each key and resolves its id, in Redis's order (a key's type, then its id). */
export function resolveTargets(req: ReadRequest, s: CommandContext): ReadTarget[] {
  const targets: ReadTarget[] = [];
  for (let i = 0; i < req.keys.length; i++) {
    const key = req.keys[i], arg = req.idArgs[i];
    const stream = getStream(s.db, key);
    let group: ConsumerGroup | null = null;
    if (req.group !== null) {
      group = stream?.groups?.get(req.group.name) ?? null;
      if (group === null) {
        throw new CommandError(
          `NOGROUP No such key '${key}' or consumer group '${req.group.name}' in XREADGROUP with GROUP option`,
        );
      }
    }
    let after: StreamId;
    if (arg === "$") {
      if (req.group !== null) {
        throw new CommandError(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
        );
      }
      after = stream?.lastId ?? MIN_ID;
    } else if (arg === ">") {
      if (req.group === null) {
        throw new CommandError(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
        );
      }
      after = NEW_ENTRIES;
    } else after = strictIdArg(arg);
    targets.push({ key, after, group });
  }
  return targets;
}

/** What one stream contributes to a reply: entries, or (history) ids whose entry is gone. */
type Served = { key: string; items: (StreamEntry | { id: StreamId; fields: null })[] };

/**
 * Serves what is available now (Redis's synchronous path of xreadCommand); the streams
 * served, in request order, empty when the caller should block (or answer null).
 */
export function serveRead(
  req: ReadRequest,
  targets: readonly ReadTarget[],
  s: CommandContext,
): Served[] {
  const served: Served[] = [];
  const now = s.db.clock.now();
  for (const t of targets) {
    const stream = getStream(s.db, t.key);
    if (stream === undefined) continue;
    let after = t.after;
    let serve = false, history = false;
    if (t.group !== null) {
      const group = t.group;
      if (compareIds(after, NEW_ENTRIES) !== 0) serve = history = true;
      else if (stream.length && compareIds(stream.lastValidId(), group.lastId) > 0) {
        serve = true;
        after = group.lastId;
      }
      if (!serve) continue;
      // Redis 7.0 creates the consumer only when it serves it something.
      const [consumer, created] = group.consumer(req.group!.consumer, now);
      if (created) streamNotified(s, t.key, "xgroup-createconsumer");
      consumer.seenTime = now;
      const start = nextId(after) ?? MIN_ID;
      if (history) {
        served.push({ key: t.key, items: readHistory(stream, consumer, start, req.count, now) });
      } else served.push({ key: t.key, items: readNew(stream, group, consumer, start, req, now) });
    } else if (stream.length && compareIds(stream.lastValidId(), after) > 0) {
      const items: StreamEntry[] = [];
      stream.range(nextId(after) ?? MIN_ID, MAX_ID, false, req.count, (e) => {
        items.push(e);
      });
      served.push({ key: t.key, items });
    }
  }
  return served;
}

/** New entries through a group: moves its last id, records deliveries (unless NOACK). */
function readNew(
  stream: Stream,
  group: ConsumerGroup,
  consumer: ReturnType<ConsumerGroup["consumer"]>[0],
  start: StreamId,
  req: ReadRequest,
  now: number,
): StreamEntry[] {
  const items: StreamEntry[] = [];
  stream.range(start, MAX_ID, false, req.count, (e) => {
    if (compareIds(e.id, group.lastId) > 0) group.advance(stream, e.id);
    if (!req.noack) group.deliver(e.id, consumer, now);
    items.push(e);
  });
  return items;
}

/** A consumer's own pending entries from `start` (XREADGROUP with an id). */
function readHistory(
  stream: Stream,
  consumer: ReturnType<ConsumerGroup["consumer"]>[0],
  start: StreamId,
  count: number,
  now: number,
) {
  const items: Served["items"] = [];
  const pel = consumer.pel;
  for (let i = pel.lowerBound(start); i < pel.size && (!count || items.length < count); i++) {
    const id = pel.ids[i];
    const entry = stream.get(id);
    if (entry === undefined) items.push({ id, fields: null });
    else {
      const p = pel.values[i];
      p.deliveryTime = now;
      p.deliveryCount++;
      items.push(entry);
    }
  }
  return items;
}

/** Writes a read's reply: an array of [key, entries] (RESP2) or a map key → entries. */
export function writeServed(s: CommandContext, served: readonly Served[]): void {
  const r = s.reply;
  if (s.client.protocol === 2) r.array(served.length);
  else r.map(served.length);
  for (const { key, items } of served) {
    if (s.client.protocol === 2) r.array(2);
    r.bulk(key);
    r.array(items.length);
    for (const item of items) {
      if (item.fields !== null) writeEntry(r, item);
      else {
        r.array(2);
        writeId(r, item.id);
        r.nullArray();
      }
    }
  }
}

/** Redis 7.0 serves a blocked read without COUNT at most this many entries. */
const BLOCKED_DEFAULT_COUNT = 1000;

/**
 * Blocks the client until a write gives one of its streams an entry after its id (`$` was
 * resolved to the last id at block time; `>` reads after the group's last id when served)
 * or the timeout passes (a null reply). Reading does not consume the entry, so every
 * client waiting on the key is offered it, in the order they blocked; the reply names
 * only the stream that served it, as Redis 7.0's does.
 */
function blockRead(req: ReadRequest, targets: readonly ReadTarget[], ctx: CommandContext): void {
  const first = new Map<string, ReadTarget>();
  for (const t of targets) if (!first.has(t.key)) first.set(t.key, t);
  const blocked: ReadRequest = { ...req, count: req.count || BLOCKED_DEFAULT_COUNT };
  ctx.block({
    dbIndex: ctx.client.dbIndex,
    keys: [...first.keys()],
    timeoutMs: req.block!,
    offersEveryWaiter: true,
    serve(db, key) {
      const v = db.get(key);
      if (v === undefined || !StreamType.is(v)) return false;
      const target = first.get(key)!;
      if (req.group !== null && !v.groups?.has(req.group.name)) {
        ctx.reply.error("NOGROUP the consumer group this client was blocked on no longer exists");
        return true;
      }
      const served = serveRead(blocked, [target], ctx);
      if (served.length === 0) return false;
      writeServed(ctx, served);
      return true;
    },
    timedOut: () => ctx.reply.nullArray(),
  });
}

const read = (name: "xread" | "xreadgroup") =>
  command({
    name,
    arity: name === "xread" ? -4 : -7,
    flags: [name === "xread" ? "readonly" : "write", "blocking"],
    categories: [name === "xread" ? "read" : "write", "stream", "slow", "blocking"],
    keys: [0, 0, 0],
    parse: (a: Args) => parseRead(a, name),
    execute(req, s) {
      const targets = resolveTargets(req, s);
      const served = serveRead(req, targets, s);
      if (served.length) return writeServed(s, served);
      // Nothing to serve: BLOCK waits for an XADD; without BLOCK the answer is null.
      if (req.block === null) return s.reply.nullArray();
      blockRead(req, targets, s);
    },
  });

/** XREAD [COUNT n] [BLOCK ms] STREAMS key [key ...] id [id ...] */
const xread = read("xread");
/** XREADGROUP GROUP group consumer [COUNT n] [BLOCK ms] [NOACK] STREAMS key ... id ... */
const xreadgroup = read("xreadgroup");

export const streamReadCommands = [xread, xreadgroup];
