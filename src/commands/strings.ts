/**
 * String commands. Values are byte strings (protocol/latin1.ts); counters are stored as
 * their decimal text, as Redis shows them. Argument order and error precedence follow
 * Redis 7.0's t_string.c: integers are checked before the key is looked up, the key's
 * type before the values computed from it.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, OVERFLOW, SYNTAX_ERROR, wrongArity } from "./errors.ts";
import type { ExpiryTime } from "../store/database.ts";
import { StringType } from "../store/types/string.ts";
import { incrByFloat } from "../store/long_double.ts";
import type { CommandContext } from "./context.ts";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;
/**
 * V8's longest string (2^29 - 24 chars): just under Redis's default 512 MB
 * proto-max-bulk-len, so a value that long is refused with the same error.
 */
const MAX_STRING_LENGTH = 0x1fffffe8;
const TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/** Redis's checkStringLength: a string of `total` bytes must fit proto-max-bulk-len. */
function checkLength(ctx: CommandContext, total: number): void {
  if (total > ctx.server.config.protoMaxBulkLen || total > MAX_STRING_LENGTH) {
    throw new CommandError(TOO_LONG);
  }
}

/** GET key */
const get = command({
  name: "get",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute(key, ctx) {
    ctx.reply.bulkOrNull(ctx.db.lookup(key, StringType));
  },
});

/** How SET and friends treat the key's expiry. */
export type ExpiryOption =
  | { kind: "none" }
  | { kind: "keep" }
  | { kind: "persist" }
  | { kind: "at"; unit: "s" | "ms"; value: string; relative: boolean; flag: string };

const NO_EXPIRY: ExpiryOption = { kind: "none" };
const KEEP_TTL: ExpiryOption = { kind: "keep" };
const PERSIST: ExpiryOption = { kind: "persist" };

/**
 * Absolute expiry in ms for EX/PX/EXAT/PXAT `value`: Redis's integer error when it is not
 * one, its "invalid expire time" error for zero, negative or overflowing values. Checked
 * after all options are parsed, so a syntax error elsewhere wins, as in Redis.
 */
export function expiryMillis(
  opt: Extract<ExpiryOption, { kind: "at" }>,
  commandName: string,
  now: number,
): ExpiryTime {
  const parsed = parseInteger(opt.value);
  if (parsed === null) throw new CommandError(NOT_INTEGER);
  if (typeof parsed === "number" && parsed > 0 && parsed < 1e12) {
    // The common case, exact in doubles: no bigint arithmetic.
    const ms = opt.unit === "s" ? parsed * 1000 : parsed;
    return opt.relative ? ms + now : ms;
  }
  const invalid = new CommandError(`ERR invalid expire time in '${commandName}' command`);
  const v = BigInt(parsed);
  if (v <= 0n || (opt.unit === "s" && v > MAX_INT64 / 1000n)) throw invalid;
  let ms = opt.unit === "s" ? v * 1000n : v;
  if (opt.relative) ms += BigInt(now);
  if (ms > MAX_INT64) throw invalid;
  return Number.isSafeInteger(Number(ms)) ? Number(ms) : ms;
}

/**
 * Parses SET's or GETEX's options (Redis's parseExtendedStringArgumentsOrReply): NX, XX,
 * GET and KEEPTTL only for SET, PERSIST only for GETEX; one kind of expiry at most (the
 * same flag may repeat, the last value wins).
 */
function parseExpiryOptions(a: Args, forSet: boolean, flags: SetFlags): ExpiryOption {
  let expiry = NO_EXPIRY;
  while (a.hasMore()) {
    const opt = a.nextOption();
    const k = expiry.kind;
    const timed = k === "at" ? (expiry as { flag: string }).flag : "";
    if (forSet && opt === "NX" && !flags.xx) flags.nx = true;
    else if (forSet && opt === "XX" && !flags.nx) flags.xx = true;
    else if (forSet && opt === "GET") flags.get = true;
    else if (forSet && opt === "KEEPTTL" && k !== "at" && k !== "persist") expiry = KEEP_TTL;
    else if (!forSet && opt === "PERSIST" && k !== "at" && k !== "keep") expiry = PERSIST;
    else if (
      (opt === "EX" || opt === "PX" || opt === "EXAT" || opt === "PXAT") &&
      k !== "keep" && k !== "persist" && (timed === "" || timed === opt) && a.hasMore()
    ) {
      expiry = {
        kind: "at",
        unit: opt === "EX" || opt === "EXAT" ? "s" : "ms",
        relative: opt === "EX" || opt === "PX",
        value: a.next(),
        flag: opt,
      };
    } else throw new CommandError(SYNTAX_ERROR);
  }
  return expiry;
}

interface SetFlags {
  nx: boolean;
  xx: boolean;
  get: boolean;
}

interface SetCmd extends SetFlags {
  key: string;
  value: string;
  expiry: ExpiryOption;
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL] */
const set = command<SetCmd>({
  name: "set",
  arity: -3,
  flags: ["write", "denyoom"],
  categories: ["write", "string", "slow"],
  keys: [1, 1, 1],
  parse(a) {
    const cmd: SetCmd = {
      key: a.next(),
      value: a.next(),
      nx: false,
      xx: false,
      get: false,
      expiry: NO_EXPIRY,
    };
    if (a.hasMore()) cmd.expiry = parseExpiryOptions(a, true, cmd);
    return cmd;
  },
  execute(cmd, ctx) {
    const db = ctx.db;
    const at = cmd.expiry.kind === "at" ? expiryMillis(cmd.expiry, "set", db.clock.now()) : 0;
    let old: string | undefined;
    if (cmd.get) old = db.lookup(cmd.key, StringType);
    if (cmd.nx || cmd.xx) {
      const exists = cmd.get ? old !== undefined : db.has(cmd.key);
      if (exists === cmd.nx) {
        if (cmd.get) ctx.reply.bulkOrNull(old);
        else ctx.reply.null();
        return;
      }
    }
    db.set(cmd.key, cmd.value, cmd.expiry.kind === "keep", cmd.get || cmd.xx);
    db.modified(cmd.key, "set");
    if (at !== 0) {
      db.setExpiry(cmd.key, at);
      db.modified(cmd.key, "expire");
    }
    if (cmd.get) ctx.reply.bulkOrNull(old);
    else ctx.reply.ok();
  },
});

/** SETNX key value */
const setnx = command({
  name: "setnx",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), a.next()] as const,
  execute([key, value], ctx) {
    if (ctx.db.has(key)) return ctx.reply.integer(0);
    ctx.db.set(key, value);
    ctx.db.modified(key, "set");
    ctx.reply.integer(1);
  },
});

/** SETEX key seconds value / PSETEX key milliseconds value */
const timedSet = (name: string, unit: "s" | "ms") =>
  command({
    name,
    arity: 4,
    flags: ["write", "denyoom"],
    categories: ["write", "string", "slow"],
    keys: [1, 1, 1],
    parse: (a) => ({ key: a.next(), ttl: a.next(), value: a.next() }),
    execute({ key, ttl, value }, ctx) {
      const at = expiryMillis(
        { kind: "at", unit, value: ttl, relative: true, flag: "" },
        name,
        ctx.db.clock.now(),
      );
      ctx.db.set(key, value);
      ctx.db.setExpiry(key, at);
      ctx.db.modified(key, "set");
      ctx.db.modified(key, "expire");
      ctx.reply.ok();
    },
  });
const setex = timedSet("setex", "s");
const psetex = timedSet("psetex", "ms");

/** GETSET key value */
const getset = command({
  name: "getset",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), a.next()] as const,
  execute([key, value], ctx) {
    const old = ctx.db.lookup(key, StringType);
    ctx.db.set(key, value);
    ctx.db.modified(key, "set");
    ctx.reply.bulkOrNull(old);
  },
});

/** GETDEL key */
const getdel = command({
  name: "getdel",
  arity: 2,
  flags: ["write", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute(key, ctx) {
    const old = ctx.db.lookup(key, StringType);
    if (old !== undefined) {
      ctx.db.delete(key);
      ctx.db.modified(key, "del");
    }
    ctx.reply.bulkOrNull(old);
  },
});

/** GETEX key [EX seconds|PX milliseconds|EXAT unix-time-seconds|PXAT unix-time-ms|PERSIST] */
const getex = command({
  name: "getex",
  arity: -2,
  flags: ["write", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
  parse(a) {
    const key = a.next();
    return { key, expiry: parseExpiryOptions(a, false, { nx: false, xx: false, get: false }) };
  },
  execute({ key, expiry }, ctx) {
    const db = ctx.db;
    const value = db.lookup(key, StringType);
    if (value === undefined) return ctx.reply.null();
    const now = db.clock.now();
    const at = expiry.kind === "at" ? expiryMillis(expiry, "getex", now) : 0;
    ctx.reply.bulk(value);
    if (expiry.kind === "at") {
      if (!expiry.relative && at <= now) {
        db.delete(key);
        db.modified(key, "del");
      } else {
        db.setExpiry(key, at);
        db.modified(key, "expire");
      }
    } else if (expiry.kind === "persist" && db.persist(key)) db.modified(key, "persist");
  },
});

/** Adds `delta` to the integer at `key` (INCR family); replies with the new value. */
export function incrementBy(ctx: CommandContext, key: string, delta: number | bigint): void {
  const db = ctx.db;
  const current = db.lookup(key, StringType);
  let value: number | bigint = 0;
  if (current !== undefined) {
    const parsed = parseInteger(current);
    if (parsed === null) throw new CommandError(NOT_INTEGER);
    value = parsed;
  }
  let next: number | bigint;
  if (typeof value === "number" && typeof delta === "number") {
    next = value + delta;
    if (!Number.isSafeInteger(next)) next = BigInt(value) + BigInt(delta);
  } else {
    next = BigInt(value) + BigInt(delta);
  }
  if (typeof next === "bigint") {
    if (next > MAX_INT64 || next < MIN_INT64) throw new CommandError(OVERFLOW);
    if (Number.isSafeInteger(Number(next))) next = Number(next);
  }
  db.set(key, String(next), true, true);
  db.modified(key, "incrby");
  ctx.reply.integer(next);
}

const counterSpec = {
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
} as const;

/** INCR key / DECR key: the key is the whole parse (no per-call tuple on this hot path). */
const step = (name: string, delta: number) =>
  command({
    name,
    arity: 2,
    ...counterSpec,
    parse: (a) => a.next(),
    execute: (key, ctx) => incrementBy(ctx, key, delta),
  });

/** INCRBY key increment / DECRBY key decrement */
const stepBy = (name: string, parse: (a: Args) => [string, number | bigint]) =>
  command({
    name,
    arity: 3,
    ...counterSpec,
    parse,
    execute: ([key, delta], ctx) => incrementBy(ctx, key, delta),
  });

const incr = step("incr", 1);
const decr = step("decr", -1);
const incrby = stepBy("incrby", (a) => [a.next(), a.int64()]);
const decrby = stepBy("decrby", (a) => {
  const key = a.next();
  const n = a.int64();
  if (n === MIN_INT64) throw new CommandError("ERR decrement would overflow");
  return [key, -n];
});

/** INCRBYFLOAT key increment */
const incrbyfloat = command({
  name: "incrbyfloat",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), a.next()] as const,
  execute([key, increment], ctx) {
    const next = incrByFloat(ctx.db.lookup(key, StringType) ?? "0", increment);
    ctx.db.set(key, next, true, true);
    ctx.db.modified(key, "incrbyfloat");
    ctx.reply.bulk(next);
  },
});

/** MGET key [key ...] */
const mget = command({
  name: "mget",
  arity: -2,
  flags: ["readonly", "fast"],
  categories: ["read", "string", "fast"],
  keys: [1, -1, 1],
  tips: ["request_policy:multi_shard"],
  parse: (a) => a.rest(),
  execute(keys, ctx) {
    const db = ctx.db;
    ctx.reply.array(keys.length);
    for (const key of keys) {
      const v = db.get(key);
      ctx.reply.bulkOrNull(typeof v === "string" ? v : null);
    }
  },
});

/** Key/value pairs of MSET and MSETNX; an odd count is an arity error. */
function parsePairs(a: Args, name: string): string[] {
  if (a.remaining % 2 !== 0) throw wrongArity(name);
  return a.rest();
}

/** MSET key value [key value ...] */
const mset = command({
  name: "mset",
  arity: -3,
  flags: ["write", "denyoom"],
  categories: ["write", "string", "slow"],
  keys: [1, -1, 2],
  tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
  parse: (a) => parsePairs(a, "mset"),
  execute(pairs, ctx) {
    const db = ctx.db;
    for (let i = 0; i < pairs.length; i += 2) {
      db.set(pairs[i], pairs[i + 1]);
      db.modified(pairs[i], "set");
    }
    ctx.reply.ok();
  },
});

/** MSETNX key value [key value ...] */
const msetnx = command({
  name: "msetnx",
  arity: -3,
  flags: ["write", "denyoom"],
  categories: ["write", "string", "slow"],
  keys: [1, -1, 2],
  tips: ["request_policy:multi_shard", "response_policy:agg_min"],
  parse: (a) => parsePairs(a, "msetnx"),
  execute(pairs, ctx) {
    const db = ctx.db;
    for (let i = 0; i < pairs.length; i += 2) if (db.has(pairs[i])) return ctx.reply.integer(0);
    for (let i = 0; i < pairs.length; i += 2) {
      db.set(pairs[i], pairs[i + 1]);
      db.modified(pairs[i], "set");
    }
    ctx.reply.integer(1);
  },
});

/** APPEND key value */
const append = command({
  name: "append",
  arity: 3,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), a.next()] as const,
  execute([key, value], ctx) {
    const old = ctx.db.lookup(key, StringType);
    if (old === undefined) {
      ctx.db.set(key, value);
      ctx.db.modified(key, "append");
      return ctx.reply.integer(value.length);
    }
    checkLength(ctx, old.length + value.length);
    const next = old + value;
    ctx.db.set(key, next, true, true);
    ctx.db.modified(key, "append");
    ctx.reply.integer(next.length);
  },
});

/** STRLEN key */
const strlen = command({
  name: "strlen",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute: (key, ctx) => ctx.reply.integer(ctx.db.lookup(key, StringType)?.length ?? 0),
});

/** An int64 argument as a double: exact enough for offsets compared with lengths. */
const offsetArg = (a: Args) => Number(a.int64());

/** GETRANGE key start end */
const getrange = command({
  name: "getrange",
  arity: 4,
  flags: ["readonly"],
  categories: ["read", "string", "slow"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), start: offsetArg(a), end: offsetArg(a) }),
  execute({ key, start, end }, ctx) {
    const str = ctx.db.lookup(key, StringType) ?? "";
    const len = str.length;
    if (start < 0 && end < 0 && start > end) return ctx.reply.bulk("");
    if (start < 0) start = Math.max(0, len + start);
    if (end < 0) end = Math.max(0, len + end);
    if (end >= len) end = len - 1;
    ctx.reply.bulk(start > end || len === 0 ? "" : str.slice(start, end + 1));
  },
});

/** SETRANGE key offset value */
const setrange = command({
  name: "setrange",
  arity: 4,
  flags: ["write", "denyoom"],
  categories: ["write", "string", "slow"],
  keys: [1, 1, 1],
  parse(a) {
    const key = a.next();
    const offset = offsetArg(a);
    if (offset < 0) throw new CommandError("ERR offset is out of range");
    return { key, offset, value: a.next() };
  },
  execute({ key, offset, value }, ctx) {
    const old = ctx.db.lookup(key, StringType);
    if (value.length === 0) return ctx.reply.integer(old?.length ?? 0);
    checkLength(ctx, offset + value.length);
    const base = old ?? "";
    const head = base.length >= offset
      ? base.slice(0, offset)
      : base + "\0".repeat(offset - base.length);
    const next = head + value + base.slice(offset + value.length);
    ctx.db.set(key, next, true, true);
    ctx.db.modified(key, "setrange");
    ctx.reply.integer(next.length);
  },
});

export const stringCommands = [
  get,
  set,
  setnx,
  setex,
  psetex,
  getset,
  getdel,
  getex,
  incr,
  decr,
  incrby,
  decrby,
  incrbyfloat,
  mget,
  mset,
  msetnx,
  append,
  strlen,
  getrange,
  // SUBSTR key start end: GETRANGE's old name, still in Redis 7.0.
  { ...getrange, name: "substr" },
  setrange,
];
