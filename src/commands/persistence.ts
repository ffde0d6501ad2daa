/**
 * Commands that save the dataset or end the server: SAVE, BGSAVE [SCHEDULE], LASTSAVE,
 * SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]. The work is the RDB service's
 * (persistence/rdb_service.ts); these only parse and reply as Redis 7.0 does.
 */

import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { RdbSaveError } from "../persistence/rdb_service.ts";

/** SAVE */
const save = command({
  name: "save",
  arity: 1,
  flags: ["admin", "noscript", "no_multi"],
  categories: ["admin", "slow", "dangerous"],
  parse: (a) => a.finish(),
  execute(_, ctx) {
    try {
      ctx.server.persistence.saveSync();
    } catch (e: unknown) {
      if (e instanceof RdbSaveError) throw new CommandError(e.message);
      throw e;
    }
    ctx.reply.ok();
  },
});

/** BGSAVE [SCHEDULE] */
const bgsave = command({
  name: "bgsave",
  arity: -1,
  flags: ["admin", "noscript"],
  categories: ["admin", "slow", "dangerous"],
  parse(a) {
    if (!a.hasMore()) return false;
    if (a.nextOption() !== "SCHEDULE" || a.hasMore()) throw new CommandError(SYNTAX_ERROR);
    return true;
  },
  execute(_schedule, ctx) {
    const persistence = ctx.server.persistence;
    if (persistence.status.bgsaveInProgress) {
      throw new CommandError("ERR Background save already in progress");
    }
    persistence.bgsave().catch(() => {});
    ctx.reply.simple("Background saving started");
  },
});

/** LASTSAVE: unix time of the last successful save (or of the start, before any). */
const lastsave = command({
  name: "lastsave",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  categories: ["admin", "fast", "dangerous"],
  tips: ["nondeterministic_output"],
  parse: (a) => a.finish(),
  execute(_, ctx) {
    ctx.reply.integer(Math.floor(ctx.server.persistence.status.lastSaveTime / 1000));
  },
});

interface ShutdownArgs {
  save: boolean | null;
  now: boolean;
  force: boolean;
  abort: boolean;
}

/** SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] */
const shutdown = command({
  name: "shutdown",
  arity: -1,
  flags: ["admin", "noscript", "loading", "stale", "no_multi", "allow_busy"],
  categories: ["admin", "slow", "dangerous"],
  parse(a): ShutdownArgs {
    if (a.remaining > 5) throw new CommandError(SYNTAX_ERROR);
    const args: ShutdownArgs = { save: null, now: false, force: false, abort: false };
    let nosave = false;
    let saveFlag = false;
    while (a.hasMore()) {
      const option = a.nextOption();
      if (option === "NOSAVE") nosave = true;
      else if (option === "SAVE") saveFlag = true;
      else if (option === "NOW") args.now = true;
      else if (option === "FORCE") args.force = true;
      else if (option === "ABORT") args.abort = true;
      else throw new CommandError(SYNTAX_ERROR);
    }
    const anyFlag = nosave || saveFlag || args.now || args.force;
    if ((args.abort && anyFlag) || (nosave && saveFlag)) throw new CommandError(SYNTAX_ERROR);
    args.save = nosave ? false : saveFlag ? true : null;
    return args;
  },
  execute(args, ctx) {
    // respd's shutdown never waits for replicas, so there is never one in progress to abort.
    if (args.abort) throw new CommandError("ERR No shutdown in progress.");
    if (!ctx.server.requestShutdown({ save: args.save, force: args.force })) {
      throw new CommandError("ERR Errors trying to SHUTDOWN. Check logs.");
    }
    ctx.client.closeAfterReply();
  },
});

/** BGREWRITEAOF */
const bgrewriteaof = command({
  name: "bgrewriteaof",
  arity: 1,
  flags: ["admin", "noscript"],
  categories: ["admin", "slow", "dangerous"],
  parse: (a) => a.finish(),
  execute(_, ctx) {
    const aof = ctx.server.aof;
    if (aof.status.rewriteInProgress) {
      throw new CommandError("ERR Background append only file rewriting already in progress");
    }
    aof.rewrite().catch(() => {});
    ctx.reply.simple("Background append only file rewriting started");
  },
});

export const persistenceCommands = [save, bgsave, lastsave, shutdown, bgrewriteaof];
