/**
 * Connection commands: PING ECHO QUIT SELECT HELLO RESET, the handshake every client runs
 * first, so replies and errors follow Redis 7.0 byte for byte (checked against
 * redis-server 7.0.15). AUTH and the password check are in auth.ts / Session.authenticate.
 */

import { command, noArgs } from "./command.ts";
import { CommandError, cString, wrongArity } from "./errors.ts";
import { checkDbIndex, dbIndexArg } from "./databases.ts";
import { REDIS_VERSION } from "../config.ts";
import type { CommandContext } from "./context.ts";
import { pingAsMessage } from "./pubsub.ts";

/** PING [message] */
const ping = command({
  name: "ping",
  arity: -1,
  flags: ["fast"],
  categories: ["fast", "connection"],
  tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
  parse(a) {
    if (a.remaining > 1) throw wrongArity("ping");
    return a.hasMore() ? a.next() : null;
  },
  execute(message, ctx) {
    if (pingAsMessage(ctx.client)) {
      // A subscribed RESP2 connection carries messages: PING answers as one, ["pong", msg].
      ctx.reply.array(2);
      ctx.reply.bulk("pong");
      ctx.reply.bulk(message ?? "");
    } else if (message === null) ctx.reply.simple("PONG");
    else ctx.reply.bulk(message);
  },
});

/** ECHO message */
const echo = command({
  name: "echo",
  arity: 2,
  flags: ["fast", "stale", "loading"],
  categories: ["fast", "connection"],
  parse: (a) => a.next(),
  execute: (message, ctx) => ctx.reply.bulk(message),
});

/** QUIT */
const quit = command({
  name: "quit",
  arity: -1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse: (a) => void a.rest(), // QUIT ignores arguments, as in Redis
  execute(_, ctx) {
    ctx.reply.ok();
    ctx.client.closeAfterReply();
  },
});

/** SELECT index */
const select = command({
  name: "select",
  arity: 2,
  flags: ["fast", "stale", "loading"],
  categories: ["fast", "connection"],
  parse: (a) => dbIndexArg(a),
  execute(index, ctx) {
    ctx.client.dbIndex = checkDbIndex(ctx, index);
    ctx.reply.ok();
  },
});

/** Writes the HELLO map (server facts) in the session's protocol. */
export function writeHello(ctx: CommandContext): void {
  const r = ctx.reply;
  r.map(7);
  r.bulk("server");
  r.bulk("redis");
  r.bulk("version");
  r.bulk(REDIS_VERSION);
  r.bulk("proto");
  r.integer(ctx.client.protocol);
  r.bulk("id");
  r.integer(ctx.client.id);
  r.bulk("mode");
  r.bulk("standalone");
  r.bulk("role");
  r.bulk("master");
  r.bulk("modules");
  r.array(0);
}

const HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, " +
  "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and " +
  "select the RESP protocol version at the same time";

/** One HELLO option, applied in argument order. */
type HelloOption = { auth: [string, string] } | { name: string };

interface Hello {
  protocol: 2 | 3 | null;
  options: HelloOption[];
  /** A syntax error found after `options`: raised once those are applied. */
  error: string | null;
}

/**
 * HELLO [protover [AUTH username password] [SETNAME clientname]]
 *
 * Redis 7.0 applies the options left to right as it reads them: AUTH authenticates (or
 * fails with WRONGPASS) and SETNAME names the client (or fails) on the spot, so an error
 * in a later option leaves the earlier ones done. Only then does it require the client to
 * be authenticated and switch protocol.
 */
const hello = command<Hello>({
  name: "hello",
  arity: -1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse(a) {
    const cmd: Hello = { protocol: null, options: [], error: null };
    if (!a.hasMore()) return cmd;
    // Redis checks the version's range before it looks at any option.
    const version = a.int64("ERR Protocol version is not an integer or out of range");
    if (version !== 2 && version !== 3) {
      throw new CommandError("NOPROTO unsupported protocol version");
    }
    cmd.protocol = version;
    while (a.hasMore()) {
      const opt = a.next();
      const upper = opt.toUpperCase();
      if (upper === "AUTH" && a.remaining >= 2) {
        cmd.options.push({ auth: [a.next(), a.next()] });
      } else if (upper === "SETNAME" && a.remaining >= 1) {
        cmd.options.push({ name: a.next() });
      } else {
        cmd.error = `ERR Syntax error in HELLO option '${cString(opt)}'`;
        a.rest(); // the error is raised once the options before it are applied
        break;
      }
    }
    return cmd;
  },
  execute(cmd, ctx) {
    for (const opt of cmd.options) {
      if ("name" in opt) ctx.client.setName(opt.name);
      else if (!ctx.client.authenticate(opt.auth[0], opt.auth[1], commandWord(ctx, "HELLO"))) {
        return;
      }
    }
    if (cmd.error !== null) throw new CommandError(cmd.error);
    if (!ctx.client.authenticated) throw new CommandError(HELLO_NOAUTH);
    if (cmd.protocol !== null) ctx.client.protocol = cmd.protocol;
    writeHello(ctx);
  },
});

/** The command's name as the client typed it (the ACL log records it), else `fallback`. */
export function commandWord(ctx: CommandContext, fallback: string): string {
  const typed = ctx.client.parser.args[0];
  return typed !== undefined && typed.toUpperCase() === fallback ? typed : fallback;
}

/** RESET */
const reset = command({
  name: "reset",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse: noArgs,
  execute(_, ctx) {
    ctx.client.resetState();
    ctx.reply.simple("RESET");
  },
});

export const connectionCommands = [ping, echo, quit, select, hello, reset];
