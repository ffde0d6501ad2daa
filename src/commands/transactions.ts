/**
 * Transactions: MULTI EXEC DISCARD WATCH UNWATCH, with Redis 7.0.15's semantics. While a
 * client is in MULTI the pipeline (session.ts) queues its commands through `queueInMulti`
 * and answers `+QUEUED`; a command rejected at queue time (unknown, arity, NOAUTH, NOPERM,
 * not allowed inside MULTI) marks the transaction, and EXEC then discards it with
 * EXECABORT. EXEC runs the queue as one batch, each command's error staying its own entry;
 * it returns a null array instead when a watched key changed (store/watched_keys.ts).
 */

import { execNoPermission, recordDenial } from "./acl.ts";
import { ACL_OK } from "../acl/user.ts";
import { command, type CommandSpec } from "./command.ts";
import { CommandError } from "./errors.ts";
import type { ClientState, CommandContext } from "./context.ts";
import { ClientWatches } from "../store/watched_keys.ts";

/** A command accepted into the queue, resolved and arity-checked. */
interface QueuedCommand {
  readonly spec: CommandSpec;
  readonly argv: readonly string[];
}

/** One client's transaction state (CLIENT_MULTI, CLIENT_DIRTY_EXEC, its WATCHes). */
export class Transaction {
  /** The queued commands while in MULTI, else null. */
  queue: QueuedCommand[] | null = null;
  /** A command was rejected at queue time: EXEC answers EXECABORT. */
  aborted = false;
  readonly watches = new ClientWatches();

  get active(): boolean {
    return this.queue !== null;
  }

  /** A command was rejected while in MULTI (Redis's flagTransaction). */
  flag(): void {
    if (this.queue !== null) this.aborted = true;
  }

  /** Leaves MULTI, keeping watches (the caller unwatches). */
  end(): void {
    this.queue = null;
    this.aborted = false;
  }
}

/** Commands that run at once even inside MULTI, as in Redis's processCommand. */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);

/**
 * Queues `spec` if the client is in MULTI (writing `+QUEUED`, or Redis's error for a
 * command that may not be queued); false when it should run now.
 */
export function queueInMulti(spec: CommandSpec, argv: readonly string[], ctx: CommandContext) {
  const tx = ctx.client.transaction;
  if (tx.queue === null || NOT_QUEUED.has(spec.name)) return false;
  if (spec.flags.includes("no_multi")) {
    tx.flag();
    ctx.reply.error("ERR Command not allowed inside a transaction");
    return true;
  }
  // the parser hands over a fresh array per request: kept as it is
  tx.queue.push({ spec, argv });
  ctx.reply.simple("QUEUED");
  return true;
}

/** Leaves MULTI and forgets watched keys (EXEC, DISCARD, RESET, disconnect). */
export function discardTransaction(client: ClientState, ctx: CommandContext): void {
  client.transaction.end();
  ctx.server.watchedKeys.unwatchAll(client.transaction.watches);
  client.transaction.watches.dirty = false;
}

/** MULTI */
const multi = command({
  name: "multi",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
  categories: ["fast", "transaction"],
  parse: () => undefined,
  execute(_, ctx) {
    const tx = ctx.client.transaction;
    if (tx.active) throw new CommandError("ERR MULTI calls can not be nested");
    tx.queue = [];
    ctx.reply.ok();
  },
});

/** EXEC */
const exec = command({
  name: "exec",
  arity: 1,
  flags: ["noscript", "loading", "stale", "skip_slowlog"],
  categories: ["slow", "transaction"],
  parse: () => undefined,
  execute(_, ctx) {
    const client = ctx.client;
    const tx = client.transaction;
    if (tx.queue === null) throw new CommandError("ERR EXEC without MULTI");
    const queue = tx.queue;
    if (tx.aborted) {
      discardTransaction(client, ctx);
      throw new CommandError("EXECABORT Transaction discarded because of previous errors.");
    }
    const watched = ctx.server.watchedKeys;
    if (tx.watches.dirty || watched.expiredSinceWatched(tx.watches)) {
      discardTransaction(client, ctx);
      return ctx.reply.nullArray();
    }
    // Unwatch first, as Redis: the transaction's own writes must not mark it dirty.
    discardTransaction(client, ctx);
    ctx.reply.array(queue.length);
    client.inExec = true;
    try {
      for (const { spec, argv } of queue) {
        // ACLs are checked again: they may have changed since the command was queued.
        const user = client.user;
        if (!user.unrestricted) {
          const denied = user.check(spec, argv);
          if (denied.code !== ACL_OK) {
            recordDenial(client, ctx.server.acl, denied.code, denied.pos, spec, argv, "multi");
            ctx.reply.error(execNoPermission(denied.code));
            continue;
          }
        }
        client.call(spec, argv);
      }
    } finally {
      client.inExec = false;
      client.lastCommand = "exec"; // CLIENT LIST cmd= names EXEC, not its last command
    }
  },
});

/** DISCARD */
const discard = command({
  name: "discard",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
  categories: ["fast", "transaction"],
  parse: () => undefined,
  execute(_, ctx) {
    if (!ctx.client.transaction.active) throw new CommandError("ERR DISCARD without MULTI");
    discardTransaction(ctx.client, ctx);
    ctx.reply.ok();
  },
});

/** WATCH key [key ...] */
const watch = command({
  name: "watch",
  arity: -2,
  flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
  categories: ["fast", "transaction"],
  keys: [1, -1, 1],
  keySpecFlags: ["RO"],
  parse: (a) => a.rest(),
  execute(keys, ctx) {
    const tx = ctx.client.transaction;
    if (tx.active) throw new CommandError("ERR WATCH inside MULTI is not allowed");
    // As Redis: once dirty, there is no point watching more keys.
    if (!tx.watches.dirty) {
      for (const key of keys) ctx.server.watchedKeys.watch(tx.watches, ctx.client.dbIndex, key);
    }
    ctx.reply.ok();
  },
});

/** UNWATCH */
const unwatch = command({
  name: "unwatch",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
  categories: ["fast", "transaction"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.server.watchedKeys.unwatchAll(ctx.client.transaction.watches);
    ctx.client.transaction.watches.dirty = false;
    ctx.reply.ok();
  },
});

export const transactionCommands = [multi, exec, discard, watch, unwatch];
