/**
 * ACL and its subcommands (SETUSER GETUSER DELUSER LIST USERS WHOAMI CAT GENPASS LOG DRYRUN
 * LOAD SAVE HELP), with Redis 7.0.15's replies and error texts, plus the pieces of the
 * access check the pipeline, EXEC and scripts share: the NOPERM texts and the ACL log
 * entries for denials and failed logins.
 *
 * The rules themselves live in acl/ (user.ts, acl_registry.ts); this file adds what
 * involves clients: a deleted user's clients are disconnected, and a user's subscribers
 * that lost a channel they listen to are disconnected, as in Redis 7.0.
 */

import { randomBytes } from "node:crypto";
import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, cString, NOT_INTEGER } from "./errors.ts";
import { type Args, parseInteger } from "./args.ts";
import type { ClientState, ClientView, CommandContext } from "./context.ts";
import { clientInfoLine } from "./client.ts";
import {
  ACL_CATEGORIES,
  ACL_OK,
  type AclUser,
  channelInList,
  DENIED_AUTH,
  DENIED_CHANNEL,
  DENIED_CMD,
  DENIED_KEY,
  hasSpaces,
} from "../acl/user.ts";
import type { AclLogContext } from "../acl/acl_log.ts";
import { reasonName } from "../acl/acl_log.ts";
import {
  type AclRegistry,
  mergeSelectorArgs,
  SetUserError,
  UnmatchedSelectorError,
} from "../acl/acl_registry.ts";
import type { CommandSpec } from "./command.ts";
import { allCommands, lookupCommand } from "./command_table.ts";

/** The command DRYRUN asks about: no arity check, a container's subcommand when named. */
function dryrunLookup(argv: readonly string[]): CommandSpec | undefined {
  const base = lookupCommand(argv[0]);
  if (base === undefined || base.subcommands === undefined || argv.length === 1) return base;
  return base.subcommands.get(argv[1].toLowerCase());
}

/** The NOPERM error the pipeline answers for a denial (processCommand's texts). */
export function noPermissionError(code: number, spec: CommandSpec): string {
  if (code === DENIED_CMD) {
    return `NOPERM this user has no permissions to run the '${spec.name}' command`;
  }
  if (code === DENIED_KEY) {
    return "NOPERM this user has no permissions to access one of the keys used as arguments";
  }
  return "NOPERM this user has no permissions to access one of the channels used as arguments";
}

/** A script's `redis.call` refused by ACL (scriptVerifyACL's texts). */
export function scriptNoPermission(code: number): string {
  switch (code) {
    case DENIED_CMD:
      return "ERR The user executing the script can't run this command or subcommand";
    case DENIED_KEY:
      return "ERR The user executing the script can't access at least one of the keys " +
        "mentioned in the command arguments";
    case DENIED_CHANNEL:
      return "ERR The user executing the script can't publish to the channel mentioned in " +
        "the command";
    default:
      return "ERR The user executing the script is lacking the permissions for the command";
  }
}

/** EXEC finding a queued command no longer allowed (execCommand's texts). */
export function execNoPermission(code: number): string {
  const reason = code === DENIED_CMD
    ? "no permission to execute the command or subcommand"
    : code === DENIED_KEY
    ? "no permission to touch the specified keys"
    : code === DENIED_CHANNEL
    ? "no permission to access one of the channels used as arguments"
    : "no permission";
  return "NOPERM ACLs rules changed between the moment the transaction was accumulated and " +
    `the EXEC call. This command is no longer allowed for the following reason: ${reason}`;
}

/** Adds an ACL LOG entry for a denied command, key or channel (addACLLogEntry). */
export function recordDenial(
  client: ClientView,
  acl: AclRegistry,
  code: number,
  pos: number,
  spec: CommandSpec,
  argv: readonly string[],
  context: AclLogContext,
  user: AclUser = client.user,
): void {
  acl.log.add({
    reason: code,
    context,
    object: code === DENIED_CMD ? spec.name : argv[pos],
    username: user.name,
    ctime: Date.now(),
    // In a script, the client is the script's caller, running its EVAL.
    clientInfo: clientInfoLine(
      client,
      client,
      Date.now(),
      context === "lua" ? client.lastCommand : spec.name,
    ),
  });
}

/** Adds an ACL LOG entry for a failed AUTH or HELLO AUTH. */
export function recordAuthFailure(
  client: ClientState,
  acl: AclRegistry,
  username: string,
  command: string,
): void {
  acl.log.add({
    reason: DENIED_AUTH,
    context: client.transaction.active ? "multi" : "toplevel",
    object: command,
    username,
    ctime: Date.now(),
    clientInfo: clientInfoLine(client, client, Date.now(), command.toLowerCase()),
  });
}

const FLAGS = ["admin", "noscript", "loading", "stale"] as const;
const PLAIN_FLAGS = ["noscript", "loading", "stale"] as const;
const ADMIN = ["admin", "slow", "dangerous"];
const SLOW = ["slow"];

/** Redis's addReplySubcommandSyntaxError, naming the subcommand as the client typed it. */
function syntaxError(args: Args, sub: string): CommandError {
  const typed = args.argv[1];
  if (typed !== undefined && typed.toLowerCase() === sub) sub = typed;
  return new CommandError(
    `ERR unknown subcommand or wrong number of arguments for '${
      cString(sub).slice(0, 128)
    }'. Try ACL HELP.`,
  );
}

/**
 * Disconnects the subscribers of `user` that hold a channel or pattern the user no
 * longer grants (ACLKillPubsubClientsIfNeeded): nothing when a selector allows every
 * channel, or when the new channel list keeps every old one.
 */
function killLostSubscribers(ctx: CommandContext, before: AclUser, user: AclUser): void {
  if (user.selectors.some((s) => s.allChannels)) return;
  const upcoming = user.selectors.flatMap((s) => s.channels);
  const old = before.selectors.flatMap((s) => s.channels);
  if (old.every((c) => upcoming.includes(c))) return;
  for (const other of [...ctx.server.sessions.values()]) {
    if (other.user !== user || !other.subscriptions.active) continue;
    const subs = other.subscriptions;
    const lost = [...subs.patterns].some((p) => !channelInList(upcoming, p, true)) ||
      [...subs.channels].some((c) => !channelInList(upcoming, c, false)) ||
      [...subs.shardChannels].some((c) => !channelInList(upcoming, c, false));
    if (!lost) continue;
    if (other === ctx.client) ctx.client.closeAfterReply();
    else other.kill();
  }
}

/** Disconnects every client of a user that is gone (ACLFreeUserAndKillClients). */
function killClientsOf(ctx: CommandContext, gone: ReadonlySet<AclUser>): void {
  for (const other of [...ctx.server.sessions.values()]) {
    if (!gone.has(other.user)) continue;
    if (other === ctx.client) {
      ctx.client.signOut();
      ctx.client.closeAfterReply();
    } else other.kill();
  }
}

/** ACL SETUSER username [rule ...] */
const setuser = command<string[]>({
  name: "acl|setuser",
  arity: -3,
  flags: FLAGS,
  categories: ADMIN,
  parse(a) {
    const out: string[] = [];
    while (a.hasMore()) out.push(a.next());
    return out;
  },
  execute([name, ...args], ctx) {
    if (hasSpaces(name)) {
      throw new CommandError("ERR Usernames can't contain spaces or null characters");
    }
    let rules: string[];
    try {
      rules = mergeSelectorArgs(args);
    } catch (e: unknown) {
      if (!(e instanceof UnmatchedSelectorError)) throw e;
      throw new CommandError(
        `ERR Unmatched parenthesis in acl selector starting at '${cString(args[e.index])}'.`,
      );
    }
    let result;
    try {
      result = ctx.server.acl.setUser(name, rules);
    } catch (e: unknown) {
      if (e instanceof SetUserError) {
        throw new CommandError(
          `ERR Error in ACL SETUSER modifier '${cString(e.rule)}': ${e.reason}`,
        );
      }
      throw e;
    }
    if (result.before !== null) killLostSubscribers(ctx, result.before, result.user);
    ctx.reply.ok();
  },
});

/** ACL GETUSER username */
const getuser = command<string>({
  name: "acl|getuser",
  arity: 3,
  flags: FLAGS,
  categories: ADMIN,
  parse: (a) => a.next(),
  execute(name, ctx) {
    const u = ctx.server.acl.get(name);
    const r = ctx.reply;
    if (u === undefined) return r.null();
    r.map(6);
    r.bulk("flags");
    const flags = u.flags();
    r.set(flags.length);
    for (const f of flags) r.bulk(f);
    r.bulk("passwords");
    r.array(u.passwords.length);
    for (const p of u.passwords) r.bulk(p);
    const root = u.rootSelector;
    r.bulk("commands");
    r.bulk(root.describeCommands());
    r.bulk("keys");
    r.bulk(root.keysText());
    r.bulk("channels");
    r.bulk(root.channelsText());
    r.bulk("selectors");
    r.array(u.selectors.length - 1);
    for (const s of u.selectors.slice(1)) {
      r.map(3);
      r.bulk("commands");
      r.bulk(s.describeCommands());
      r.bulk("keys");
      r.bulk(s.keysText());
      r.bulk("channels");
      r.bulk(s.channelsText());
    }
  },
});

/** ACL DELUSER username [username ...] */
const deluser = command<string[]>({
  name: "acl|deluser",
  arity: -3,
  flags: FLAGS,
  categories: ADMIN,
  parse(a) {
    const out: string[] = [];
    while (a.hasMore()) out.push(a.next());
    return out;
  },
  execute(names, ctx) {
    if (names.includes("default")) {
      throw new CommandError("ERR The 'default' user cannot be removed");
    }
    const gone = new Set<AclUser>();
    for (const name of names) {
      const u = ctx.server.acl.delete(name);
      if (u !== undefined) gone.add(u);
    }
    killClientsOf(ctx, gone);
    ctx.reply.integer(gone.size);
  },
});

/** ACL LIST: every user as an ACL file line. */
const list = command({
  name: "acl|list",
  arity: 2,
  flags: FLAGS,
  categories: ADMIN,
  parse: () => undefined,
  execute(_, ctx) {
    const users = ctx.server.acl.sorted();
    ctx.reply.array(users.length);
    for (const u of users) ctx.reply.bulk(`user ${u.name} ${u.describe()}`);
  },
});

/** ACL USERS: every user name. */
const users = command({
  name: "acl|users",
  arity: 2,
  flags: FLAGS,
  categories: ADMIN,
  parse: () => undefined,
  execute(_, ctx) {
    const all = ctx.server.acl.sorted();
    ctx.reply.array(all.length);
    for (const u of all) ctx.reply.bulk(u.name);
  },
});

/** ACL WHOAMI */
const whoami = command({
  name: "acl|whoami",
  arity: 2,
  flags: PLAIN_FLAGS,
  categories: SLOW,
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.bulk(ctx.client.user.name),
});

/** ACL CAT [category] */
const cat = command<string | null>({
  name: "acl|cat",
  arity: -2,
  flags: PLAIN_FLAGS,
  categories: SLOW,
  parse(a) {
    if (a.remaining > 1) throw syntaxError(a, "cat");
    return a.hasMore() ? a.next() : null;
  },
  execute(category, ctx) {
    if (category === null) {
      ctx.reply.array(ACL_CATEGORIES.length);
      for (const c of ACL_CATEGORIES) ctx.reply.bulk(c);
      return;
    }
    const name = category.toLowerCase();
    if (!ACL_CATEGORIES.includes(name)) {
      throw new CommandError(`ERR Unknown category '${cString(category).slice(0, 128)}'`);
    }
    const names: string[] = [];
    for (const c of allCommands) {
      if (c.categories.includes(name)) names.push(c.name);
      for (const s of c.subcommands?.values() ?? []) {
        if (s.categories.includes(name)) names.push(s.name);
      }
    }
    ctx.reply.array(names.length);
    for (const n of names) ctx.reply.bulk(n);
  },
});

const GENPASS_MAX_BITS = 4096;

/** ACL GENPASS [bits] */
const genpass = command<number>({
  name: "acl|genpass",
  arity: -2,
  flags: PLAIN_FLAGS,
  categories: SLOW,
  parse(a) {
    if (a.remaining > 1) throw syntaxError(a, "genpass");
    if (!a.hasMore()) return 256;
    const n = parseInteger(a.next());
    if (typeof n !== "number") throw new CommandError(NOT_INTEGER);
    return n;
  },
  execute(bits, ctx) {
    if (bits <= 0 || bits > GENPASS_MAX_BITS) {
      throw new CommandError(
        "ERR ACL GENPASS argument must be the number of bits for the output password, " +
          `a positive number up to ${GENPASS_MAX_BITS}`,
      );
    }
    const chars = Math.floor((bits + 3) / 4);
    ctx.reply.bulk(randomBytes(Math.ceil(chars / 2)).toString("hex").slice(0, chars));
  },
});

/** ACL LOG [count | RESET] */
const log = command<number | "reset">({
  name: "acl|log",
  arity: -2,
  flags: FLAGS,
  categories: ADMIN,
  parse(a) {
    if (a.remaining > 1) throw syntaxError(a, "log");
    if (!a.hasMore()) return 10;
    const arg = a.next();
    if (arg.toLowerCase() === "reset") return "reset";
    const n = parseInteger(arg);
    if (n === null) throw new CommandError(NOT_INTEGER);
    return n < 0 ? 0 : Number(n);
  },
  execute(count, ctx) {
    const acl = ctx.server.acl;
    if (count === "reset") {
      acl.log.reset();
      return ctx.reply.ok();
    }
    const entries = acl.log.entries.slice(0, count);
    const now = Date.now();
    const r = ctx.reply;
    r.array(entries.length);
    for (const e of entries) {
      r.map(7);
      r.bulk("count");
      r.integer(e.count);
      r.bulk("reason");
      r.bulk(reasonName(e.reason));
      r.bulk("context");
      r.bulk(e.context);
      r.bulk("object");
      r.bulk(e.object);
      r.bulk("username");
      r.bulk(e.username);
      r.bulk("age-seconds");
      r.double((now - e.ctime) / 1000);
      r.bulk("client-info");
      r.bulk(e.clientInfo);
    }
  },
});

/** ACL DRYRUN username command [arg ...] */
const dryrun = command<string[]>({
  name: "acl|dryrun",
  arity: -4,
  flags: FLAGS,
  categories: ADMIN,
  parse(a) {
    const out: string[] = [];
    while (a.hasMore()) out.push(a.next());
    return out;
  },
  execute([name, ...argv], ctx) {
    const u = ctx.server.acl.get(name);
    if (u === undefined) throw new CommandError(`ERR User '${cString(name)}' not found`);
    const spec = dryrunLookup(argv);
    if (spec === undefined) throw new CommandError(`ERR Command '${cString(argv[0])}' not found`);
    const { code, pos } = u.check(spec, argv);
    if (code === ACL_OK) return ctx.reply.ok();
    // Redis names the command being run here (DRYRUN's own fullname), as 7.0 does.
    const text = code === DENIED_CMD
      ? `This user has no permissions to run the '${spec.name}' command`
      : code === DENIED_KEY
      ? `This user has no permissions to access the '${cString(argv[pos])}' key`
      : `This user has no permissions to access the '${cString(argv[pos])}' channel`;
    ctx.reply.bulk(text);
  },
});

const NO_ACL_FILE = "ERR This Redis instance is not configured to use an ACL file. You may " +
  "want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE " +
  "(assuming you have a Redis configuration file set) in order to store users in the Redis " +
  "configuration.";

/** ACL LOAD: replaces every user with the ACL file's. */
const load = command({
  name: "acl|load",
  arity: 2,
  flags: FLAGS,
  categories: ADMIN,
  parse: () => undefined,
  execute(_, ctx) {
    const path = ctx.server.config.aclfile;
    if (path === null) throw new CommandError(NO_ACL_FILE);
    const result = ctx.server.acl.loadFile(path);
    if ("error" in result) throw new CommandError(`ERR ${result.error}`);
    killClientsOf(ctx, new Set(result.replaced));
    ctx.reply.ok();
  },
});

/** ACL SAVE: writes every user to the ACL file. */
const save = command({
  name: "acl|save",
  arity: 2,
  flags: FLAGS,
  categories: ADMIN,
  parse: () => undefined,
  execute(_, ctx) {
    const path = ctx.server.config.aclfile;
    if (path === null) throw new CommandError(NO_ACL_FILE);
    try {
      ctx.server.acl.saveFile(path);
    } catch {
      throw new CommandError(
        "ERR There was an error trying to save the ACLs. Please check the server logs for " +
          "more information",
      );
    }
    ctx.reply.ok();
  },
});

const ACL_HELP = [
  "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CAT [<category>]",
  "    List all commands that belong to <category>, or all command categories",
  "    when no category is specified.",
  "DELUSER <username> [<username> ...]",
  "    Delete a list of users.",
  "DRYRUN <username> <command> [<arg> ...]",
  "    Returns whether the user can execute the given command without executing the command.",
  "GETUSER <username>",
  "    Get the user's details.",
  "GENPASS [<bits>]",
  "    Generate a secure 256-bit user password. The optional `bits` argument can",
  "    be used to specify a different size.",
  "LIST",
  "    Show users details in config file format.",
  "LOAD",
  "    Reload users from the ACL file.",
  "LOG [<count> | RESET]",
  "    Show the ACL log entries.",
  "SAVE",
  "    Save the current config to the ACL file.",
  "SETUSER <username> <attribute> [<attribute> ...]",
  "    Create or modify a user with the specified attributes.",
  "USERS",
  "    List all the registered usernames.",
  "WHOAMI",
  "    Return the current connection username.",
  "HELP",
  "    Prints this help.",
];

export const aclCommands = [
  commandGroup("acl", [
    cat,
    deluser,
    dryrun,
    genpass,
    getuser,
    list,
    load,
    log,
    save,
    setuser,
    users,
    whoami,
    helpCommand("acl", ACL_HELP),
  ]),
];
