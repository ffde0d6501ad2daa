/**
 * BZPOPMIN and BZPOPMAX: ZPOPMIN/ZPOPMAX that wait, through the pipeline's blocking
 * (commands/blocking.ts), for a sorted set to be written, as Redis's
 * blockingGenericZpopCommand: the first non-empty key in order serves at once, another type
 * is WRONGTYPE, and the timeout (checked first) answers a null array. Inside MULTI or a
 * script they do not wait.
 */

import { command } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { keysThenTimeout, popOrBlock, timeoutArg } from "./pop_or_block.ts";
import { parseZmpop, popEntries, replyMpop, replyScore } from "./zsets.ts";
import { ZSetType } from "../store/types/zset.ts";
import type { Database } from "../store/database.ts";

/** Pops one entry of the sorted set at `key` for the client and replies; false if empty. */
function popFor(ctx: CommandContext, db: Database, key: string, min: boolean): boolean {
  // not the typed lookup: a blocked client's key may now hold another type, and serving must
  // not throw (the writer's command is over); the client just keeps waiting, as in Redis
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

const blockingZpop = (name: string, min: boolean) =>
  command({
    name,
    arity: -3,
    flags: ["write", "noscript", "blocking", "fast"],
    categories: ["write", "sortedset", "fast", "blocking"],
    keys: [1, -2, 1],
    keySpecFlags: ["RW", "access", "delete"],
    parse: keysThenTimeout,
    execute({ keys, timeoutMs }, ctx) {
      popOrBlock(ctx, keys, timeoutMs, ZSetType, (db, key) => popFor(ctx, db, key, min));
    },
  });

/** BZPOPMIN key [key ...] timeout / BZPOPMAX key [key ...] timeout */
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
    popOrBlock(ctx, keys, timeoutMs, ZSetType, (db, key) => {
      const z = db.get(key);
      if (z === undefined || !ZSetType.is(z) || z.size === 0) return false;
      replyMpop(ctx, key, z, min, count);
      return true;
    });
  },
});

export const zsetBlockingCommands = [
  bzmpop,
  blockingZpop("bzpopmin", true),
  blockingZpop("bzpopmax", false),
];
