/**
 * List commands that change a list in place: LINSERT LSET LREM LTRIM LPUSHX RPUSHX.
 * Argument and lookup order follow Redis 7.0's t_list.c (LSET looks the key up before
 * parsing its index, LREM and LTRIM parse first), and a list left empty is deleted.
 */

import { command } from "./command.ts";
import { CommandError, NO_SUCH_KEY, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";
import { ListType } from "../store/types/list.ts";
/** Redis's `long` argument, as a double: indexes and counts are clamped anyway. */
export function longArg(text: string, message = NOT_INTEGER): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(message);
  return Number(v);
}

/** LINSERT key BEFORE|AFTER pivot element */
const linsert = command({
  name: "linsert",
  arity: 5,
  flags: ["write", "denyoom"],
  categories: ["write", "list", "slow"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "insert"],
  parse(a) {
    const key = a.next();
    const where = a.next().toLowerCase();
    if (where !== "before" && where !== "after") throw new CommandError(SYNTAX_ERROR);
    return { key, after: where === "after", pivot: a.next(), element: a.next() };
  },
  execute({ key, after, pivot, element }, ctx) {
    const list = ctx.db.lookup(key, ListType);
    if (list === undefined) return ctx.reply.integer(0);
    const n = list.length;
    for (let i = 0; i < n; i++) {
      if (list.at(i) === pivot) {
        list.insertAt(after ? i + 1 : i, element);
        ctx.db.modified(key, "linsert");
        return ctx.reply.integer(list.length);
      }
    }
    ctx.reply.integer(-1);
  },
});

/** LSET key index element: the key is looked up before the index is parsed. */
const lset = command({
  name: "lset",
  arity: 4,
  flags: ["write", "denyoom"],
  categories: ["write", "list", "slow"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), index: a.next(), element: a.next() }),
  execute({ key, index, element }, ctx) {
    const list = ctx.db.lookup(key, ListType);
    if (list === undefined) throw new CommandError(NO_SUCH_KEY);
    let i = longArg(index);
    if (i < 0) i += list.length;
    if (!(i >= 0 && i < list.length)) throw new CommandError("ERR index out of range");
    list.setAt(i, element);
    ctx.db.modified(key, "lset");
    ctx.reply.ok();
  },
});

/** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
const lrem = command({
  name: "lrem",
  arity: 4,
  flags: ["write"],
  categories: ["write", "list", "slow"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "delete"],
  parse: (a) => ({ key: a.next(), count: longArg(a.next()), element: a.next() }),
  execute({ key, count, element }, ctx) {
    const list = ctx.db.lookup(key, ListType);
    if (list === undefined) return ctx.reply.integer(0);
    const items = [...list];
    // Redis negates a negative count; -2^63 stays negative there and so removes them all.
    const limit = count === 0 ? Infinity : Math.abs(count);
    const fromTail = count < 0;
    const keep = new Array<boolean>(items.length).fill(true);
    let removed = 0;
    for (let k = 0; k < items.length && removed < limit; k++) {
      const i = fromTail ? items.length - 1 - k : k;
      if (items[i] === element) {
        keep[i] = false;
        removed++;
      }
    }
    if (removed > 0) {
      list.clear();
      for (let i = 0; i < items.length; i++) if (keep[i]) list.pushBack(items[i]);
      ctx.db.modifiedContainer(key, list, "lrem");
    }
    ctx.reply.integer(removed);
  },
});

/** LTRIM key start stop */
const ltrim = command({
  name: "ltrim",
  arity: 4,
  flags: ["write"],
  categories: ["write", "list", "slow"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "delete"],
  parse: (a) => ({ key: a.next(), start: longArg(a.next()), end: longArg(a.next()) }),
  execute({ key, start, end }, ctx) {
    const list = ctx.db.lookup(key, ListType);
    if (list === undefined) return ctx.reply.ok();
    const n = list.length;
    if (start < 0) start += n;
    if (end < 0) end += n;
    if (start < 0) start = 0;
    let fromHead: number, fromTail: number;
    if (start > end || start >= n) {
      fromHead = n;
      fromTail = 0;
    } else {
      if (end >= n) end = n - 1;
      fromHead = start;
      fromTail = n - end - 1;
    }
    for (let i = 0; i < fromHead; i++) list.popFront();
    for (let i = 0; i < fromTail; i++) list.popBack();
    ctx.db.modifiedContainer(key, list, "ltrim");
    ctx.reply.ok();
  },
});

/** LPUSHX key element [element ...] / RPUSHX key element [element ...]: only onto a list. */
const pushx = (name: string, event: string, front: boolean) =>
  command({
    name,
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    categories: ["write", "list", "fast"],
    keys: [1, 1, 1],
    keySpecFlags: ["RW", "insert"],
    parse: (a) => ({ key: a.next(), values: a.rest() }),
    execute({ key, values }, ctx) {
      const list = ctx.db.lookup(key, ListType);
      if (list === undefined) return ctx.reply.integer(0);
      if (front) { for (const v of values) list.pushFront(v); }
      else for (const v of values) list.pushBack(v);
      ctx.db.modified(key, event);
      ctx.reply.integer(list.length);
    },
  });

export const listEditCommands = [
  linsert,
  lset,
  lrem,
  ltrim,
  pushx("lpushx", "lpush", true),
  pushx("rpushx", "rpush", false),
];
