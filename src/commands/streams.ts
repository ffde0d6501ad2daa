/**
 * The stream commands that need no consumer group: XADD XLEN XRANGE XREVRANGE XDEL XTRIM
 * XSETID. Argument checks run in Redis's order (options, then arity, then the key), so
 * the same bad input gets the same error.
 */

import type { Args } from "./args.ts";
import type { CommandContext, ServerServices } from "./context.ts";
import type { Clock } from "../store/clock.ts";
import { command } from "./command.ts";
import { CommandError, NO_SUCH_KEY, SYNTAX_ERROR, wrongArity } from "./errors.ts";
import {
  boundArg,
  collectRange,
  getStream,
  longLong,
  longLongExact,
  strictIdArg,
  writeEntries,
  writeId,
  xaddIdArg,
} from "./stream_common.ts";
import { streamChanged, streamNotified } from "./stream_events.ts";
import { Stream, type TrimSpec } from "../store/stream.ts";
import {
  compareIds,
  isZeroId,
  MIN_ID,
  nextId,
  type StreamId,
  type U64,
  U64_MAX,
} from "../store/stream_id.ts";

const MAXLEN_NEGATIVE = "ERR The MAXLEN argument must be >= 0.";
const LIMIT_NEGATIVE = "ERR The LIMIT argument must be >= 0.";
/** Redis's default LIMIT for `~` trims: 100 × stream-node-max-entries. */
const APPROX_LIMIT = 10_000;

interface AddOrTrim {
  trim: TrimSpec | null;
  noMkStream: boolean;
  /** XADD only: where the id argument is, and the id when not `*`. */
  idIndex: number;
  id: StreamId | null;
  seqGiven: boolean;
}

/**
 * The clock reading XADD `*` takes its ms from, shared by a run of consecutive XADDs in one
 * batch (the requests of one read, at most ~16 KiB of them: session.ts), which costs one
 * reading (~50–100 ns here, a tenth of an XADD's own work) per run instead of one per XADD.
 * Redis 7.0 reads the clock in every XADD (mstime() in streamNextID); later Redis versions
 * read a snapshot taken as each command starts, which a MULTI/EXEC or a script shares.
 * Here the run is served with nothing else in between (no other command, client or I/O),
 * so no client can read the clock between its XADDs: they get ids as if the run took under
 * a millisecond (ids still only grow, the sequence counting up within the ms), and the ms
 * of an id trails the moment it was added by at most the run's own time. Any other command
 * (TIME included), a batch's end, or a call outside a batch takes a new reading. (A
 * script's consecutive redis.call('XADD')s share one too, as all of a script's do in
 * Redis 7.2 and later.)
 */
const runClock = {
  /** Whose pipeline and clock the reading belongs to (a process may hold several servers). */
  pipeline: null as ServerServices["pipeline"] | null,
  clock: null as Clock | null,
  /** The callSerial of the last XADD that used the reading. */
  at: -2,
  now: 0,
};

/** The ms for XADD `*`: the clock, or the reading of the XADD called just before. */
function xaddNow(s: CommandContext): number {
  const pipeline = s.server.pipeline;
  const clock = s.db.clock;
  const serial = pipeline.callSerial;
  if (
    serial >= 0 && serial === runClock.at + 1 && pipeline === runClock.pipeline &&
    clock === runClock.clock
  ) {
    runClock.at = serial;
    return runClock.now;
  }
  runClock.pipeline = pipeline;
  runClock.clock = clock;
  runClock.at = serial;
  return runClock.now = clock.now();
}

/** What parseAddOrTrim gives for XADD with no options and a generated id (never changed). */
const PLAIN_XADD: Readonly<AddOrTrim> = Object.freeze({
  trim: null,
  noMkStream: false,
  idIndex: 2,
  id: null,
  seqGiven: true,
});

/** Redis's streamParseAddOrTrimArgsOrReply: XADD's and XTRIM's options. */
function parseAddOrTrim(argv: readonly string[], xadd: boolean): AddOrTrim {
  let trim: TrimSpec | null = null;
  let limit = 0, limitGiven = false, noMkStream = false;
  let id: StreamId | null = null, seqGiven = true;
  let i = 2;
  for (; i < argv.length; i++) {
    const more = argv.length - 1 - i;
    const opt = argv[i];
    if (xadd && opt === "*") break; // the common case first: no options, a generated id
    const upper = opt.toUpperCase();
    if ((upper === "MAXLEN" || upper === "MINID") && more) {
      if (trim !== null) {
        throw new CommandError(
          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        );
      }
      let approx = false;
      const next = argv[i + 1];
      if (more >= 2 && next === "~") {
        approx = true;
        i++;
      } else if (more >= 2 && next === "=") i++;
      if (upper === "MAXLEN") {
        const maxlen = longLong(argv[i + 1]);
        if (maxlen < 0) throw new CommandError(MAXLEN_NEGATIVE);
        trim = { strategy: "maxlen", maxlen, minid: MIN_ID, approx, limit: 0 };
      } else {
        trim = { strategy: "minid", maxlen: 0, minid: strictIdArg(argv[i + 1]), approx, limit: 0 };
      }
      i++;
    } else if (upper === "LIMIT" && more) {
      limit = longLong(argv[i + 1]);
      if (limit < 0) throw new CommandError(LIMIT_NEGATIVE);
      limitGiven = true;
      i++;
    } else if (xadd && upper === "NOMKSTREAM") {
      noMkStream = true;
    } else if (xadd) {
      const parsed = xaddIdArg(opt);
      id = parsed.id;
      seqGiven = parsed.seqGiven;
      break;
    } else {
      throw new CommandError(SYNTAX_ERROR);
    }
  }
  if (limit && trim === null) {
    throw new CommandError(
      "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
    );
  }
  if (!xadd && trim === null) {
    throw new CommandError("ERR syntax error, XTRIM must be called with a trimming strategy");
  }
  if (trim !== null) {
    if (limitGiven) {
      if (!trim.approx) {
        throw new CommandError(
          "ERR syntax error, LIMIT cannot be used without the special ~ option",
        );
      }
      trim.limit = limit;
    } else trim.limit = trim.approx ? APPROX_LIMIT : 0;
  }
  return { trim, noMkStream, idIndex: i, id, seqGiven };
}

/** XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value ... */
const xadd = command({
  name: "xadd",
  arity: -5,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "stream", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "update"],
  tips: ["nondeterministic_output"],
  parse(a: Args) {
    const argv = a.argv;
    // the common form, `XADD key * field value ...`: no options to look for
    const opts = argv[2] === "*" ? PLAIN_XADD : parseAddOrTrim(argv, true);
    const fieldPos = opts.idIndex + 1;
    const n = argv.length - fieldPos;
    if (n < 2 || n % 2 === 1) throw wrongArity("xadd");
    if (opts.id !== null && opts.seqGiven && isZeroId(opts.id)) {
      throw new CommandError("ERR The ID specified in XADD must be greater than 0-0");
    }
    return { key: argv[1], opts, argv, fieldPos };
  },
  execute({ key, opts, argv, fieldPos }, s) {
    let stream = getStream(s.db, key);
    if (stream === undefined) {
      if (opts.noMkStream) return s.reply.null();
      stream = new Stream();
      s.db.set(key, stream);
    }
    const last = stream.lastId;
    if (last.ms === U64_MAX && last.seq === U64_MAX) {
      throw new CommandError(
        "ERR The stream has exhausted the last possible ID, unable to add more items",
      );
    }
    let id: StreamId | null;
    if (opts.id === null) id = stream.autoId(xaddNow(s));
    else if (opts.seqGiven) id = opts.id;
    else if (opts.id.ms === last.ms) {
      // Redis 7.0 reports a sequence that cannot grow with this (misleading) text.
      if (last.seq === U64_MAX) throw new CommandError("ERR Elements are too large to be stored");
      id = nextId(last);
    } else id = opts.id;
    if (id === null || compareIds(id, last) <= 0) {
      throw new CommandError(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item",
      );
    }
    stream.append(id, argv, fieldPos);
    writeId(s.reply, id);
    streamChanged(s, key, "xadd");
    if (opts.trim !== null && stream.trim(opts.trim) > 0) streamChanged(s, key, "xtrim");
  },
});

/** XLEN key */
const xlen = command({
  name: "xlen",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "stream", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute: (key, s) => s.reply.integer(getStream(s.db, key)?.length ?? 0),
});

/** XRANGE key start end [COUNT n] / XREVRANGE key end start [COUNT n] */
const range = (name: string, rev: boolean) =>
  command({
    name,
    arity: -4,
    flags: ["readonly"],
    categories: ["read", "stream", "slow"],
    keys: [1, 1, 1],
    parse(a: Args) {
      const key = a.next();
      const first = a.next(), second = a.next();
      const start = boundArg(rev ? second : first, false);
      const end = boundArg(rev ? first : second, true);
      let count = -1;
      while (a.hasMore()) {
        if (a.peekOption() === "COUNT" && a.remaining >= 2) {
          a.next();
          count = Math.max(0, longLong(a.next()));
        } else throw new CommandError(SYNTAX_ERROR);
      }
      return { key, start, end, count };
    },
    execute({ key, start, end, count }, s) {
      const stream = getStream(s.db, key);
      if (stream === undefined) return s.reply.array(0);
      if (count === 0) return s.reply.nullArray();
      writeEntries(s.reply, collectRange(stream, start, end, rev, count === -1 ? 0 : count));
    },
  });

const xrange = range("xrange", false);
const xrevrange = range("xrevrange", true);

/** XDEL key id [id ...]: the key is looked up before the ids are parsed, as in Redis. */
const xdel = command({
  name: "xdel",
  arity: -3,
  flags: ["write", "fast"],
  categories: ["write", "stream", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "delete"],
  parse: (a) => ({ key: a.next(), ids: a.rest() }),
  execute({ key, ids }, s) {
    const stream = getStream(s.db, key);
    if (stream === undefined) return s.reply.integer(0);
    const parsed = ids.map(strictIdArg);
    const deleted = stream.delete(parsed);
    if (deleted) streamChanged(s, key, "xdel");
    s.reply.integer(deleted);
  },
});

/** XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count] */
const xtrim = command({
  name: "xtrim",
  arity: -4,
  flags: ["write"],
  categories: ["write", "stream", "slow"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "delete"],
  tips: ["nondeterministic_output"],
  parse: (a) => ({ key: a.argv[1], trim: parseAddOrTrim(a.argv, false).trim! }),
  execute({ key, trim }, s) {
    const stream = getStream(s.db, key);
    if (stream === undefined) return s.reply.integer(0);
    const deleted = stream.trim(trim);
    if (deleted) streamChanged(s, key, "xtrim");
    s.reply.integer(deleted);
  },
});

/** XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id] */
const xsetid = command({
  name: "xsetid",
  arity: -3,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "stream", "fast"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "update"],
  parse(a: Args) {
    const key = a.next();
    const id = strictIdArg(a.next());
    let entriesAdded: U64 = -1;
    let maxDeleted: StreamId = MIN_ID;
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (opt === "ENTRIESADDED" && a.hasMore()) {
        entriesAdded = longLongExact(a.next());
        if (entriesAdded < 0) throw new CommandError("ERR entries_added must be positive");
      } else if (opt === "MAXDELETEDID" && a.hasMore()) {
        maxDeleted = strictIdArg(a.next());
        if (compareIds(id, maxDeleted) < 0) {
          throw new CommandError(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
          );
        }
      } else throw new CommandError(SYNTAX_ERROR);
    }
    return { key, id, entriesAdded, maxDeleted };
  },
  execute({ key, id, entriesAdded, maxDeleted }, s) {
    const stream = getStream(s.db, key);
    if (stream === undefined) throw new CommandError(NO_SUCH_KEY);
    if (stream.length > 0) {
      if (compareIds(id, stream.lastValidId()) < 0) {
        throw new CommandError(
          "ERR The ID specified in XSETID is smaller than the target stream top item",
        );
      }
      if (entriesAdded !== -1 && stream.length > entriesAdded) {
        throw new CommandError(
          "ERR The entries_added specified in XSETID is smaller than the target stream length",
        );
      }
    }
    stream.lastId = id;
    if (entriesAdded !== -1) stream.entriesAdded = entriesAdded;
    if (!isZeroId(maxDeleted)) stream.maxDeletedId = maxDeleted;
    s.reply.ok();
    streamNotified(s, key, "xsetid");
  },
});

export const streamCommands = [xadd, xlen, xrange, xrevrange, xdel, xtrim, xsetid];
