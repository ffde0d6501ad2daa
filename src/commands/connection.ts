/**
 * Connection commands: PING ECHO QUIT SELECT HELLO RESET, the handshake every client runs
 * first, so replies and errors follow Redis 7.0 byte for byte (checked against
 * redis-server 7.0.15). AUTH and the password check are in auth.ts / Session.authenticate.
 */

import { command, noArgs } from "./command.ts";
import { CommandError, cString, wrongArity } from "./errors.ts";
import { checkDbIndex, dbIndexArg } from "./databases.ts";
import { REDIS_VERSION } from "../server.ts";
import type { Session } from "../session.ts";
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
  execute(message, s) {
    if (pingAsMessage(s)) {
      // A subscribed RESP2 connection carries messages: PING answers as one, ["pong", msg].
      s.reply.array(2);
      s.reply.bulk("pong");
      s.reply.bulk(message ?? "");
    } else if (message === null) s.reply.simple("PONG");
    else s.reply.bulk(message);
  },
});

/** ECHO message */
const echo = command({
  name: "echo",
  arity: 2,
  flags: ["fast", "stale", "loading"],
  categories: ["fast", "connection"],
  parse: (a) => a.next(),
  execute: (message, s) => s.reply.bulk(message),
});

/** QUIT */
const quit = command({
  name: "quit",
  arity: -1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse: () => undefined,
  execute(_, s) {
    s.reply.ok();
    s.closeAfterReply();
  },
});

/** SELECT index */
const select = command({
  name: "select",
  arity: 2,
  flags: ["fast", "stale", "loading"],
  categories: ["fast", "connection"],
  parse: (a) => dbIndexArg(a),
  execute(index, s) {
    s.dbIndex = checkDbIndex(s, index);
    s.reply.ok();
  },
});

/** Writes the HELLO map (server facts) in the session's protocol. */
export function writeHello(s: Session): void {
  const r = s.reply;
  r.map(7);
  r.bulk("server");
  r.bulk("redis");
  r.bulk("version");
  r.bulk(REDIS_VERSION);
  r.bulk("proto");
  r.integer(s.protocol);
  r.bulk("id");
  r.integer(s.id);
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
        break;
      }
    }
    return cmd;
  },
  execute(cmd, s) {
    for (const opt of cmd.options) {
      if ("name" in opt) s.setName(opt.name);
      else if (!s.authenticate(opt.auth[0], opt.auth[1])) return;
    }
    if (cmd.error !== null) throw new CommandError(cmd.error);
    if (!s.authenticated) throw new CommandError(HELLO_NOAUTH);
    if (cmd.protocol !== null) s.protocol = cmd.protocol;
    writeHello(s);
  },
});

/** RESET */
const reset = command({
  name: "reset",
  arity: 1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse: noArgs,
  execute(_, s) {
    s.resetState();
    s.reply.simple("RESET");
  },
});

export const connectionCommands = [ping, echo, quit, select, hello, reset];
