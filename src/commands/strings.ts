/**
 * String commands. Values are byte strings (protocol/latin1.ts); counters are stored as
 * their decimal text, as Redis shows them. Argument order and error precedence follow
 * Redis 7.0's t_string.c: integers are checked before the key is looked up, the key's
 * type before the values computed from it.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import {
  CommandError,
  NOT_INTEGER,
  OVERFLOW,
  SYNTAX_ERROR,
  wrongArity,
  WRONGTYPE,
} from "./errors.ts";
import type { Database, ExpiryTime } from "../store/database.ts";
import { incrByFloat } from "../store/long_double.ts";
import type { Session } from "../session.ts";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;
/**
 * V8's longest string (2^29 - 24 chars): just under Redis's default 512 MB
 * proto-max-bulk-len, so a value that long is refused with the same error.
 */
const MAX_STRING_LENGTH = 0x1fffffe8;
const TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/** The string at `key`, undefined when missing; WRONGTYPE for other types. */
export function getString(db: Database, key: string): string | undefined {
  const v = db.get(key);
  if (v === undefined || typeof v === "string") return v;
  throw new CommandError(WRONGTYPE);
}

/** Redis's checkStringLength: a string of `total` bytes must fit proto-max-bulk-len. */
function checkLength(s: Session, total: number): void {
  if (total > s.server.config.protoMaxBulkLen || total > MAX_STRING_LENGTH) {
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
  execute(key, s) {
    s.reply.bulkOrNull(getString(s.db, key));
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
  execute(cmd, s) {
    const db = s.db;
    const at = cmd.expiry.kind === "at" ? expiryMillis(cmd.expiry, "set", db.clock.now()) : 0;
    let old: string | undefined;
    if (cmd.get) old = getString(db, cmd.key);
    if (cmd.nx || cmd.xx) {
      const exists = cmd.get ? old !== undefined : db.has(cmd.key);
      if (exists === cmd.nx) {
        if (cmd.get) s.reply.bulkOrNull(old);
        else s.reply.null();
        return;
      }
    }
    db.set(cmd.key, cmd.value, cmd.expiry.kind === "keep");
    if (at !== 0) db.setExpiry(cmd.key, at);
    if (cmd.get) s.reply.bulkOrNull(old);
    else s.reply.ok();
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
  execute([key, value], s) {
    if (s.db.has(key)) return s.reply.integer(0);
    s.db.set(key, value);
    s.reply.integer(1);
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
    execute({ key, ttl, value }, s) {
      const at = expiryMillis(
        { kind: "at", unit, value: ttl, relative: true, flag: "" },
        name,
        s.db.clock.now(),
      );
      s.db.set(key, value);
      s.db.setExpiry(key, at);
      s.reply.ok();
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
  execute([key, value], s) {
    const old = getString(s.db, key);
    s.db.set(key, value);
    s.reply.bulkOrNull(old);
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
  execute(key, s) {
    const old = getString(s.db, key);
    if (old !== undefined) s.db.delete(key);
    s.reply.bulkOrNull(old);
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
  execute({ key, expiry }, s) {
    const db = s.db;
    const value = getString(db, key);
    if (value === undefined) return s.reply.null();
    const now = db.clock.now();
    const at = expiry.kind === "at" ? expiryMillis(expiry, "getex", now) : 0;
    s.reply.bulk(value);
    if (expiry.kind === "at") {
      if (!expiry.relative && at <= now) db.delete(key);
      else db.setExpiry(key, at);
    } else if (expiry.kind === "persist") db.persist(key);
  },
});

/** Adds `delta` to the integer at `key` (INCR family); replies with the new value. */
export function incrementBy(s: Session, key: string, delta: number | bigint): void {
  const db = s.db;
  const current = getString(db, key);
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
  db.set(key, String(next), true);
  s.reply.integer(next);
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
    execute: (key, s) => incrementBy(s, key, delta),
  });

/** INCRBY key increment / DECRBY key decrement */
const stepBy = (name: string, parse: (a: Args) => [string, number | bigint]) =>
  command({
    name,
    arity: 3,
    ...counterSpec,
    parse,
    execute: ([key, delta], s) => incrementBy(s, key, delta),
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
  execute([key, increment], s) {
    const next = incrByFloat(getString(s.db, key) ?? "0", increment);
    s.db.set(key, next, true);
    s.reply.bulk(next);
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
  execute(keys, s) {
    const db = s.db;
    s.reply.array(keys.length);
    for (const key of keys) {
      const v = db.get(key);
      s.reply.bulkOrNull(typeof v === "string" ? v : null);
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
  execute(pairs, s) {
    const db = s.db;
    for (let i = 0; i < pairs.length; i += 2) db.set(pairs[i], pairs[i + 1]);
    s.reply.ok();
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
  execute(pairs, s) {
    const db = s.db;
    for (let i = 0; i < pairs.length; i += 2) if (db.has(pairs[i])) return s.reply.integer(0);
    for (let i = 0; i < pairs.length; i += 2) db.set(pairs[i], pairs[i + 1]);
    s.reply.integer(1);
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
  execute([key, value], s) {
    const old = getString(s.db, key);
    if (old === undefined) {
      s.db.set(key, value);
      return s.reply.integer(value.length);
    }
    checkLength(s, old.length + value.length);
    const next = old + value;
    s.db.set(key, next, true);
    s.reply.integer(next.length);
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
  execute: (key, s) => s.reply.integer(getString(s.db, key)?.length ?? 0),
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
  execute({ key, start, end }, s) {
    const str = getString(s.db, key) ?? "";
    const len = str.length;
    if (start < 0 && end < 0 && start > end) return s.reply.bulk("");
    if (start < 0) start = Math.max(0, len + start);
    if (end < 0) end = Math.max(0, len + end);
    if (end >= len) end = len - 1;
    s.reply.bulk(start > end || len === 0 ? "" : str.slice(start, end + 1));
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
  execute({ key, offset, value }, s) {
    const old = getString(s.db, key);
    if (value.length === 0) return s.reply.integer(old?.length ?? 0);
    checkLength(s, offset + value.length);
    const base = old ?? "";
    const head = base.length >= offset
      ? base.slice(0, offset)
      : base + "\0".repeat(offset - base.length);
    const next = head + value + base.slice(offset + value.length);
    s.db.set(key, next, true);
    s.reply.integer(next.length);
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
  setrange,
];
