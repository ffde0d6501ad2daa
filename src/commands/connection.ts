/** Connection commands: PING ECHO QUIT SELECT HELLO RESET. */

import { command, noArgs } from "./command.ts";
import { CommandError, DB_INDEX_OUT_OF_RANGE } from "./errors.ts";
import { REDIS_VERSION } from "../server.ts";
import type { Session } from "../session.ts";

/** PING [message] */
const ping = command({
  name: "ping",
  arity: -1,
  flags: ["fast", "stale", "loading"],
  categories: ["fast", "connection"],
  parse: (a) => (a.hasMore() ? a.next() : null),
  execute(message, s) {
    if (message === null) s.reply.simple("PONG");
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
  flags: ["fast", "stale", "loading", "no_auth", "allow_busy"],
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
  parse: (a) => a.int(),
  execute(index, s) {
    if (index < 0 || index >= s.server.keyspace.dbs.length) {
      throw new CommandError(DB_INDEX_OUT_OF_RANGE);
    }
    s.dbIndex = index;
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

interface Hello {
  protocol: 2 | 3 | null;
  auth: [string, string] | null;
  name: string | null;
}

/** HELLO [protover [AUTH username password] [SETNAME clientname]] */
const hello = command<Hello>({
  name: "hello",
  arity: -1,
  flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
  categories: ["fast", "connection"],
  parse(a) {
    const cmd: Hello = { protocol: null, auth: null, name: null };
    if (!a.hasMore()) return cmd;
    const version = a.int("ERR Protocol version is not an integer or out of range");
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (opt === "AUTH" && a.remaining >= 2) cmd.auth = [a.next(), a.next()];
      else if (opt === "SETNAME" && a.remaining >= 1) cmd.name = a.next();
      else throw new CommandError(`ERR Syntax error in HELLO option '${opt.toLowerCase()}'`);
    }
    if (version < 2 || version > 3) {
      throw new CommandError("NOPROTO unsupported protocol version");
    }
    cmd.protocol = version as 2 | 3;
    return cmd;
  },
  execute(cmd, s) {
    if (cmd.auth !== null && !s.authenticate(cmd.auth[0], cmd.auth[1])) return;
    if (cmd.name !== null) s.setName(cmd.name);
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
