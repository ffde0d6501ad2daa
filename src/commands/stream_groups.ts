/**
 * Consumer-group commands: XGROUP (CREATE CREATECONSUMER DELCONSUMER DESTROY SETID HELP),
 * XACK, XPENDING, XCLAIM, XAUTOCLAIM. The pending-entry bookkeeping itself is in
 * store/stream_groups.ts; this file is argument handling, in Redis's order, and replies.
 */

import type { Args } from "./args.ts";
import { command, commandGroup, type CommandSpec } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { helpCommand } from "./help.ts";
import {
  boundArg,
  getStream,
  idArg,
  longLong,
  longLongExact,
  strictIdArg,
  writeEntry,
  writeId,
} from "./stream_common.ts";
import { streamChanged, streamNotified } from "./stream_events.ts";
import type { CommandContext } from "./context.ts";
import { Stream } from "../store/stream.ts";
import {
  type Consumer,
  ConsumerGroup,
  INVALID_ENTRIES_READ,
  PendingEntry,
} from "../store/stream_groups.ts";
import { compareIds, MIN_ID, parseId, type StreamId, type U64 } from "../store/stream_id.ts";

function noGroup(key: string, group: string): CommandError {
  return new CommandError(`NOGROUP No such key '${key}' or consumer group '${group}'`);
}

/** The group `name` of the stream at `key`; NOGROUP when either is missing. */
function groupOf(s: CommandContext, key: string, name: string): [Stream, ConsumerGroup] {
  const stream = getStream(s.db, key);
  const group = stream?.groups?.get(name);
  if (stream === undefined || group === undefined) throw noGroup(key, name);
  return [stream, group];
}

// ---- XGROUP ----

function subcommandSyntax(argv: readonly string[]): CommandError {
  return new CommandError(
    `ERR unknown subcommand or wrong number of arguments for '${
      argv[1].slice(0, 128)
    }'. Try XGROUP HELP.`,
  );
}

/** XGROUP's shared prelude (Redis's xgroupCommand before its dispatch). */
interface GroupTarget {
  argv: readonly string[];
  mkstream: boolean;
  entriesRead: U64;
}

function parseGroupOptions(a: Args): GroupTarget {
  const argv = a.argv;
  const sub = argv[1].toUpperCase();
  let mkstream = false;
  let entriesRead: U64 = INVALID_ENTRIES_READ;
  for (let i = 5; i < argv.length;) {
    const opt = argv[i].toUpperCase();
    if (sub === "CREATE" && opt === "MKSTREAM") {
      mkstream = true;
      i++;
    } else if (
      (sub === "CREATE" || sub === "SETID") && opt === "ENTRIESREAD" && i + 1 < argv.length
    ) {
      entriesRead = longLongExact(argv[i + 1]);
      if (entriesRead < 0 && entriesRead !== INVALID_ENTRIES_READ) {
        throw new CommandError("ERR value for ENTRIESREAD must be positive or -1");
      }
      i += 2;
    } else throw subcommandSyntax(argv);
  }
  return { argv, mkstream, entriesRead };
}

/** Looks the key up (WRONGTYPE, missing key) and the group when the subcommand needs it. */
function groupPrelude(
  t: GroupTarget,
  s: CommandContext,
  needsGroup: boolean,
): { stream: Stream | undefined; group: ConsumerGroup | undefined } {
  const key = t.argv[2], name = t.argv[3];
  const stream = getStream(s.db, key);
  let group: ConsumerGroup | undefined;
  if (!t.mkstream) {
    if (stream === undefined) {
      throw new CommandError(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
      );
    }
    group = stream.groups?.get(name);
    if (group === undefined && needsGroup) {
      throw new CommandError(`NOGROUP No such consumer group '${name}' for key name '${key}'`);
    }
  } else group = stream?.groups?.get(name);
  return { stream, group };
}

const GROUP_FLAGS = { categories: ["write", "stream", "slow"], keys: [2, 2, 1] } as const;

/** XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] */
const create = command({
  name: "xgroup|create",
  arity: -5,
  flags: ["write", "denyoom"],
  ...GROUP_FLAGS,
  keySpecFlags: ["RW", "insert"],
  parse: parseGroupOptions,
  execute(t, s) {
    const { argv } = t;
    let { stream } = groupPrelude(t, s, false);
    if (argv.length > 8) throw subcommandSyntax(argv);
    const id = argv[4] === "$" ? stream?.lastId ?? MIN_ID : strictIdArg(argv[4]);
    const created = stream === undefined;
    if (stream === undefined) {
      stream = new Stream();
      s.db.set(argv[2], stream);
    }
    const groups = stream.groups ??= new Map();
    if (groups.has(argv[3])) {
      throw new CommandError("BUSYGROUP Consumer Group name already exists");
    }
    groups.set(argv[3], new ConsumerGroup(id, t.entriesRead));
    s.reply.ok();
    // a stream MKSTREAM made is a new key (WATCH sees it); a group alone is not a change
    if (created) streamChanged(s, argv[2], "xgroup-create");
    else streamNotified(s, argv[2], "xgroup-create");
  },
});

/** XGROUP SETID key group id|$ [ENTRIESREAD n] */
const setid = command({
  name: "xgroup|setid",
  arity: -5,
  flags: ["write"],
  ...GROUP_FLAGS,
  keySpecFlags: ["RW", "update"],
  parse: parseGroupOptions,
  execute(t, s) {
    const { argv } = t;
    const { stream, group } = groupPrelude(t, s, true);
    if (argv.length !== 5 && argv.length !== 7) throw subcommandSyntax(argv);
    const id = argv[4] === "$" ? stream!.lastId : idArg(argv[4]);
    group!.lastId = id;
    group!.entriesRead = t.entriesRead;
    s.reply.ok();
    streamNotified(s, argv[2], "xgroup-setid");
  },
});

/** XGROUP DESTROY key group */
const destroy = command({
  name: "xgroup|destroy",
  arity: 4,
  flags: ["write"],
  ...GROUP_FLAGS,
  keySpecFlags: ["RW", "delete"],
  parse: parseGroupOptions,
  execute(t, s) {
    const { stream, group } = groupPrelude(t, s, false);
    if (group === undefined) return s.reply.integer(0);
    stream!.groups!.delete(t.argv[3]);
    s.reply.integer(1);
    streamNotified(s, t.argv[2], "xgroup-destroy");
  },
});

/** XGROUP CREATECONSUMER key group consumer */
const createconsumer = command({
  name: "xgroup|createconsumer",
  arity: 5,
  flags: ["write", "denyoom"],
  ...GROUP_FLAGS,
  keySpecFlags: ["RW", "insert"],
  parse: parseGroupOptions,
  execute(t, s) {
    const { group } = groupPrelude(t, s, true);
    const [, created] = group!.consumer(t.argv[4], s.db.clock.now());
    s.reply.integer(created ? 1 : 0);
    if (created) streamNotified(s, t.argv[2], "xgroup-createconsumer");
  },
});

/** XGROUP DELCONSUMER key group consumer */
const delconsumer = command({
  name: "xgroup|delconsumer",
  arity: 5,
  flags: ["write"],
  ...GROUP_FLAGS,
  keySpecFlags: ["RW", "delete"],
  parse: parseGroupOptions,
  execute(t, s) {
    const { group } = groupPrelude(t, s, true);
    const consumer = group!.consumers.get(t.argv[4]);
    if (consumer === undefined) return s.reply.integer(0);
    s.reply.integer(group!.deleteConsumer(consumer));
    streamNotified(s, t.argv[2], "xgroup-delconsumer");
  },
});

const xgroupHelp = helpCommand("xgroup", [
  "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CREATE <key> <groupname> <id|$> [option]",
  "    Create a new consumer group. Options are:",
  "    * MKSTREAM",
  "      Create the empty stream if it does not exist.",
  "    * ENTRIESREAD entries_read",
  "      Set the group's entries_read counter (internal use).",
  "CREATECONSUMER <key> <groupname> <consumer>",
  "    Create a new consumer in the specified group.",
  "DELCONSUMER <key> <groupname> <consumer>",
  "    Remove the specified consumer.",
  "DESTROY <key> <groupname>",
  "    Remove the specified group.",
  "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
  "    Set the current group ID and entries_read counter.",
  "HELP",
  "    Prints this help.",
], ["stream", "slow"]);

const xgroup = commandGroup("xgroup", [
  xgroupHelp,
  create,
  createconsumer,
  delconsumer,
  destroy,
  setid,
] as CommandSpec[]);

// ---- XACK ----

/** XACK key group id [id ...]: no key or group acknowledges nothing (before ids are parsed). */
const xack = command({
  name: "xack",
  arity: -4,
  flags: ["write", "fast"],
  categories: ["write", "stream", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "update"],
  parse: (a) => ({ key: a.next(), group: a.next(), ids: a.rest() }),
  execute({ key, group, ids }, s) {
    const g = getStream(s.db, key)?.groups?.get(group);
    if (g === undefined) return s.reply.integer(0);
    const parsed = ids.map(strictIdArg);
    let acked = 0;
    for (const id of parsed) if (g.ack(id)) acked++;
    s.reply.integer(acked);
  },
});

// ---- XPENDING ----

/** XPENDING key group [[IDLE min-idle] start end count [consumer]] */
const xpending = command({
  name: "xpending",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "stream", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse(a: Args) {
    const argv = a.argv;
    const n = argv.length;
    if (n !== 3 && (n < 6 || n > 9)) throw new CommandError(SYNTAX_ERROR);
    if (n === 3) return { key: argv[1], group: argv[2], range: null };
    let at = 3, minIdle = 0;
    if (argv[3].toUpperCase() === "IDLE") {
      minIdle = longLong(argv[4]);
      if (n < 8) throw new CommandError(SYNTAX_ERROR);
      at += 2;
    }
    const count = Math.max(0, longLong(argv[at + 2]));
    const start = boundArg(argv[at], false);
    const end = boundArg(argv[at + 1], true);
    const consumer = at + 3 < n ? argv[at + 3] : null;
    return { key: argv[1], group: argv[2], range: { minIdle, count, start, end, consumer } };
  },
  execute({ key, group, range }, s) {
    const [, g] = groupOf(s, key, group);
    const r = s.reply;
    if (range === null) {
      r.array(4);
      r.integer(g.pel.size);
      if (g.pel.size === 0) {
        r.null();
        r.null();
        r.nullArray();
        return;
      }
      writeId(r, g.pel.ids[0]);
      writeId(r, g.pel.ids[g.pel.size - 1]);
      const owners = g.sortedConsumers().filter((c) => c.pel.size > 0);
      r.array(owners.length);
      for (const c of owners) {
        r.array(2);
        r.bulk(c.name);
        r.bulk(String(c.pel.size));
      }
      return;
    }
    let pel = g.pel;
    if (range.consumer !== null) {
      const c = g.consumers.get(range.consumer);
      if (c === undefined) return r.array(0);
      pel = c.pel;
    }
    const now = s.db.clock.now();
    const rows: [StreamId, PendingEntry][] = [];
    for (let i = pel.lowerBound(range.start); i < pel.size && rows.length < range.count; i++) {
      if (compareIds(pel.ids[i], range.end) > 0) break;
      const p = pel.values[i];
      if (range.minIdle && now - p.deliveryTime < range.minIdle) continue;
      rows.push([pel.ids[i], p]);
    }
    r.array(rows.length);
    for (const [id, p] of rows) {
      r.array(4);
      writeId(r, id);
      r.bulk(p.consumer!.name);
      r.integer(Math.max(0, now - p.deliveryTime));
      r.integer(p.deliveryCount);
    }
  },
});

// ---- XCLAIM / XAUTOCLAIM ----

/** The claiming consumer, created on its first claim (with its keyspace event). */
function claimant(s: CommandContext, key: string, group: ConsumerGroup, name: string, now: number) {
  const [consumer, created] = group.consumer(name, now);
  if (created) streamNotified(s, key, "xgroup-createconsumer");
  consumer.seenTime = now;
  return consumer;
}

/** Moves pending entry `id` to `consumer`. */
function reassign(p: PendingEntry, id: StreamId, consumer: Consumer): void {
  if (p.consumer !== consumer) {
    p.consumer?.pel.delete(id);
    consumer.pel.set(id, p);
    p.consumer = consumer;
  }
}

/** XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms] [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id] */
const xclaim = command({
  name: "xclaim",
  arity: -6,
  flags: ["write", "fast"],
  categories: ["write", "stream", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "update"],
  tips: ["nondeterministic_output"],
  parse: (a) => a.argv,
  execute(argv, s) {
    const [stream, group] = (() => {
      const st = getStream(s.db, argv[1]);
      const g = st?.groups?.get(argv[2]);
      if (st === undefined || g === undefined) throw noGroup(argv[1], argv[2]);
      return [st, g] as const;
    })();
    const minIdle = Math.max(0, longLong(argv[4], "ERR Invalid min-idle-time argument for XCLAIM"));
    const ids: StreamId[] = [];
    let j = 5;
    for (; j < argv.length; j++) {
      const p = parseId(argv[j], 0, true);
      if (p === null) break;
      ids.push(p.id);
    }
    const now = s.db.clock.now();
    let deliveryTime = -1, retryCount = -1, force = false, justId = false;
    let lastId: StreamId = MIN_ID;
    for (; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toUpperCase();
      if (opt === "FORCE") force = true;
      else if (opt === "JUSTID") justId = true;
      else if (opt === "IDLE" && more) {
        deliveryTime = now - longLong(argv[++j], "ERR Invalid IDLE option argument for XCLAIM");
      } else if (opt === "TIME" && more) {
        deliveryTime = longLong(argv[++j], "ERR Invalid TIME option argument for XCLAIM");
      } else if (opt === "RETRYCOUNT" && more) {
        retryCount = longLong(argv[++j], "ERR Invalid RETRYCOUNT option argument for XCLAIM");
      } else if (opt === "LASTID" && more) {
        lastId = strictIdArg(argv[++j]);
      } else {
        throw new CommandError(`ERR Unrecognized XCLAIM option '${argv[j]}'`);
      }
    }
    if (compareIds(lastId, group.lastId) > 0) group.lastId = lastId;
    if (deliveryTime !== -1) {
      if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
    } else deliveryTime = now;
    // Redis 7.0 creates the consumer when it first claims something.
    let consumer: Consumer | null = null;
    const out: (() => void)[] = [];
    for (const id of ids) {
      let p = group.pel.get(id);
      const entry = stream.get(id);
      if (entry === undefined) {
        if (p !== undefined) group.ack(id);
        continue;
      }
      if (force && p === undefined) {
        p = new PendingEntry(null, now, 1);
        group.pel.set(id, p);
      }
      if (p === undefined) continue;
      if (p.consumer !== null && minIdle && now - p.deliveryTime < minIdle) continue;
      consumer ??= claimant(s, argv[1], group, argv[3], now);
      reassign(p, id, consumer);
      p.deliveryTime = deliveryTime;
      if (retryCount >= 0) p.deliveryCount = retryCount;
      else if (!justId) p.deliveryCount++;
      out.push(justId ? () => writeId(s.reply, id) : () => writeEntry(s.reply, entry));
    }
    s.reply.array(out.length);
    for (const w of out) w();
  },
});

/** XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID] */
const xautoclaim = command({
  name: "xautoclaim",
  arity: -6,
  flags: ["write", "fast"],
  categories: ["write", "stream", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "delete"],
  tips: ["nondeterministic_output"],
  parse(a: Args) {
    const argv = a.argv;
    const minIdle = Math.max(
      0,
      longLong(argv[4], "ERR Invalid min-idle-time argument for XAUTOCLAIM"),
    );
    const start = boundArg(argv[5], false);
    let count = 100, justId = false;
    for (let j = 6; j < argv.length; j++) {
      const more = argv.length - 1 - j;
      const opt = argv[j].toUpperCase();
      if (opt === "COUNT" && more) {
        // Redis bounds COUNT by LONG_MAX / sizeof(streamID)
        const v = longLongExact(argv[j + 1], "ERR COUNT must be > 0");
        if (v < 1 || v > 576460752303423487n) throw new CommandError("ERR COUNT must be > 0");
        count = Number(v);
        j++;
      } else if (opt === "JUSTID") justId = true;
      else throw new CommandError(SYNTAX_ERROR);
    }
    return { key: argv[1], group: argv[2], consumer: argv[3], minIdle, start, count, justId };
  },
  execute({ key, group: name, consumer: consumerName, minIdle, start, count, justId }, s) {
    const stream = getStream(s.db, key);
    const group = stream?.groups?.get(name);
    if (stream === undefined || group === undefined) throw noGroup(key, name);
    const now = s.db.clock.now();
    let consumer: Consumer | null = null;
    let attempts = count * 10;
    const claimed: (() => void)[] = [];
    const deleted: StreamId[] = [];
    const pel = group.pel;
    let i = pel.lowerBound(start);
    while (attempts-- > 0 && count > 0 && i < pel.size) {
      const id = pel.ids[i], p = pel.values[i];
      const entry = stream.get(id);
      if (entry === undefined) {
        group.ack(id); // the entry is gone: its pending record goes too
        deleted.push(id);
        count--;
        continue;
      }
      i++;
      if (minIdle && now - p.deliveryTime < minIdle) continue;
      consumer ??= claimant(s, key, group, consumerName, now);
      reassign(p, id, consumer);
      p.deliveryTime = now;
      if (!justId) p.deliveryCount++;
      claimed.push(justId ? () => writeId(s.reply, id) : () => writeEntry(s.reply, entry));
      count--;
    }
    const r = s.reply;
    r.array(3);
    writeId(r, i < pel.size ? pel.ids[i] : MIN_ID);
    r.array(claimed.length);
    for (const w of claimed) w();
    r.array(deleted.length);
    for (const id of deleted) writeId(r, id);
  },
});

export const streamGroupCommands = [xgroup, xack, xpending, xclaim, xautoclaim];
