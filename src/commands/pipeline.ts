/**
 * One request's way from its arguments to its reply, in Redis's processCommand order:
 *
 *   1. lookup         the command and subcommand (unknown: Redis's error; the HTTP lines
 *                     of a cross-protocol attack close the connection instead)
 *   2. arity          the exact or minimum number of arguments
 *   3. auth           NOAUTH until the client authenticated (but no_auth commands)
 *   4. policy         the WebSocket command policy (--ws-commands), Redis's ACL NOPERM
 *   5. maxmemory      evict first; OOM for commands that may grow the dataset
 *   6. subscribed     a RESP2 client with subscriptions runs only (P)(UN)SUBSCRIBE, PING,
 *                     QUIT, RESET
 *   7. MULTI          a client in a transaction queues the command instead (the slot:
 *                     `client.transaction`, null until MULTI sets it)
 *   8. call           parse (one argument cursor; a variable-arity command must read every
 *                     argument, else a syntax error: `Args.unread`), execute against the context
 *                     (under the maxmemory accounting when a limit is set), count stats
 *   9. after the call serve clients blocked on keys the command wrote (blocking.ts)
 *
 * A refusal at steps 1-6 also marks an open transaction as failed (EXEC then answers
 * EXECABORT), as Redis's rejectCommand does. This module is the one place where a
 * `CommandError` becomes an error reply.
 */

import { Args } from "./args.ts";
import type { CommandSpec } from "./command.ts";
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

export const NOAUTH_ERROR = "NOAUTH Authentication required.";

/** The spec `argv` names, with its subcommand resolved; throws the error Redis gives. */
export function resolveCommand(argv: readonly string[]): CommandSpec {
  const spec = lookupCommand(argv[0]);
  if (spec === undefined) throw unknownCommand(argv);
  if (spec.subcommands === undefined) {
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      throw wrongArity(spec.name);
    }
    return spec;
  }
  if (argv.length < 2) {
    if (spec.arity === -1) return spec; // a container that also runs alone (COMMAND)
    throw wrongArity(spec.name);
  }
  const sub = spec.subcommands.get(argv[1].toLowerCase());
  if (sub === undefined) throw unknownSubcommand(argv[1], spec.name);
  if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) {
    throw wrongArity(sub.name);
  }
  return sub;
}

/** What MULTI puts in `client.transaction`: the queueing slot of step 7. */
export interface CommandQueue {
  /** Whether `spec` is queued (all but EXEC, DISCARD, MULTI, WATCH, QUIT, RESET). */
  queues(spec: Spec): boolean;
  /** Queues the command and replies +QUEUED. */
  queue(spec: Spec, argv: readonly string[], ctx: CommandContext): void;
  /** A command was refused before it could be queued: EXEC will answer EXECABORT. */
  refused(): void;
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
  readonly stats: { commands: number };
  readonly blocking: BlockingManager;
  /** Whether `name` is an HTTP request line (`POST`, `Host:`) sent to the RESP port. */
  isCrossProtocol(name: string): boolean;
  /** Handles such a request: drops the batch's replies and closes the client. */
  crossProtocol(ctx: CommandContext): void;
}

export class CommandPipeline {
  constructor(readonly services: PipelineServices) {}

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
      return this.#refuse(ctx, e.message);
    }
    if (!client.authenticated && !spec.flags.includes("no_auth")) {
      return this.#refuse(ctx, NOAUTH_ERROR);
    }
    const policy = services.wsPolicy;
    if (policy !== null && client.transport.kind === "ws" && !policy.allows(spec)) {
      return this.#refuse(ctx, policy.denial(spec));
    }
    const transaction = client.transaction;
    if (services.memory.active) {
      const oom = services.memory.admit(spec, transaction !== null && transaction.queues(spec));
      if (oom !== null) return this.#refuse(ctx, oom);
    }
    if (client.protocol === 2 && client.subscriptions.count !== 0) {
      const refused = subscribedModeError(spec);
      if (refused !== null) return this.#refuse(ctx, refused);
    }
    if (transaction !== null && transaction.queues(spec)) {
      return transaction.queue(spec, argv, ctx);
    }
    this.call(spec, argv, ctx);
  }

  #refuse(ctx: CommandContext, message: string): void {
    ctx.client.transaction?.refused();
    ctx.reply.error(message);
  }

  /**
   * Step 8 and 9 for an admitted command: parse, execute, count, then serve clients
   * blocked on what it wrote. EXEC runs its queued commands through here.
   */
  call(spec: CommandSpec, argv: readonly string[], ctx: CommandContext): void {
    const services = this.services;
    ctx.client.lastCommand = spec.name;
    services.stats.commands++;
    try {
      const args = new Args(argv, spec.name.includes("|") ? 2 : 1);
      const cmd = spec.parse(args);
      // Fixed arities are exact already; a variable one must not leave arguments unread.
      if (spec.arity < 0 && args.unread) throw new CommandError(SYNTAX_ERROR);
      if (services.memory.active) {
        services.memory.track(spec, argv, ctx.db, () => {
          spec.execute(cmd, ctx);
          if (services.blocking.hasReady) services.blocking.serveReady();
        });
        return;
      }
      spec.execute(cmd, ctx);
    } catch (e: unknown) {
      if (!(e instanceof CommandError)) throw e;
      ctx.reply.error(e.message);
    }
    // After an error too: a command may have written before it failed.
    if (services.blocking.hasReady) services.blocking.serveReady();
  }
}
