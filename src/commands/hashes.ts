/**
 * Hash commands: HSET HSETNX HMSET HGET HMGET HGETALL HKEYS HVALS HDEL HLEN HSTRLEN
 * HEXISTS HINCRBY HINCRBYFLOAT HRANDFIELD HSCAN, on store/hash_value.ts. Each write
 * signals Redis's event name; a hash that loses its last field is deleted.
 */

import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import {
  CommandError,
  NOT_FLOAT,
  NOT_INTEGER,
  OVERFLOW,
  SYNTAX_ERROR,
  wrongArity,
} from "./errors.ts";
import { parseElementScan, parseScanOptions, replyEmptyScan, replyScan } from "./element_scan.ts";
import { HashType, type HashValue } from "../store/types/hash.ts";
import { incrByFloat, parseLongDouble } from "../store/long_double.ts";
import type { CommandContext } from "./context.ts";

const getHash = (s: CommandContext, key: string) => s.db.lookup(key, HashType);

const hashWrite = (name: string, reply: "count" | "ok") =>
  command({
    name,
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    categories: ["write", "hash", "fast"],
    keys: [1, 1, 1],
    parse(a) {
      if (a.remaining % 2 === 0) throw wrongArity(name);
      return { key: a.next(), pairs: a.rest() };
    },
    execute({ key, pairs }, s) {
      const h = s.db.lookupOrCreate(key, HashType);
      const limits = s.server.config;
      const added = h.setMany(pairs, limits);
      s.db.modifiedContainer(key, h, "hset");
      if (reply === "ok") s.reply.ok();
      else s.reply.integer(added);
    },
  });

/** HSET key field value [field value ...] */
const hset = hashWrite("hset", "count");
/** HMSET key field value [field value ...] */
const hmset = hashWrite("hmset", "ok");

/** HSETNX key field value */
const hsetnx = command({
  name: "hsetnx",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "hash", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), field: a.next(), value: a.next() }),
  execute({ key, field, value }, s) {
    const h = s.db.lookupOrCreate(key, HashType);
    if (h.has(field)) return s.reply.integer(0);
    h.set(field, value, s.server.config);
    s.db.modifiedContainer(key, h, "hset");
    s.reply.integer(1);
  },
});

/** HGET key field */
const hget = command({
  name: "hget",
  arity: 3,
  flags: ["readonly", "fast"],
  categories: ["read", "hash", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), field: a.next() }),
  execute: ({ key, field }, s) => s.reply.bulkOrNull(getHash(s, key)?.get(field)),
});

/** HMGET key field [field ...] */
const hmget = command({
  name: "hmget",
  arity: -3,
  flags: ["readonly", "fast"],
  categories: ["read", "hash", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), fields: a.rest() }),
  execute({ key, fields }, s) {
    const h = getHash(s, key);
    s.reply.array(fields.length);
    for (const f of fields) s.reply.bulkOrNull(h?.get(f));
  },
});

/** HDEL key field [field ...] */
const hdel = command({
  name: "hdel",
  arity: -3,
  flags: ["write", "fast"],
  categories: ["write", "hash", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), fields: a.rest() }),
  execute({ key, fields }, s) {
    const h = getHash(s, key);
    let deleted = 0;
    if (h !== undefined) {
      for (const f of fields) {
        if (h.delete(f)) deleted++;
        if (h.size === 0) break;
      }
      if (deleted > 0) s.db.modifiedContainer(key, h, "hdel");
    }
    s.reply.integer(deleted);
  },
});

const keyOnly = (name: string, run: (h: HashValue | undefined, s: CommandContext) => void) =>
  command({
    name,
    arity: 2,
    flags: name === "hlen" ? ["readonly", "fast"] : ["readonly"],
    categories: name === "hlen" ? ["read", "hash", "fast"] : ["read", "hash", "slow"],
    keys: [1, 1, 1],
    parse: (a) => a.next(),
    execute: (key, s) => run(getHash(s, key), s),
  });

/** HLEN key */
const hlen = keyOnly("hlen", (h, s) => s.reply.integer(h?.size ?? 0));

/** HGETALL key: a map in RESP3, a flat array in RESP2. */
const hgetall = keyOnly("hgetall", (h, s) => {
  s.reply.map(h?.size ?? 0);
  h?.forEach((f, v) => {
    s.reply.bulk(f);
    s.reply.bulk(v);
  });
});

/** HKEYS key */
const hkeys = keyOnly("hkeys", (h, s) => {
  s.reply.array(h?.size ?? 0);
  h?.forEach((f) => s.reply.bulk(f));
});

/** HVALS key */
const hvals = keyOnly("hvals", (h, s) => {
  s.reply.array(h?.size ?? 0);
  h?.forEach((_, v) => s.reply.bulk(v));
});

const fieldQuery = (
  name: string,
  run: (h: HashValue | undefined, f: string, s: CommandContext) => void,
) =>
  command({
    name,
    arity: 3,
    flags: ["readonly", "fast"],
    categories: ["read", "hash", "fast"],
    keys: [1, 1, 1],
    parse: (a) => ({ key: a.next(), field: a.next() }),
    execute: ({ key, field }, s) => run(getHash(s, key), field, s),
  });

/** HSTRLEN key field */
const hstrlen = fieldQuery("hstrlen", (h, f, s) => s.reply.integer(h?.get(f)?.length ?? 0));
/** HEXISTS key field */
const hexists = fieldQuery("hexists", (h, f, s) => s.reply.integer(h?.has(f) ? 1 : 0));

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/** HINCRBY key field increment */
const hincrby = command({
  name: "hincrby",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "hash", "fast"],
  keys: [1, 1, 1],
  parse(a) {
    const key = a.next(), field = a.next();
    return { key, field, incr: BigInt(a.int64()) };
  },
  execute({ key, field, incr }, s) {
    const h = s.db.lookupOrCreate(key, HashType);
    const current = h.get(field);
    let value = 0n;
    if (current !== undefined) {
      const parsed = parseInteger(current);
      if (parsed === null) throw new CommandError("ERR hash value is not an integer");
      value = BigInt(parsed);
    }
    const sum = value + incr;
    if (sum > MAX_INT64 || sum < MIN_INT64) throw new CommandError(OVERFLOW);
    h.set(field, String(sum), s.server.config);
    s.db.modifiedContainer(key, h, "hincrby");
    s.reply.integer(sum);
  },
});

/** HINCRBYFLOAT key field increment: Redis's long double arithmetic (store/long_double.ts). */
const hincrbyfloat = command({
  name: "hincrbyfloat",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "hash", "fast"],
  keys: [1, 1, 1],
  parse(a) {
    const key = a.next(), field = a.next(), incr = a.next();
    const parsed = parseLongDouble(incr);
    if (parsed === null) throw new CommandError(NOT_FLOAT);
    if (parsed.inf) throw new CommandError("ERR value is NaN or Infinity");
    return { key, field, incr };
  },
  execute({ key, field, incr }, s) {
    const h = s.db.lookupOrCreate(key, HashType);
    const current = h.get(field) ?? "0";
    if (parseLongDouble(current) === null) throw new CommandError("ERR hash value is not a float");
    const next = incrByFloat(current, incr);
    h.set(field, next, s.server.config);
    s.db.modifiedContainer(key, h, "hincrbyfloat");
    s.reply.bulk(next);
  },
});

/**
 * The count of HRANDFIELD and ZRANDMEMBER (-LONG_MAX..LONG_MAX); with WITHVALUES or
 * WITHSCORES at most LONG_MAX/2 either way, as Redis bounds the reply's length.
 */
export function randomCount(text: string, paired: boolean): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(NOT_INTEGER);
  if (typeof v === "bigint" && v < -9223372036854775807n) {
    throw new CommandError(
      "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
    );
  }
  if (paired && (BigInt(v) > 4611686018427387903n || BigInt(v) < -4611686018427387903n)) {
    throw new CommandError("ERR value is out of range");
  }
  return Number(v);
}

/** HRANDFIELD key [count [WITHVALUES]] */
const hrandfield = command({
  name: "hrandfield",
  arity: -2,
  flags: ["readonly"],
  categories: ["read", "hash", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse(a) {
    const key = a.next();
    if (!a.hasMore()) return { key, count: null, withValues: false };
    const countText = a.next();
    let withValues = false;
    if (a.hasMore()) {
      if (a.remaining > 1 || a.next().toUpperCase() !== "WITHVALUES") {
        randomCount(countText, false);
        throw new CommandError(SYNTAX_ERROR);
      }
      withValues = true;
    }
    return { key, count: randomCount(countText, withValues), withValues };
  },
  execute({ key, count, withValues }, s) {
    const h = getHash(s, key);
    const reply = s.reply;
    if (count === null) {
      if (h === undefined) return reply.null();
      return reply.bulk(h.fieldAt(Math.floor(Math.random() * h.size)));
    }
    if (h === undefined || count === 0) return reply.array(0);
    const { field, value } = h.positions();
    const pair = (i: number) => {
      if (withValues && reply.protocol === 3) reply.array(2);
      reply.bulk(field(i));
      if (withValues) reply.bulk(value(i));
    };
    const n = count < 0 ? -count : Math.min(count, h.size);
    reply.array(withValues && reply.protocol === 2 ? n * 2 : n);
    if (count < 0) {
      for (let i = 0; i < n; i++) pair(Math.floor(Math.random() * h.size));
    } else {
      for (const i of distinctPositions(h.size, n)) pair(i);
    }
  },
});

/**
 * `n` distinct positions out of `size`, in random order (all of them when n ≥ size): a
 * partial Fisher-Yates shuffle over a sparse map, O(n) whatever the size.
 */
export function distinctPositions(size: number, n: number): number[] {
  if (n >= size) return Array.from({ length: size }, (_, i) => i);
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    out.push(swapped.get(j) ?? j);
    swapped.set(j, swapped.get(i) ?? i);
  }
  return out;
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] */
const hscan = command({
  name: "hscan",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "hash", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse: parseElementScan,
  execute({ key, cursor, rest }, s) {
    const h = getHash(s, key);
    if (h === undefined) return replyEmptyScan(s.reply);
    const { count, pattern } = parseScanOptions(rest);
    const items: string[] = [];
    const next = h.scan(cursor, count, (f, v) => items.push(f, v));
    replyScan(s.reply, next, items, 2, pattern);
  },
});

export const hashCommands = [
  hset,
  hmset,
  hsetnx,
  hget,
  hmget,
  hdel,
  hlen,
  hgetall,
  hkeys,
  hvals,
  hstrlen,
  hexists,
  hincrby,
  hincrbyfloat,
  hrandfield,
  hscan,
];
