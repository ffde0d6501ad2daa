/**
 * List commands that pop from one end: LMOVE and RPOPLPUSH (pop, then push onto another
 * list, or the same one), and LMPOP (pop from the first non-empty of several lists).
 * The blocking forms (BLMOVE, BRPOPLPUSH, BLMPOP) belong with blocking clients.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { ListType } from "../store/types/list.ts";
import type { CommandContext } from "./context.ts";

/** LEFT or RIGHT, any case; Redis's syntax error otherwise. */
function side(text: string): boolean {
  const t = text.toUpperCase();
  if (t === "LEFT") return true;
  if (t === "RIGHT") return false;
  throw new CommandError(SYNTAX_ERROR);
}

/**
 * Moves one element from `source` to `destination` and replies with it (null when the
 * source is missing). The destination's type is checked only when there is something to
 * move, as in Redis; the push happens before the source is deleted for being empty.
 */
function move(
  ctx: CommandContext,
  source: string,
  destination: string,
  fromLeft: boolean,
  toLeft: boolean,
) {
  const list = ctx.db.lookup(source, ListType);
  if (list === undefined) return ctx.reply.null();
  ctx.db.lookup(destination, ListType); // WRONGTYPE before anything moves
  const value = fromLeft ? list.popFront()! : list.popBack()!;
  const target = ctx.db.lookupOrCreate(destination, ListType);
  if (toLeft) target.pushFront(value);
  else target.pushBack(value);
  ctx.db.modified(destination, toLeft ? "lpush" : "rpush");
  ctx.db.modifiedContainer(source, list, fromLeft ? "lpop" : "rpop");
  ctx.reply.bulk(value);
}

/** LMOVE source destination LEFT|RIGHT LEFT|RIGHT */
const lmove = command({
  name: "lmove",
  arity: 5,
  flags: ["write", "denyoom"],
  categories: ["write", "list", "slow"],
  keys: [1, 2, 1],
  keySpecFlags: ["RW", "access", "delete"],
  parse: (a) => ({
    source: a.next(),
    destination: a.next(),
    fromLeft: side(a.next()),
    toLeft: side(a.next()),
  }),
  execute: (c, ctx) => move(ctx, c.source, c.destination, c.fromLeft, c.toLeft),
});

/** RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT. */
const rpoplpush = command({
  name: "rpoplpush",
  arity: 3,
  flags: ["write", "denyoom"],
  categories: ["write", "list", "slow"],
  keys: [1, 2, 1],
  keySpecFlags: ["RW", "access", "delete"],
  parse: (a) => ({ source: a.next(), destination: a.next() }),
  execute: (c, ctx) => move(ctx, c.source, c.destination, false, true),
});

/** Redis's range check for a `long` in 1..LONG_MAX, with the command's own message. */
function positive(text: string, message: string): number {
  const v = parseInteger(text);
  if (v === null || v < 1) throw new CommandError(message);
  return Number(v);
}

interface Lmpop {
  keys: string[];
  fromLeft: boolean;
  count: number;
}

/** LMPOP's arguments after the command name: numkeys key [key ...] LEFT|RIGHT [COUNT count]. */
export function parseMpop(a: Args): Lmpop {
  const numkeys = positive(a.next(), "ERR numkeys should be greater than 0");
  if (numkeys >= a.remaining) throw new CommandError(SYNTAX_ERROR);
  const keys: string[] = [];
  for (let i = 0; i < numkeys; i++) keys.push(a.next());
  const fromLeft = side(a.next());
  let count = -1;
  while (a.hasMore()) {
    const opt = a.nextOption();
    if (count !== -1 || opt !== "COUNT" || !a.hasMore()) throw new CommandError(SYNTAX_ERROR);
    count = positive(a.next(), "ERR count should be greater than 0");
  }
  return { keys, fromLeft, count: count === -1 ? 1 : count };
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] */
const lmpop = command({
  name: "lmpop",
  arity: -4,
  flags: ["write", "movablekeys"],
  categories: ["write", "list", "slow"],
  keys: [0, 0, 0],
  keySpecFlags: ["RW", "access", "delete"],
  parse: parseMpop,
  execute({ keys, fromLeft, count }, ctx) {
    for (const key of keys) {
      const list = ctx.db.lookup(key, ListType);
      if (list === undefined || list.length === 0) continue;
      const n = Math.min(count, list.length);
      ctx.reply.array(2);
      ctx.reply.bulk(key);
      ctx.reply.array(n);
      for (let i = 0; i < n; i++) ctx.reply.bulk((fromLeft ? list.popFront() : list.popBack())!);
      ctx.db.modifiedContainer(key, list, fromLeft ? "lpop" : "rpop");
      return;
    }
    ctx.reply.nullArray();
  },
});

export const listMoveCommands = [lmove, rpoplpush, lmpop];
