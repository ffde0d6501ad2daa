/**
 * CLIENT and its subcommands: ID SETNAME GETNAME SETINFO INFO LIST KILL HELP. Replies follow
 * Redis 7.0.15 (checked against it); SETINFO is Redis 7.2's, because ioredis and node-redis
 * send it at connect, and CLIENT LIST/INFO then end with 7.2's `lib-name= lib-ver=` fields.
 *
 * `fd=` is the connection's descriptor, found through /proc (stats/socket_fds.ts) for
 * CLIENT LIST and INFO (-1 elsewhere, e.g. in ACL LOG, and for clients without a socket, as
 * Redis prints it for those); `multi=-1` and `redir=-1` as Redis prints them when unused.
 * `rbs=` is the reply buffer being filled (respd keeps no peak: `rbp=` repeats it), and
 * `tot-mem=` adds the read buffer, both reply buffers, the arguments, queued commands and
 * unsent output.
 */

import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, cString, SYNTAX_ERROR } from "./errors.ts";
import { type Args, isPlainName, parseInteger } from "./args.ts";
import type { ClientView, CommandContext, ServerServices } from "./context.ts";
import { trackingCommands } from "./client_tracking.ts";
import { pauseCommands } from "./client_pause.ts";
import { socketDescriptors } from "../stats/socket_fds.ts";

const CLIENT_FLAGS = ["noscript", "loading", "stale"] as const;
const ADMIN_FLAGS = ["admin", "noscript", "loading", "stale"] as const;
const CATEGORIES = ["slow", "connection"];
const ADMIN_CATEGORIES = ["admin", "slow", "dangerous", "connection"];

/** Client classes CLIENT LIST/KILL TYPE accept; respd has no replicas or masters. */
type ClientType = "normal" | "master" | "replica" | "pubsub";

function clientType(name: string): ClientType {
  const t = name.toLowerCase();
  if (t === "normal" || t === "master" || t === "replica" || t === "pubsub") return t;
  if (t === "slave") return "replica";
  throw new CommandError(`ERR Unknown client type '${cString(name)}'`);
}

/** The class a session belongs to (Redis's getClientType): subscribed ones are "pubsub". */
function typeOf(s: ClientView): ClientType {
  return s.subscriptions.active ? "pubsub" : "normal";
}

/** Bytes of the arguments of the command running now (Redis's argv-mem of the caller). */
function argvBytes(s: ClientView): number {
  let n = 0;
  for (const arg of s.parser.args) n += arg.length;
  return n;
}

/** One line of CLIENT LIST / CLIENT INFO, in Redis's field order, without the newline. */
export function clientInfoLine(
  s: ClientView,
  caller: ClientView,
  now = Date.now(),
  cmd = s.lastCommand,
  gateway: ServerServices["gateway"] = null,
  fds: ReadonlyMap<string, number> | null = null,
): string {
  const q = s.queryBuffer;
  const rb = s.replyBuffers;
  const out = s.pendingOutput;
  // Fields past Redis 7.0's: watch= (Redis 7.4), lib-name/lib-ver (7.2), and respd's own
  // transport= (tcp, or ws for a browser's WebSocket).
  // Redis's flag letters, in its order: O monitor, P pub/sub, x MULTI, b blocked, t tracking,
  // R broken redirect, B broadcast, d a watched key changed; N when none.
  const t = s.tracking;
  const tx = s.transaction;
  const argvMem = s === caller ? argvBytes(caller) : 0;
  // Redis's multi-mem: the queued commands' arguments, plus a small entry for each
  let multiMem = 0;
  for (const queued of tx.queue ?? []) {
    multiMem += 16;
    for (const arg of queued.argv) multiMem += arg.length;
  }
  const flags =
    (s.monitoring ? "O" : "") + (typeOf(s) === "pubsub" ? "P" : "") + (tx.active ? "x" : "") +
      (s.blocked ? "b" : "") + (t.on ? "t" : "") + (t.brokenRedirect ? "R" : "") +
      (t.bcast ? "B" : "") +
      (tx.watches.dirty ? "d" : "") + (s.noEvict ? "e" : "") + (s.noTouch ? "T" : "") || "N";
  return `id=${s.id} addr=${s.transport.remoteAddress} laddr=${s.transport.localAddress}` +
    ` fd=${fds?.get(`${s.transport.localAddress} ${s.transport.remoteAddress}`) ?? -1}` +
    ` name=${s.name} age=${Math.floor((now - s.createdAt) / 1000)}` +
    ` idle=${
      Math.max(0, Math.floor((now - s.lastActivity) / 1000))
    } flags=${flags} db=${s.dbIndex}` +
    ` sub=${s.subscriptions.channels.size} psub=${s.subscriptions.patterns.size}` +
    ` ssub=${s.subscriptions.shardChannels.size}` +
    ` multi=${tx.queue === null ? -1 : tx.queue.length} watch=${tx.watches.count}` +
    ` qbuf=${q.used} qbuf-free=${q.size - q.used} argv-mem=${argvMem} multi-mem=${multiMem}` +
    ` rbs=${rb.current} rbp=${rb.current} obl=${out} oll=0 omem=${out}` +
    ` tot-mem=${q.size + rb.total + argvMem + multiMem + out} events=${out > 0 ? "rw" : "r"}` +
    ` cmd=${cmd} user=${s.user.name} redir=${t.on ? t.redirect : -1} resp=${s.protocol}` +
    ` lib-name=${s.libName} lib-ver=${s.libVersion} transport=${s.transport.kind}` +
    (gateway === null ? "" : ` upstream=${gateway.clientField(s.id)}`);
}

/** Writes client text as Redis does: verbatim `txt` in RESP3, a bulk string in RESP2. */
function writeText(ctx: CommandContext, text: string): void {
  ctx.reply.verbatim("txt", text);
}

/** CLIENT ID */
const id = command({
  name: "client|id",
  arity: 2,
  flags: CLIENT_FLAGS,
  categories: CATEGORIES,
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.integer(ctx.client.id),
});

/** CLIENT SETNAME connection-name ("" clears the name) */
const setname = command({
  name: "client|setname",
  arity: 3,
  flags: CLIENT_FLAGS,
  categories: CATEGORIES,
  parse: (a) => a.next(),
  execute(name, ctx) {
    ctx.client.setName(name);
    ctx.reply.ok();
  },
});

/** CLIENT GETNAME: the name, or null when none is set. */
const getname = command({
  name: "client|getname",
  arity: 2,
  flags: CLIENT_FLAGS,
  categories: CATEGORIES,
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.bulkOrNull(ctx.client.name === "" ? null : ctx.client.name),
});

/** CLIENT SETINFO LIB-NAME name | LIB-VER version (Redis 7.2) */
const setinfo = command({
  name: "client|setinfo",
  arity: 4,
  flags: CLIENT_FLAGS,
  categories: CATEGORIES,
  parse(a) {
    const attr = a.next();
    const value = a.next();
    const upper = attr.toUpperCase();
    if (upper !== "LIB-NAME" && upper !== "LIB-VER") {
      throw new CommandError(`ERR Unrecognized option '${cString(attr)}'`);
    }
    if (!isPlainName(value)) {
      throw new CommandError(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
    }
    return { libName: upper === "LIB-NAME", value };
  },
  execute(cmd, ctx) {
    if (cmd.libName) ctx.client.libName = cmd.value;
    else ctx.client.libVersion = cmd.value;
    ctx.reply.ok();
  },
});

/** CLIENT INFO: this connection's line. */
const info = command({
  name: "client|info",
  arity: 2,
  flags: CLIENT_FLAGS,
  categories: CATEGORIES,
  tips: ["nondeterministic_output"],
  parse: () => undefined,
  execute: (_, ctx) =>
    writeText(
      ctx,
      clientInfoLine(
        ctx.client,
        ctx.client,
        Date.now(),
        ctx.client.lastCommand,
        ctx.server.gateway,
        socketDescriptors(),
      ) + "\n",
    ),
});

interface ListFilter {
  type: ClientType | null;
  ids: Set<number> | null;
}

/** CLIENT LIST [TYPE NORMAL|MASTER|REPLICA|PUBSUB] [ID client-id [client-id ...]] */
const list = command<ListFilter>({
  name: "client|list",
  arity: -2,
  flags: ADMIN_FLAGS,
  categories: ADMIN_CATEGORIES,
  tips: ["nondeterministic_output"],
  parse(a) {
    const filter: ListFilter = { type: null, ids: null };
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (opt === "TYPE" && a.remaining >= 1) {
        filter.type = clientType(a.next());
      } else if (opt === "ID" && a.remaining >= 1) {
        filter.ids = new Set();
        while (a.hasMore()) {
          const n = parseInteger(a.next());
          if (n === null) throw new CommandError("ERR Invalid client ID");
          filter.ids.add(Number(n));
        }
      } else {
        throw new CommandError(SYNTAX_ERROR);
      }
    }
    return filter;
  },
  execute(filter, ctx) {
    const now = Date.now();
    const fds = socketDescriptors();
    const gateway = ctx.server.gateway;
    let text = "";
    for (const other of ctx.server.sessions.values()) {
      if (filter.type !== null && typeOf(other) !== filter.type) continue;
      if (filter.ids !== null && !filter.ids.has(other.id)) continue;
      text += clientInfoLine(other, ctx.client, now, other.lastCommand, gateway, fds) + "\n";
    }
    writeText(ctx, text);
  },
});

interface KillFilter {
  /** The old form `CLIENT KILL addr`: replies OK or an error instead of a count. */
  legacy: boolean;
  id: number | null;
  type: ClientType | null;
  addr: string | null;
  laddr: string | null;
  /** USER: a user name, checked when the command runs (it needs the ACL users). */
  user: string | null;
  skipme: boolean;
}

/**
 * CLIENT KILL ip:port
 * CLIENT KILL [ID id] [TYPE type] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes|no]
 */
const kill = command<KillFilter>({
  name: "client|kill",
  arity: -3,
  flags: ADMIN_FLAGS,
  categories: ADMIN_CATEGORIES,
  parse(a) {
    const f: KillFilter = {
      legacy: false,
      id: null,
      type: null,
      addr: null,
      laddr: null,
      user: null,
      skipme: true,
    };
    if (a.remaining === 1) {
      f.legacy = true;
      f.addr = a.next();
      f.skipme = false;
      return f;
    }
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (a.remaining < 1) throw new CommandError(SYNTAX_ERROR);
      const value = a.next();
      if (opt === "ID") {
        const n = parseInteger(value);
        if (typeof n !== "number" || n < 1) {
          throw new CommandError("ERR client-id should be greater than 0");
        }
        f.id = n;
      } else if (opt === "TYPE") {
        f.type = clientType(value);
      } else if (opt === "ADDR") {
        f.addr = value;
      } else if (opt === "LADDR") {
        f.laddr = value;
      } else if (opt === "USER") {
        f.user = value;
      } else if (opt === "SKIPME") {
        const v = value.toLowerCase();
        if (v !== "yes" && v !== "no") throw new CommandError(SYNTAX_ERROR);
        f.skipme = v === "yes";
      } else {
        throw new CommandError(SYNTAX_ERROR);
      }
    }
    return f;
  },
  execute(f, ctx) {
    const user = f.user === null ? null : ctx.server.acl.get(f.user);
    if (user === undefined) throw new CommandError(`ERR No such user '${cString(f.user!)}'`);
    let killed = 0;
    for (const other of [...ctx.server.sessions.values()]) {
      if (f.id !== null && other.id !== f.id) continue;
      if (f.type !== null && typeOf(other) !== f.type) continue;
      if (f.addr !== null && other.transport.remoteAddress !== f.addr) continue;
      if (f.laddr !== null && other.transport.localAddress !== f.laddr) continue;
      if (user !== null && other.user !== user) continue;
      if (other === ctx.client && f.skipme) continue;
      killed++;
      // Redis closes the caller itself only after its reply is written.
      if (other === ctx.client) ctx.client.closeAfterReply();
      else other.kill();
    }
    if (!f.legacy) return ctx.reply.integer(killed);
    if (killed === 0) throw new CommandError("ERR No such client");
    ctx.reply.ok();
  },
});

const HELP_LINES = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "SETINFO <option> <value>",
  "    Set client meta attr. Options are:",
  "    * LIB-NAME: the client lib name.",
  "    * LIB-VER: the client lib version.",
  "HELP",
  "    Prints this help.",
];

/** CLIENT UNBLOCK client-id [TIMEOUT|ERROR] */
const unblock = command({
  name: "client|unblock",
  arity: -3,
  flags: ADMIN_FLAGS,
  categories: ADMIN_CATEGORIES,
  parse(a) {
    const idText = a.next();
    let error = false;
    if (a.hasMore()) {
      const reason = a.nextOption();
      if (a.hasMore()) {
        throw new CommandError(
          `ERR unknown subcommand or wrong number of arguments for '${
            cString(a.argv[1]).slice(0, 128)
          }'. Try CLIENT HELP.`,
        );
      }
      if (reason === "ERROR") error = true;
      else if (reason !== "TIMEOUT") {
        throw new CommandError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
      }
    }
    const id = parseInteger(idText);
    if (id === null) throw new CommandError("ERR value is not an integer or out of range");
    return { id: Number(id), error };
  },
  execute({ id, error }, ctx) {
    const target = ctx.server.sessions.get(id);
    const done = target !== undefined &&
      ctx.server.blocking.unblock(
        target,
        error ? "UNBLOCKED client unblocked via CLIENT UNBLOCK" : null,
      );
    ctx.reply.integer(done ? 1 : 0);
  },
});

/** CLIENT NO-EVICT ON|OFF: kept and shown (flag e); respd does not evict clients. */
const noEvict = command({
  name: "client|no-evict",
  arity: 3,
  flags: ADMIN_FLAGS,
  categories: ADMIN_CATEGORIES,
  parse: onOff,
  execute(on, ctx) {
    ctx.client.noEvict = on;
    ctx.reply.ok();
  },
});

/**
 * CLIENT NO-TOUCH ON|OFF (Redis 7.2): the client's reads leave the keys' recency alone
 * (allkeys-lru); TOUCH still touches. Flag T.
 */
const noTouch = command({
  name: "client|no-touch",
  arity: 3,
  flags: CLIENT_FLAGS,
  categories: CATEGORIES,
  parse: onOff,
  execute(on, ctx) {
    ctx.client.noTouch = on;
    ctx.reply.ok();
  },
});

function onOff(a: Args): boolean {
  const v = a.next().toLowerCase();
  if (v !== "on" && v !== "off") throw new CommandError(SYNTAX_ERROR);
  return v === "on";
}

/** CLIENT HELP */
const help = helpCommand("client", HELP_LINES, ["slow", "connection"]);

export const clientCommands = [
  commandGroup("client", [
    id,
    setname,
    getname,
    setinfo,
    info,
    list,
    kill,
    ...trackingCommands,
    unblock,
    ...pauseCommands,
    noEvict,
    noTouch,
    help,
  ]),
];
