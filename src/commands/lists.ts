/**
 * List commands on a deque (store/deque.ts): LPUSH RPUSH LPOP RPOP LLEN LRANGE LINDEX,
 * and the blocking BLPOP BRPOP (commands/blocking.ts does the waiting).
 * Lists are read through the typed lookup (WRONGTYPE), and every write signals the
 * keyspace-change hook; a list a pop empties is deleted there (Database.modifiedContainer),
 * as in Redis, so no key ever holds an empty list.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, wrongArity } from "./errors.ts";
import { ListType } from "../store/types/list.ts";
import type { Database } from "../store/database.ts";
import type { CommandContext } from "./context.ts";
import { keysThenTimeout, popOrBlock } from "./pop_or_block.ts";

/** Redis's `long` argument: any 64-bit integer, as a double (indexes are clamped anyway). */
function longArg(text: string, message = NOT_INTEGER): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(message);
  return Number(v);
}

const push = (name: string, front: boolean) =>
  command({
    name,
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    categories: ["write", "list", "fast"],
    keys: [1, 1, 1],
    parse: (a) => ({ key: a.next(), values: a.rest() }),
    execute({ key, values }, ctx) {
      const list = ctx.db.lookupOrCreate(key, ListType);
      if (front) { for (const v of values) list.pushFront(v); }
      else for (const v of values) list.pushBack(v);
      ctx.db.modified(key, name);
      ctx.reply.integer(list.length);
    },
  });

/** LPUSH key element [element ...] / RPUSH key element [element ...] */
const lpush = push("lpush", true);
const rpush = push("rpush", false);

/** LPOP's and RPOP's optional count: Redis's own wording for a bad one. */
function parsePop(a: Args, name: string): { key: string; count: number | null } {
  const key = a.next();
  if (!a.hasMore()) return { key, count: null };
  if (a.remaining > 1) throw wrongArity(name);
  const count = longArg(a.next(), "ERR value is out of range, must be positive");
  if (count < 0) throw new CommandError("ERR value is out of range, must be positive");
  return { key, count };
}

const pop = (name: string, front: boolean) =>
  command({
    name,
    arity: -2,
    flags: ["write", "fast"],
    categories: ["write", "list", "fast"],
    keys: [1, 1, 1],
    parse: (a) => parsePop(a, name),
    execute({ key, count }, ctx) {
      const list = ctx.db.lookup(key, ListType);
      if (list === undefined) return count === null ? ctx.reply.null() : ctx.reply.nullArray();
      if (count === null) {
        ctx.reply.bulk((front ? list.popFront() : list.popBack())!);
      } else {
        const n = Math.min(count, list.length);
        ctx.reply.array(n);
        if (n === 0) return;
        for (let i = 0; i < n; i++) ctx.reply.bulk((front ? list.popFront() : list.popBack())!);
      }
      ctx.db.modifiedContainer(key, list, name);
    },
  });

/** LPOP key [count] / RPOP key [count] */
const lpop = pop("lpop", true);
const rpop = pop("rpop", false);

/** LLEN key */
const llen = command({
  name: "llen",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "list", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute: (key, ctx) => ctx.reply.integer(ctx.db.lookup(key, ListType)?.length ?? 0),
});

/** LRANGE key start stop */
const lrange = command({
  name: "lrange",
  arity: 4,
  flags: ["readonly"],
  categories: ["read", "list", "slow"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), start: longArg(a.next()), end: longArg(a.next()) }),
  execute({ key, start, end }, ctx) {
    const list = ctx.db.lookup(key, ListType);
    const len = list?.length ?? 0;
    if (start < 0) start = Math.max(0, len + start);
    if (end < 0) end = len + end;
    if (list === undefined || start > end || start >= len) return ctx.reply.array(0);
    if (end >= len) end = len - 1;
    ctx.reply.array(end - start + 1);
    for (let i = start; i <= end; i++) ctx.reply.bulk(list.at(i)!);
  },
});

/** LINDEX key index: the key is looked up before the index is parsed, as in Redis. */
const lindex = command({
  name: "lindex",
  arity: 3,
  flags: ["readonly"],
  categories: ["read", "list", "slow"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), a.next()] as const,
  execute([key, indexText], ctx) {
    const list = ctx.db.lookup(key, ListType);
    if (list === undefined) return ctx.reply.null();
    let index = longArg(indexText);
    if (index < 0) index += list.length;
    ctx.reply.bulkOrNull(list.at(index));
  },
});

/**
 * Pops one element of the list at `key` for a blocked or blocking client and replies
 * `[key, element]`; false (nothing written) when `key` holds no list or an empty one.
 */
function popFor(ctx: CommandContext, db: Database, key: string, front: boolean): boolean {
  const v = db.get(key);
  if (v === undefined || !ListType.is(v) || v.length === 0) return false;
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.bulk((front ? v.popFront() : v.popBack())!);
  db.modifiedContainer(key, v, front ? "lpop" : "rpop");
  return true;
}

const blockingPop = (name: string, front: boolean) =>
  command({
    name,
    arity: -3,
    flags: ["write", "noscript", "blocking"],
    categories: ["write", "list", "slow", "blocking"],
    keys: [1, -2, 1],
    keySpecFlags: ["RW", "access", "delete"],
    parse: keysThenTimeout,
    execute({ keys, timeoutMs }, ctx) {
      popOrBlock(ctx, keys, timeoutMs, ListType, (db, key) => popFor(ctx, db, key, front));
    },
  });

/** BLPOP key [key ...] timeout / BRPOP key [key ...] timeout */
const blpop = blockingPop("blpop", true);
const brpop = blockingPop("brpop", false);

export const listCommands = [lpush, rpush, lpop, rpop, llen, lrange, lindex, blpop, brpop];
