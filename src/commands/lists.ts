/**
 * List commands on a deque (store/deque.ts): LPUSH RPUSH LPOP RPOP LLEN LRANGE LINDEX.
 * A list that becomes empty is deleted, as in Redis, so no key ever holds an empty list.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, wrongArity, WRONGTYPE } from "./errors.ts";
import { ListValue } from "../store/values.ts";
import type { Database } from "../store/database.ts";

/** The list at `key`, undefined when missing; WRONGTYPE for other types. */
export function getList(db: Database, key: string): ListValue | undefined {
  const v = db.get(key);
  if (v === undefined || v instanceof ListValue) return v;
  throw new CommandError(WRONGTYPE);
}

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
    execute({ key, values }, s) {
      let list = getList(s.db, key);
      if (list === undefined) {
        list = new ListValue();
        s.db.set(key, list);
      }
      if (front) { for (const v of values) list.pushFront(v); }
      else for (const v of values) list.pushBack(v);
      s.reply.integer(list.length);
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
    execute({ key, count }, s) {
      const list = getList(s.db, key);
      if (list === undefined) return count === null ? s.reply.null() : s.reply.nullArray();
      if (count === null) {
        s.reply.bulk((front ? list.popFront() : list.popBack())!);
      } else {
        const n = Math.min(count, list.length);
        s.reply.array(n);
        for (let i = 0; i < n; i++) s.reply.bulk((front ? list.popFront() : list.popBack())!);
      }
      if (list.length === 0) s.db.delete(key);
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
  execute: (key, s) => s.reply.integer(getList(s.db, key)?.length ?? 0),
});

/** LRANGE key start stop */
const lrange = command({
  name: "lrange",
  arity: 4,
  flags: ["readonly"],
  categories: ["read", "list", "slow"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), start: longArg(a.next()), end: longArg(a.next()) }),
  execute({ key, start, end }, s) {
    const list = getList(s.db, key);
    const len = list?.length ?? 0;
    if (start < 0) start = Math.max(0, len + start);
    if (end < 0) end = len + end;
    if (list === undefined || start > end || start >= len) return s.reply.array(0);
    if (end >= len) end = len - 1;
    s.reply.array(end - start + 1);
    for (let i = start; i <= end; i++) s.reply.bulk(list.at(i)!);
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
  execute([key, indexText], s) {
    const list = getList(s.db, key);
    if (list === undefined) return s.reply.null();
    let index = longArg(indexText);
    if (index < 0) index += list.length;
    s.reply.bulkOrNull(list.at(index));
  },
});

export const listCommands = [lpush, rpush, lpop, rpop, llen, lrange, lindex];
