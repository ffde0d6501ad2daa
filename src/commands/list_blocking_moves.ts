/**
 * The blocking forms of list_moves.ts: BLMOVE, BRPOPLPUSH and BLMPOP, on the blocking
 * mechanism (commands/blocking.ts). With something to pop they answer as LMOVE / LMPOP;
 * otherwise the client waits for a write to one of the keys (FIFO among waiters), or the
 * timeout (a null array, as Redis 7.0 answers every blocked list command that times out).
 * Inside MULTI or a script they do not wait: BLMPOP answers its timeout reply, BLMOVE and
 * BRPOPLPUSH a null bulk (Redis's own difference).
 */

import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { ListType } from "../store/types/list.ts";
import type { Database } from "../store/database.ts";
import type { CommandContext } from "./context.ts";
import { parseMpop } from "./list_moves.ts";
import { popOrBlock, timeoutArg } from "./pop_or_block.ts";

/** LEFT or RIGHT, any case; Redis's syntax error otherwise. */
function side(text: string): boolean {
  const t = text.toUpperCase();
  if (t === "LEFT") return true;
  if (t === "RIGHT") return false;
  throw new CommandError(SYNTAX_ERROR);
}

/**
 * Moves one element of the list at `source` to `destination` and replies with it; false
 * (nothing written) when the source has nothing or the destination holds another type.
 */
function moveFor(
  ctx: CommandContext,
  db: Database,
  source: string,
  destination: string,
  fromLeft: boolean,
  toLeft: boolean,
): boolean {
  const list = db.get(source);
  if (list === undefined || !ListType.is(list) || list.length === 0) return false;
  const dst = db.get(destination);
  if (dst !== undefined && !ListType.is(dst)) return false;
  const value = fromLeft ? list.popFront()! : list.popBack()!;
  const target = db.lookupOrCreate(destination, ListType);
  if (toLeft) target.pushFront(value);
  else target.pushBack(value);
  db.modified(destination, toLeft ? "lpush" : "rpush");
  db.modifiedContainer(source, list, fromLeft ? "lpop" : "rpop");
  ctx.reply.bulk(value);
  return true;
}

interface Move {
  source: string;
  destination: string;
  fromLeft: boolean;
  toLeft: boolean;
  timeoutMs: number;
}

function blockingMove(c: Move, ctx: CommandContext): void {
  const db = ctx.db;
  const list = db.lookup(c.source, ListType);
  if (list !== undefined) {
    db.lookup(c.destination, ListType); // WRONGTYPE before anything moves
    if (moveFor(ctx, db, c.source, c.destination, c.fromLeft, c.toLeft)) return;
  }
  // Where it may not wait (MULTI, a script) BLMOVE answers a null bulk, as Redis does;
  // a wait that times out answers a null array.
  if (ctx.client.inExec || ctx.client.denyBlocking) return ctx.reply.null();
  ctx.block({
    dbIndex: ctx.client.dbIndex,
    keys: [c.source],
    timeoutMs: c.timeoutMs,
    serve: (db, key) => moveFor(ctx, db, key, c.destination, c.fromLeft, c.toLeft),
    timedOut: () => ctx.reply.nullArray(),
  });
}

/** BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout */
const blmove = command({
  name: "blmove",
  arity: 6,
  flags: ["write", "denyoom", "noscript", "blocking"],
  categories: ["write", "list", "slow", "blocking"],
  keys: [1, 2, 1],
  keySpecFlags: ["RW", "access", "delete"],
  parse: (a) => {
    const source = a.next(), destination = a.next();
    const fromLeft = side(a.next()), toLeft = side(a.next());
    return { source, destination, fromLeft, toLeft, timeoutMs: timeoutArg(a.next()) };
  },
  execute: blockingMove,
});

/** BRPOPLPUSH source destination timeout: BLMOVE source destination RIGHT LEFT timeout. */
const brpoplpush = command({
  name: "brpoplpush",
  arity: 4,
  flags: ["write", "denyoom", "noscript", "blocking"],
  categories: ["write", "list", "slow", "blocking"],
  keys: [1, 2, 1],
  keySpecFlags: ["RW", "access", "delete"],
  parse: (a) => ({
    source: a.next(),
    destination: a.next(),
    fromLeft: false,
    toLeft: true,
    timeoutMs: timeoutArg(a.next()),
  }),
  execute: blockingMove,
});

/** Pops up to `count` from the list at `key` and replies `[key, [elements]]`; false if none. */
function mpopFor(
  ctx: CommandContext,
  db: Database,
  key: string,
  fromLeft: boolean,
  count: number,
): boolean {
  const list = db.get(key);
  if (list === undefined || !ListType.is(list) || list.length === 0) return false;
  const n = Math.min(count, list.length);
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.array(n);
  for (let i = 0; i < n; i++) ctx.reply.bulk((fromLeft ? list.popFront() : list.popBack())!);
  db.modifiedContainer(key, list, fromLeft ? "lpop" : "rpop");
  return true;
}

/** BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] */
const blmpop = command({
  name: "blmpop",
  arity: -5,
  flags: ["write", "blocking", "movablekeys"],
  categories: ["write", "list", "slow", "blocking"],
  keys: [0, 0, 0],
  keySpecFlags: ["RW", "access", "delete"],
  parse: (a) => {
    const timeoutMs = timeoutArg(a.next());
    return { timeoutMs, ...parseMpop(a) };
  },
  execute({ timeoutMs, keys, fromLeft, count }, ctx) {
    popOrBlock(ctx, keys, timeoutMs, ListType, (db, key) => mpopFor(ctx, db, key, fromLeft, count));
  },
});

export const listBlockingMoveCommands = [blmove, brpoplpush, blmpop];
