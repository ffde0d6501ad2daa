/**
 * What the blocking pops share (BLPOP/BRPOP, BLMPOP, BZPOPMIN/BZPOPMAX, BZMPOP), as
 * Redis's blocking pop commands do it: the timeout argument read as Redis 7.0 reads it;
 * the keys served in order, the first holding a non-empty value of the type serving at once
 * (another type is WRONGTYPE); otherwise the client waits on all of them
 * (commands/blocking.ts) and a wait that times out answers a null array.
 */

import type { Args } from "./args.ts";
import type { CommandContext } from "./context.ts";
import { CommandError } from "./errors.ts";
import type { Database } from "../store/database.ts";
import { timeoutMillis } from "../store/long_double.ts";
import type { Value, ValueType } from "../store/values.ts";

/**
 * A blocking command's timeout argument in seconds (fractions allowed, 0 = forever), as
 * Redis 7.0 reads it (store/long_double.ts's `timeoutMillis`), with its error texts.
 */
export function timeoutArg(text: string): number {
  const ms = timeoutMillis(text);
  if (ms === null) throw new CommandError("ERR timeout is not a float or out of range");
  if (ms === "negative") throw new CommandError("ERR timeout is negative");
  // Past 2^53 ms (285,000 years) a wait is as good as forever; Redis's own sum overflows.
  return typeof ms === "bigint" ? 0 : ms;
}

/** `key [key ...] timeout`: the timeout is checked first, as in Redis. */
export function keysThenTimeout(a: Args): { keys: string[]; timeoutMs: number } {
  const timeoutMs = timeoutArg(a.argv[a.argv.length - 1]);
  const keys = a.rest();
  keys.pop();
  return { keys, timeoutMs };
}

/**
 * Serves the first of `keys` that `serve` can serve (it replies and returns true; it must
 * return false, not throw, for a key holding another type, since it also serves a woken
 * client); otherwise blocks the client on all of them.
 */
export function popOrBlock<V extends Value>(
  ctx: CommandContext,
  keys: string[],
  timeoutMs: number,
  type: ValueType<V>,
  serve: (db: Database, key: string) => boolean,
): void {
  const db = ctx.db;
  for (const key of keys) {
    if (db.lookup(key, type) !== undefined && serve(db, key)) return;
  }
  ctx.block({
    dbIndex: ctx.client.dbIndex,
    keys,
    timeoutMs,
    serve,
    timedOut: () => ctx.reply.nullArray(),
  });
}
