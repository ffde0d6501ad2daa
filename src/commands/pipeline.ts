/**
 * One request's way from its arguments to its reply, in Redis's processCommand order:
 *
 *   1. lookup         the command and subcommand (unknown: Redis's error; the HTTP lines
 *                     of a cross-protocol attack close the connection instead)
 *   2. arity          the exact or minimum number of arguments
 *   3. auth           NOAUTH until the client authenticated (but no_auth commands)
 *   4. ACL            the client's ACL user may run the command on these keys and channels
 *                     (acl/user.ts; skipped for a user allowed everything), else NOPERM and
 *                     an ACL LOG entry; then the WebSocket command policy (--ws-commands)
 *   5. maxmemory      evict first; OOM for commands that may grow the dataset
 *   6. subscribed     a RESP2 client with subscriptions runs only (P)(UN)SUBSCRIBE, PING,
 *                     QUIT, RESET
 *   7. loading        while the dataset loads at start, -LOADING but for commands flagged
 *                     `loading` (the server's own clients, the AOF replay, are exempt)
 *   8. pause          CLIENT PAUSE holds the client (ALL: any command; WRITE: writes, and
 *                     commands Redis propagates) until it ends (client_pause.ts)
 *   8b. gateway      in front of an upstream Redis (gateway/), every command but the
 *                     connection's own and the subscriptions is sent upstream here; its
 *                     reply takes its place in the client's reply order
 *   9. MULTI          a client in a transaction queues the command instead, +QUEUED
 *                     (transactions.ts); EXEC later runs the queue through `call`
 *  10. call           parse (one argument cursor; a variable-arity command must read every
 *                     argument, else a syntax error: `Args.unread`), execute against the context
 *                     (under the maxmemory accounting when a limit is set), timed once
 *                     for INFO commandstats/latencystats and the slow log, then shown to
 *                     MONITOR (stats/introspection.ts)
 *  11. after the call serve clients blocked on keys the command wrote (blocking.ts), once
 *                     the outermost command is done (not between EXEC's commands or a
 *                     script's calls); client-side caching remembers the keys a tracking
 *                     client read and sends the invalidations the command caused
 *                     (pubsub/tracking.ts). Keyspace notifications, WATCH and tracking
 *                     hear of every write through the keyspace-change hook itself.
 *
 * A refusal at steps 1-7 also marks an open transaction as failed (EXEC then answers
 * EXECABORT; a refused EXEC discards it at once), as Redis's rejectCommand does. This
 * module is the one place where a `CommandError` becomes an error reply.
 */

import { Args } from "./args.ts";
import { type CommandSpec, wrongArgCount } from "./command.ts";
import type { CommandContext } from "./context.ts";
import {
  CommandError,
  SYNTAX_ERROR,
  unknownCommand,
  unknownSubcommand,
  wrongArity,
} from "./errors.ts";
import { subscribedModeError } from "./pubsub.ts";
import { lookupCommand } from "./registry.ts";
import type { BlockingManager } from "./blocking.ts";
import type { CommandSpec as Spec } from "./command.ts";
import type { Database } from "../store/database.ts";
import { discardTransaction, queueInMulti } from "./transactions.ts";
import { keysOf } from "./keys_of.ts";
import { publishKeyMisses } from "../pubsub/keyspace_notifier.ts";
import type { Introspection } from "../stats/introspection.ts";
import { redactArgs } from "../stats/redaction.ts";
import { CallTimer } from "../stats/call_timer.ts";
import { lookupCounter, type LookupStats } from "./keyspace_lookups.ts";
import { noPermissionError, recordDenial } from "./acl.ts";
import { ACL_OK } from "../acl/user.ts";

export const NOAUTH_ERROR = "NOAUTH Authentication required.";
export const LOADING_ERROR = "LOADING Redis is loading the dataset in memory";

/** The spec `argv` names, with its subcommand resolved; throws the error Redis gives. */
export function resolveCommand(argv: readonly string[]): CommandSpec {
  const spec = lookupCommand(argv[0]);
  if (spec === undefined) throw unknownCommand(argv);
  if (spec.subcommands === undefined) {
    if (wrongArgCount(spec.arity, argv.length)) throw wrongArity(spec.name);
    return spec;
  }
  if (argv.length < 2) {
    if (spec.arity === -1) return spec; // a container that also runs alone (COMMAND)
    throw wrongArity(spec.name);
  }
  const sub = spec.subcommands.get(argv[1].toLowerCase());
  if (sub === undefined) throw unknownSubcommand(argv[1], spec.name);
  if (wrongArgCount(sub.arity, argv.length)) throw wrongArity(sub.name);
  return sub;
}

/** Runs commands on an upstream Redis instead of the local store (gateway/gateway.ts). */
export interface RemoteExecutor {
  /** Whether the command runs upstream (false: respd answers it itself). */
  forwards(spec: Spec, client: CommandContext["client"]): boolean;
  /** Sends the command upstream; its reply reaches the client through `awaitReply`. */
  forward(spec: Spec, argv: readonly string[], ctx: CommandContext): void;
  /**
   * A command of this client was refused before it ran: true when the client is inside a
   * MULTI upstream, which then fails as Redis's would (`exec`: the refused EXEC itself
   * discards it).
   */
  refusedInMulti(ctx: CommandContext, exec: boolean): boolean;
  /** After a local command that wrote its reply from `mark` on (held for a SUBSCRIBE). */
  afterLocal(spec: Spec, ctx: CommandContext, mark: number): void;
}

/** The server-side services the pipeline consults. */
export interface PipelineServices {
  /** --ws-commands, compiled; null allows every command over WebSocket. */
  readonly wsPolicy: { allows(spec: Spec): boolean; denial(spec: Spec): string } | null;
  /** --maxmemory (store/eviction.ts). */
  readonly memory: {
    readonly active: boolean;
    admit(spec: Spec, queued: boolean): string | null;
    track(spec: Spec, argv: readonly string[], db: Database, run: () => void): void;
  };
  readonly stats: { commands: number } & LookupStats;
  /** Command and error counters, the slow log (stats/introspection.ts). */
  readonly introspection: Introspection;
  readonly blocking: BlockingManager;
  /** Whether `name` is an HTTP request line (`POST`, `Host:`) sent to the RESP port. */
  isCrossProtocol(name: string): boolean;
  /** Handles such a request: drops the batch's replies and closes the client. */
  crossProtocol(ctx: CommandContext): void;
  /**
   * Told around every call (persistence/persistence_observer.ts): before it runs (a running
   * snapshot keeps what a write is about to change) and after (the AOF records what
   * changed; `servedBlocked` when clients blocked on its keys were served inside it), and
   * when a batch ends (the requests' bytes it may still hold are about to be reused).
   */
  readonly remote?: RemoteExecutor | null;
  readonly observer?: {
    before(spec: Spec, argv: readonly string[], ctx: CommandContext): void;
    after(spec: Spec, argv: readonly string[], ctx: CommandContext, servedBlocked: boolean): void;
    endBatch(): void;
  };
}

/** The command `argv` names when it exists (its arity aside), else undefined. */
function knownCommand(argv: readonly string[]): CommandSpec | undefined {
  const spec = lookupCommand(argv[0]);
  if (spec?.subcommands === undefined || argv.length < 2) return spec;
  return spec.subcommands.get(argv[1].toLowerCase());
}

export class CommandPipeline {
  /** Times each call (stats/call_timer.ts), reading the clock as little as it can. */
  readonly timer: CallTimer;
  /** Numbers calls; a batch's start and end each skip one (see `callSerial`). */
  #serial = 0;
  #inBatch = false;

  constructor(readonly services: PipelineServices) {
    this.timer = new CallTimer(services.introspection);
  }

  /**
   * The number of the call in progress within the batch being served, -1 outside a batch
   * (a blocked client served by a timer, a test driving `run` directly). Each call (EXEC's,
   * a script's, and the commands they run) is one more than the call before it in the same
   * batch, so a command can tell that the call just before it was its own and nothing ran
   * in between, with no I/O either: XADD then reuses its clock reading (streams.ts).
   */
  get callSerial(): number {
    return this.#inBatch ? this.#serial : -1;
  }

  /** A session starts serving the requests of one read; `now` is performance.now(). */
  beginBatch(now: number): void {
    this.timer.beginBatch(now);
    this.#serial += 2;
    this.#inBatch = true;
  }

  /** The batch is served: its last calls are timed, the AOF copies what it still refers to. */
  endBatch(): void {
    this.timer.endBatch();
    this.services.observer?.endBatch();
    this.#serial += 2;
    this.#inBatch = false;
  }

  /** Runs one request of `ctx`'s client: every step above, then its reply is written. */
  run(argv: readonly string[], ctx: CommandContext): void {
    const client = ctx.client;
    const services = this.services;
    let spec: CommandSpec;
    try {
      spec = resolveCommand(argv);
    } catch (e: unknown) {
      if (!(e instanceof CommandError)) throw e;
      // POST and Host: are unknown commands, so the guard costs known commands nothing.
      if (services.isCrossProtocol(argv[0])) return services.crossProtocol(ctx);
      // a known command with the wrong arity is counted as rejected (INFO commandstats)
      this.#refuse(ctx, argv[0], e.message);
      const known = knownCommand(argv);
      if (known !== undefined) {
        services.introspection.commands.rejected(known.name);
        client.lastCommand = known.name;
      }
      return;
    }
    // CLIENT LIST's cmd=: the last command looked up, as Redis's c->lastcmd (queued in MULTI,
    // refused or run; EXEC's own commands and a script's leave it as EXEC or EVAL)
    client.lastCommand = spec.name;
    if (!client.authenticated && !spec.flags.includes("no_auth")) {
      return this.#reject(ctx, spec, argv[0], NOAUTH_ERROR);
    }
    const user = client.user;
    if (!user.unrestricted) {
      const denied = user.check(spec, argv);
      if (denied.code !== ACL_OK) {
        const context = client.transaction.active ? "multi" : "toplevel";
        recordDenial(client, ctx.server.acl, denied.code, denied.pos, spec, argv, context);
        return this.#refuse(ctx, argv[0], noPermissionError(denied.code, spec));
      }
    }
    const policy = services.wsPolicy;
    if (policy !== null && client.transport.kind === "ws" && !policy.allows(spec)) {
      return this.#reject(ctx, spec, argv[0], policy.denial(spec));
    }
    const inMulti = client.transaction.queue !== null;
    if (services.memory.active) {
      const oom = services.memory.admit(spec, inMulti && spec.name !== "exec");
      if (oom !== null) return this.#reject(ctx, spec, argv[0], oom);
    }
    if (client.protocol === 2 && client.subscriptions.active) {
      const refused = subscribedModeError(spec);
      if (refused !== null) return this.#reject(ctx, spec, argv[0], refused);
    }
    if (
      ctx.server.loading !== null && !spec.flags.includes("loading") && !client.denyBlocking
    ) return this.#refuse(ctx, argv[0], LOADING_ERROR);
    const pause = ctx.server.pause;
    if (pause.type !== "none" && pause.holds(spec, client)) {
      return pause.hold(client, argv);
    }
    const remote = services.remote;
    if (remote != null) {
      if (remote.forwards(spec, client)) return remote.forward(spec, argv, ctx);
      const mark = ctx.reply.length;
      this.call(spec, argv, ctx);
      return remote.afterLocal(spec, ctx, mark);
    }
    if (inMulti && queueInMulti(spec, argv, ctx)) return;
    const tracking = ctx.server.tracking;
    if (tracking.trackingClients === 0) return this.call(spec, argv, ctx);
    tracking.limitKeys();
    tracking.current = client;
    try {
      this.call(spec, argv, ctx);
    } finally {
      tracking.current = null;
      // CLIENT CACHING applies to the next command only (any CLIENT subcommand, or a
      // transaction, keeps it), as in Redis.
      if (!spec.name.startsWith("client|") && !client.transaction.active) {
        client.tracking.caching = false;
      }
      tracking.flush();
    }
  }

  /** A known command refused before it ran: counted as rejected, then refused. */
  #reject(ctx: CommandContext, spec: CommandSpec, name: string, message: string): void {
    this.#refuse(ctx, name, message);
    this.services.introspection.commands.rejected(spec.name);
  }

  /**
   * A command refused before it ran: marks a transaction in progress (EXEC will abort),
   * and a refused EXEC discards it, as Redis's rejectCommand.
   */
  #refuse(ctx: CommandContext, name: string, message: string): void {
    const client = ctx.client;
    client.transaction.flag();
    const exec = name.length === 4 && name.toLowerCase() === "exec";
    const remoteMulti = this.services.remote?.refusedInMulti(ctx, exec) ?? false;
    if ((client.transaction.active || remoteMulti) && exec) {
      discardTransaction(client, ctx);
      const why = message.startsWith("ERR ") ? message.slice(4) : message;
      return ctx.reply.error(`EXECABORT Transaction discarded because of: ${why}`);
    }
    ctx.reply.error(message);
  }

  /**
   * Step 8 and 9 for an admitted command: parse, execute, count, then serve clients
   * blocked on what it wrote. EXEC runs its queued commands through here.
   */
  call(spec: CommandSpec, argv: readonly string[], ctx: CommandContext): void {
    this.#serial++;
    const services = this.services;
    const observer = services.observer;
    const client = ctx.client;
    const server = ctx.server;
    if (server.config.notifyKeyspaceEvents !== 0 && spec.flags.includes("readonly")) {
      // the key-miss class (m): misses are published before the command replies
      publishKeyMisses(ctx.db, keysOf(spec, argv), server.hub, server.config);
    }
    // Inside EXEC or a script, blocked clients wait for the outer command to finish.
    const outermost = !client.inExec && !client.denyBlocking;
    observer?.before(spec, argv, ctx);
    const stats = services.introspection;
    // MONITOR sees a command once it ran (its database then, its secrets redacted), but a
    // script command before the commands its script runs, as Redis shows them.
    const monitored = stats.monitors.active && stats.recording && !spec.flags.includes("admin");
    if (monitored && spec.flags.includes("skip_monitor")) {
      stats.monitors.feed(client, client.dbIndex, argv);
    }
    let served = false;
    const errorsBefore = stats.commands.totalErrorReplies;
    // Timed for commandstats, latencystats and the slow log (stats/call_timer.ts).
    const started = this.timer.start(spec);
    const noTouch = client.noTouch && spec.name !== "touch";
    if (noTouch) ctx.server.keyspace.access.noTouch = true;
    try {
      const args = new Args(argv, spec.name.includes("|") ? 2 : 1);
      const cmd = spec.parse(args);
      // Fixed arities are exact already; a variable one must not leave arguments unread.
      if (spec.arity < 0 && args.unread) throw new CommandError(SYNTAX_ERROR);
      // INFO keyspace_hits/misses: the keys it reads, before it runs (keyspace_lookups.ts)
      const lookups = lookupCounter(spec);
      if (lookups !== null && stats.recording) lookups(argv, ctx.db, services.stats);
      if (services.memory.active) {
        services.memory.track(spec, argv, ctx.db, () => {
          spec.execute(cmd, ctx);
          if (outermost && services.blocking.hasReady) {
            served = true;
            services.blocking.serveReady();
          }
        });
      } else spec.execute(cmd, ctx);
    } catch (e: unknown) {
      if (!(e instanceof CommandError)) throw e;
      ctx.reply.error(e.message);
    } finally {
      // CLIENT NO-TOUCH: this command's reads left the keys' idle time and LFU counter
      if (noTouch) ctx.server.keyspace.access.noTouch = false;
    }
    // once it ran, as Redis's call(): INFO's total_commands_processed leaves INFO itself out
    services.stats.commands++;
    stats.counted(spec, errorsBefore);
    this.timer.end(spec, argv, client, started);
    if (monitored && !spec.flags.includes("skip_monitor")) {
      stats.monitors.feed(client, client.dbIndex, redactArgs(spec.name, argv));
    }
    // After an error too: a command may have written before it failed.
    if (outermost && services.blocking.hasReady) {
      served = true;
      services.blocking.serveReady();
    }
    if (client.tracking.on && spec.flags.includes("readonly")) {
      ctx.server.tracking.remember(client, keysOf(spec, argv));
    }
    observer?.after(spec, argv, ctx, served);
  }
}
