/**
 * The blocking sorted-set pops: BZPOPMIN, BZPOPMAX and BZMPOP, on the blocking mechanism
 * (commands/blocking.ts). With something to pop they answer at once; otherwise the client
 * waits for a write to one of the keys (FIFO among waiters) or the timeout (a null array,
 * as for every blocked command in Redis 7.0). Inside MULTI or a script they do not wait.
 */

import { command } from "./command.ts";
import { ZSetType } from "../store/types/zset.ts";
import type { Database } from "../store/database.ts";
import type { CommandContext } from "./context.ts";
import { timeoutArg } from "./lists.ts";
import { parseZmpop, popEntries, replyMpop, replyScore } from "./zsets.ts";

/** Pops one entry of the sorted set at `key`, replying `[key, member, score]`; false if none. */
function popOneFor(ctx: CommandContext, db: Database, key: string, min: boolean): boolean {
  const z = db.get(key);
  if (z === undefined || !ZSetType.is(z) || z.size === 0) return false;
  const { members, scores } = popEntries(z, 1, min);
  ctx.reply.array(3);
  ctx.reply.bulk(key);
  ctx.reply.bulk(members[0]);
  replyScore(ctx, scores[0]);
  db.modifiedContainer(key, z, min ? "zpopmin" : "zpopmax");
  return true;
}

const blockingPop = (name: string, min: boolean) =>
  command({
    name,
    arity: -3,
    flags: ["write", "noscript", "blocking", "fast"],
    categories: ["write", "sortedset", "fast", "blocking"],
    keys: [1, -2, 1],
    keySpecFlags: ["RW", "access", "delete"],
    // The timeout is checked first, as in Redis.
    parse: (a) => {
      const timeoutMs = timeoutArg(a.argv[a.argv.length - 1]);
      const keys = a.rest();
      keys.pop();
      return { keys, timeoutMs };
    },
    execute({ keys, timeoutMs }, ctx) {
      const db = ctx.db;
      for (const key of keys) {
        if (db.lookup(key, ZSetType) !== undefined && popOneFor(ctx, db, key, min)) return;
      }
      ctx.block({
        dbIndex: ctx.client.dbIndex,
        keys,
        timeoutMs,
        serve: (db, key) => popOneFor(ctx, db, key, min),
        timedOut: () => ctx.reply.nullArray(),
      });
    },
  });

/** BZPOPMIN key [key ...] timeout / BZPOPMAX key [key ...] timeout */
const bzpopmin = blockingPop("bzpopmin", true);
const bzpopmax = blockingPop("bzpopmax", false);

/** BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count] */
const bzmpop = command({
  name: "bzmpop",
  arity: -5,
  flags: ["write", "blocking", "movablekeys"],
  categories: ["write", "sortedset", "slow", "blocking"],
  keys: [0, 0, 0],
  keySpecFlags: ["RW", "access", "delete"],
  parse: (a) => {
    const timeoutMs = timeoutArg(a.next());
    return { timeoutMs, ...parseZmpop(a) };
  },
  execute({ timeoutMs, keys, min, count }, ctx) {
    const serve = (db: Database, key: string) => {
      const z = db.get(key);
      if (z === undefined || !ZSetType.is(z) || z.size === 0) return false;
      replyMpop(ctx, key, z, min, count);
      return true;
    };
    for (const key of keys) {
      if (ctx.db.lookup(key, ZSetType) !== undefined && serve(ctx.db, key)) return;
    }
    ctx.block({
      dbIndex: ctx.client.dbIndex,
      keys,
      timeoutMs,
      serve,
      timedOut: () => ctx.reply.nullArray(),
    });
  },
});

export const zsetBlockingCommands = [bzpopmin, bzpopmax, bzmpop];
