/**
 * Database commands: DBSIZE FLUSHDB FLUSHALL SWAPDB MOVE (SELECT, which changes only the
 * client, is a connection command). Also the DB-index argument rules that COPY, MOVE and
 * SWAPDB share: a 32-bit integer (Redis's getIntFromObjectOrReply), then in range.
 */

import type { Args } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, DB_INDEX_OUT_OF_RANGE, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import type { CommandContext } from "./context.ts";

const INT32_RANGE = "ERR value is out of range, value must between -2147483648 and 2147483647";

/**
 * The next argument as a DB index: `message` for a non-integer or one outside 32 bits
 * (Redis's default texts when not given). The range of the server's databases is checked
 * separately (`checkDbIndex`), as Redis does.
 */
export function dbIndexArg(a: Args, message?: string): number {
  const v = a.int64(message ?? NOT_INTEGER);
  if (typeof v === "bigint" || v < -2147483648 || v > 2147483647) {
    throw new CommandError(message ?? INT32_RANGE);
  }
  return v;
}

/** `index` when the server has that database; Redis's range error otherwise. */
export function checkDbIndex(ctx: CommandContext, index: number): number {
  if (index < 0 || index >= ctx.server.keyspace.dbs.length) {
    throw new CommandError(DB_INDEX_OUT_OF_RANGE);
  }
  return index;
}

/** DBSIZE: keys held, counting expired ones not yet reclaimed, as Redis does. */
const dbsize = command({
  name: "dbsize",
  arity: 1,
  flags: ["readonly", "fast"],
  categories: ["keyspace", "read", "fast"],
  tips: ["request_policy:all_shards", "response_policy:agg_sum"],
  parse: (a) => a.finish(),
  execute: (_, ctx) => ctx.reply.integer(ctx.db.size),
});

/** FLUSHDB/FLUSHALL's only option: ASYNC or SYNC (both free synchronously: the GC reclaims). */
function parseFlushMode(a: Args): void {
  if (!a.hasMore()) return;
  const mode = a.nextOption();
  if ((mode !== "ASYNC" && mode !== "SYNC") || a.hasMore()) {
    throw new CommandError(SYNTAX_ERROR);
  }
}

/** What FLUSHDB and FLUSHALL share: all but what they empty. */
const flushSpec = {
  arity: -1,
  flags: ["write"],
  categories: ["keyspace", "write", "slow", "dangerous"],
  tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
  parse: parseFlushMode,
} as const;

/** FLUSHDB [ASYNC|SYNC] */
const flushdb = command({
  name: "flushdb",
  ...flushSpec,
  execute(_, ctx) {
    ctx.db.clear();
    ctx.reply.ok();
  },
});

/** FLUSHALL [ASYNC|SYNC] */
const flushall = command({
  name: "flushall",
  ...flushSpec,
  execute(_, ctx) {
    ctx.server.keyspace.flushAll();
    ctx.reply.ok();
  },
});

/** SWAPDB index1 index2: clients keep their index, so they see the other contents. */
const swapdb = command({
  name: "swapdb",
  arity: 3,
  flags: ["write", "fast"],
  categories: ["keyspace", "write", "fast", "dangerous"],
  parse: (a) =>
    [
      dbIndexArg(a, "ERR invalid first DB index"),
      dbIndexArg(a, "ERR invalid second DB index"),
    ] as const,
  execute([a, b], ctx) {
    checkDbIndex(ctx, a);
    checkDbIndex(ctx, b);
    ctx.server.keyspace.swap(a, b);
    ctx.reply.ok();
  },
});

/** MOVE key db: the TTL moves with the value; 0 when the target already has the key. */
const move = command({
  name: "move",
  arity: 3,
  flags: ["write", "fast"],
  categories: ["keyspace", "write", "fast"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), dbIndexArg(a)] as const,
  execute([key, index], ctx) {
    const from = ctx.db;
    const to = ctx.server.keyspace.dbs[checkDbIndex(ctx, index)];
    if (from === to) throw new CommandError("ERR source and destination objects are the same");
    const value = from.get(key);
    if (value === undefined || to.has(key)) return ctx.reply.integer(0);
    const expiry = from.expiryOf(key);
    to.set(key, value);
    to.setAccessField(key, from.accessField(key)!); // the same object in Redis
    if (expiry !== undefined) to.setExpiry(key, expiry);
    from.delete(key);
    from.modified(key, "move_from");
    to.modified(key, "move_to");
    ctx.reply.integer(1);
  },
});

export const databaseCommands = [dbsize, flushdb, flushall, swapdb, move];
