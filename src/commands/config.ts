/**
 * CONFIG GET/SET/RESETSTAT/HELP: the redis.conf parameters respd has, with their live
 * values, replies as Redis 7.0.15's. CONFIG SET changes only those that can change while
 * running, all or nothing.
 */

import {
  formatNotifyClasses,
  INVALID_CLASS_MESSAGE,
  parseNotifyClasses,
} from "../pubsub/keyspace_events.ts";
import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, cString, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";
import {
  formatSavePoints,
  type LogLevel,
  parseMemory,
  parseSavePoints,
  type ServerConfig,
} from "../config.ts";
import type { EncodingLimits } from "../store/encoding_limits.ts";
import { globMatch } from "../store/glob.ts";
import { EVICTION_POLICIES } from "../store/key_access.ts";
import { maxClientsForFds, openFileLimit } from "../transport/fd_limit.ts";
import type { ServerServices } from "./context.ts";
import { TlsConfigError } from "../transport/tls.ts";

/** Why a CONFIG SET value was refused; becomes Redis's "CONFIG SET failed" error. */
class ConfigValueError extends Error {}

/** One redis.conf parameter respd has: its live value, and how to change it if it can. */
interface Parameter {
  name: string;
  get(c: ServerConfig, server: ServerServices): string;
  /** Validates and applies; absent for parameters fixed at start. */
  set?(c: ServerConfig, value: string): void;
}

function integerSetter(
  min: number,
  max: number,
  apply: (c: ServerConfig, n: number) => void,
): (c: ServerConfig, v: string) => void {
  return (c, v) => {
    const n = parseInteger(v);
    if (n === null) throw new ConfigValueError("argument couldn't be parsed into an integer");
    if (typeof n === "bigint" || n < min || n > max) {
      throw new ConfigValueError(`argument must be between ${min} and ${max} inclusive`);
    }
    apply(c, n);
  };
}

function enumSetter(
  values: readonly string[],
  apply: (c: ServerConfig, v: string) => void,
): (c: ServerConfig, v: string) => void {
  return (c, v) => {
    const lower = v.toLowerCase();
    if (!values.includes(lower)) {
      throw new ConfigValueError(
        `argument(s) must be one of the following: ${values.join(", ")}`,
      );
    }
    apply(c, lower);
  };
}

function yesNoSetter(apply: (c: ServerConfig, on: boolean) => void) {
  return (c: ServerConfig, v: string) => {
    const lower = v.toLowerCase();
    if (lower !== "yes" && lower !== "no") {
      throw new ConfigValueError("argument must be 'yes' or 'no'");
    }
    apply(c, lower === "yes");
  };
}

const yesNo = (on: boolean) => (on ? "yes" : "no");

const LOG_LEVELS = ["debug", "verbose", "notice", "warning"];
const POLICIES: readonly string[] = EVICTION_POLICIES;

function limitText(c: ServerConfig): string {
  const { normal, pubsub } = c.clientOutputBufferLimit;
  return `normal ${normal.hard} ${normal.soft} ${normal.softSeconds} ` +
    `pubsub ${pubsub.hard} ${pubsub.soft} ${pubsub.softSeconds}`;
}

/** A file path parameter: "" means none. */
function pathParameter(
  name: string,
  field: "tlsCertFile" | "tlsKeyFile" | "tlsCaCertFile",
): Parameter {
  return { name, get: (c) => c[field] ?? "", set: (c, v) => (c[field] = v === "" ? null : v) };
}

/** The parameters whose change loads the TLS files again (Redis's applyTlsCfg). */
const TLS_PARAMETERS = new Set([
  "tls-cert-file",
  "tls-key-file",
  "tls-ca-cert-file",
  "tls-auth-clients",
]);

const PARAMETERS: readonly Parameter[] = [
  { name: "port", get: (_, server) => String(server.port) },
  { name: "tls-port", get: (_, server) => String(server.tlsPort) },
  pathParameter("tls-cert-file", "tlsCertFile"),
  pathParameter("tls-key-file", "tlsKeyFile"),
  pathParameter("tls-ca-cert-file", "tlsCaCertFile"),
  {
    name: "tls-auth-clients",
    get: (c) => c.tlsAuthClients,
    set: enumSetter(
      ["no", "yes", "optional"],
      (c, v) => (c.tlsAuthClients = v as ServerConfig["tlsAuthClients"]),
    ),
  },
  { name: "bind", get: (c) => c.bind },
  { name: "databases", get: (c) => String(c.databases) },
  {
    name: "save",
    get: (c) => formatSavePoints(c.save),
    set: (c, v) => {
      const points = parseSavePoints(v);
      if (points === null) throw new ConfigValueError("Invalid save parameters");
      c.save = points;
    },
  },
  // Turning it on or off starts or stops the AOF once the new value is set (CONFIG SET).
  {
    name: "appendonly",
    get: (c) => yesNo(c.appendonly),
    set: yesNoSetter((c, on) => (c.appendonly = on)),
  },
  {
    name: "appendfsync",
    get: (c) => c.appendfsync,
    set: enumSetter(
      ["always", "everysec", "no"],
      (c, v) => (c.appendfsync = v as ServerConfig["appendfsync"]),
    ),
  },
  { name: "appenddirname", get: (c) => c.appenddirname },
  { name: "appendfilename", get: (c) => c.appendfilename },
  {
    name: "dbfilename",
    get: (c) => c.dbfilename,
    set: (c, v) => {
      if (v.includes("/")) {
        throw new ConfigValueError("dbfilename can't be a path, just a filename");
      }
      c.dbfilename = v;
    },
  },
  {
    name: "rdbcompression",
    get: (c) => yesNo(c.rdbcompression),
    set: yesNoSetter((c, on) => (c.rdbcompression = on)),
  },
  {
    name: "aof-load-truncated",
    get: (c) => yesNo(c.aofLoadTruncated),
    set: yesNoSetter((c, on) => (c.aofLoadTruncated = on)),
  },
  {
    name: "auto-aof-rewrite-percentage",
    get: (c) => String(c.autoAofRewritePercentage),
    set: integerSetter(0, 2147483647, (c, n) => (c.autoAofRewritePercentage = n)),
  },
  {
    name: "auto-aof-rewrite-min-size",
    get: (c) => String(c.autoAofRewriteMinSize),
    set: (c, v) => {
      const n = parseMemory(v);
      if (n === null) throw new ConfigValueError("argument must be a memory value");
      c.autoAofRewriteMinSize = n;
    },
  },
  {
    name: "loglevel",
    get: (c) => c.loglevel,
    set: enumSetter(LOG_LEVELS, (c, v) => (c.loglevel = v as LogLevel)),
  },
  {
    name: "maxclients",
    get: (c) => String(c.maxclients),
    // Capped by the descriptor limit as at start, with Redis's error (config.c).
    set: integerSetter(1, 4294967295, (c, n) => {
      const cap = maxClientsForFds(openFileLimit(), c.wsPort === null ? 0 : c.httpMaxPending);
      if (cap !== null && n > cap) {
        throw new ConfigValueError(
          "The operating system is not able to handle the specified number of clients, " +
            `try with ${cap}`,
        );
      }
      c.maxclients = n;
    }),
  },
  {
    name: "timeout",
    get: (c) => String(c.timeout),
    set: integerSetter(0, 2147483647, (c, n) => (c.timeout = n)),
  },
  {
    name: "maxmemory",
    get: (c) => String(c.maxmemory),
    set(c, v) {
      const n = parseMemory(v);
      if (n === null) throw new ConfigValueError("argument must be a memory value");
      c.maxmemory = n;
    },
  },
  {
    name: "maxmemory-policy",
    get: (c) => c.maxmemoryPolicy,
    set: enumSetter(
      POLICIES,
      (c, v) => (c.maxmemoryPolicy = v as ServerConfig["maxmemoryPolicy"]),
    ),
  },
  {
    name: "maxmemory-samples",
    get: (c) => String(c.maxmemorySamples),
    set: integerSetter(1, 2147483647, (c, n) => (c.maxmemorySamples = n)),
  },
  {
    name: "lfu-log-factor",
    get: (c) => String(c.lfuLogFactor),
    set: integerSetter(0, 2147483647, (c, n) => (c.lfuLogFactor = n)),
  },
  {
    name: "lfu-decay-time",
    get: (c) => String(c.lfuDecayTime),
    set: integerSetter(0, 2147483647, (c, n) => (c.lfuDecayTime = n)),
  },
  {
    name: "requirepass",
    get: (c) => c.requirepass ?? "",
    set: (c, v) => (c.requirepass = v === "" ? null : v),
  },
  { name: "aclfile", get: (c) => c.aclfile ?? "" },
  {
    name: "acllog-max-len",
    get: (c) => String(c.acllogMaxLen),
    set: integerSetter(0, Number.MAX_SAFE_INTEGER, (c, n) => (c.acllogMaxLen = n)),
  },
  ...encodingParameters(),
  {
    name: "notify-keyspace-events",
    get: (c) => formatNotifyClasses(c.notifyKeyspaceEvents),
    set(c, v) {
      const flags = parseNotifyClasses(v);
      if (flags === null) throw new ConfigValueError(INVALID_CLASS_MESSAGE);
      c.notifyKeyspaceEvents = flags;
    },
  },
  {
    name: "tracking-table-max-keys",
    get: (c) => String(c.trackingTableMaxKeys),
    set: integerSetter(0, Number.MAX_SAFE_INTEGER, (c, n) => (c.trackingTableMaxKeys = n)),
  },
  {
    name: "busy-reply-threshold",
    get: (c) => String(c.busyReplyThreshold),
    set: integerSetter(0, Number.MAX_SAFE_INTEGER, (c, n) => (c.busyReplyThreshold = n)),
  },
  {
    name: "lua-time-limit",
    get: (c) => String(c.busyReplyThreshold),
    set: integerSetter(0, Number.MAX_SAFE_INTEGER, (c, n) => (c.busyReplyThreshold = n)),
  },
  { name: "proto-max-bulk-len", get: (c) => String(c.protoMaxBulkLen) },
  { name: "client-query-buffer-limit", get: (c) => String(c.clientQueryBufferLimit) },
  { name: "client-output-buffer-limit", get: limitText },
  ...["list-max-listpack-size", "list-max-ziplist-size"].map((name) => ({
    name,
    get: (c: ServerConfig) => String(c.listMaxListpackSize),
    set: integerSetter(-2147483648, 2147483647, (c, n) => (c.listMaxListpackSize = n)),
  })),
  {
    name: "list-compress-depth",
    get: (c) => String(c.listCompressDepth),
    set: integerSetter(0, 2147483647, (c, n) => (c.listCompressDepth = n)),
  },
];

/**
 * The compact-encoding thresholds (store/encoding_limits.ts), under their Redis 7.0 names
 * and the older ziplist aliases that CONFIG GET also lists.
 */
function encodingParameters(): Parameter[] {
  // the *-value thresholds are sizes in bytes: Redis reads them as memory values (1kb ...)
  const limit = (name: string, field: keyof EncodingLimits): Parameter => ({
    name,
    get: (c) => String(c[field]),
    set(c, v) {
      const bytes = name.endsWith("-value");
      const n = bytes ? parseMemory(v) : parseInteger(v);
      if (n === null) {
        throw new ConfigValueError(
          bytes ? "argument must be a memory value" : "argument couldn't be parsed into an integer",
        );
      }
      if (n < 0) {
        throw new ConfigValueError("argument must be between 0 and 9223372036854775807 inclusive");
      }
      c[field] = Number(n);
    },
  });
  return [
    limit("hash-max-listpack-entries", "hashMaxListpackEntries"),
    limit("hash-max-ziplist-entries", "hashMaxListpackEntries"),
    limit("hash-max-listpack-value", "hashMaxListpackValue"),
    limit("hash-max-ziplist-value", "hashMaxListpackValue"),
    limit("set-max-intset-entries", "setMaxIntsetEntries"),
    limit("zset-max-listpack-entries", "zsetMaxListpackEntries"),
    limit("zset-max-ziplist-entries", "zsetMaxListpackEntries"),
    limit("zset-max-listpack-value", "zsetMaxListpackValue"),
    limit("zset-max-ziplist-value", "zsetMaxListpackValue"),
  ];
}

const PARAMETER_BY_NAME = new Map(PARAMETERS.map((p) => [p.name, p]));

/** CONFIG GET parameter [parameter ...] (glob patterns, case-insensitive) */
const configGet = command({
  name: "config|get",
  arity: -3,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  parse: (a) => a.rest(),
  execute(patterns, ctx) {
    // As Redis: an exact name is echoed as given; a glob lists the real names; each
    // parameter appears once.
    const found = new Map<Parameter, string>();
    for (const pattern of patterns) {
      const lower = pattern.toLowerCase();
      if (!/[*?[]/.test(pattern)) {
        const p = PARAMETER_BY_NAME.get(lower);
        if (p !== undefined && !found.has(p)) found.set(p, pattern);
        continue;
      }
      for (const p of PARAMETERS) {
        if (!found.has(p) && globMatch(lower, p.name)) found.set(p, p.name);
      }
    }
    ctx.reply.map(found.size);
    for (const [p, name] of found) {
      ctx.reply.bulk(name);
      ctx.reply.bulk(p.get(ctx.server.config, ctx.server));
    }
  },
});

/** CONFIG SET parameter value [parameter value ...] (all or nothing, as Redis 7) */
const configSet = command({
  name: "config|set",
  arity: -4,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
  parse(a) {
    if (a.remaining % 2 !== 0) throw new CommandError(SYNTAX_ERROR);
    const pairs: [Parameter, string][] = [];
    while (a.hasMore()) {
      const name = a.next();
      const p = PARAMETER_BY_NAME.get(name.toLowerCase());
      if (p === undefined) {
        throw new CommandError(
          `ERR Unknown option or number of arguments for CONFIG SET - '${cString(name)}'`,
        );
      }
      if (pairs.some(([q]) => q === p)) throw failed(name, "duplicate parameter");
      if (p.set === undefined) throw failed(name, "can't set immutable config");
      pairs.push([p, a.next()]);
    }
    return pairs;
  },
  execute(pairs, ctx) {
    // Validate every value on a copy first, so a bad one changes nothing.
    const next = { ...ctx.server.config };
    for (const [p, value] of pairs) {
      try {
        p.set!(next, value);
      } catch (e: unknown) {
        if (e instanceof ConfigValueError) throw failed(p.name, e.message);
        throw e;
      }
    }
    // New TLS files are loaded before anything changes; a bad one changes nothing.
    const tls = pairs.find(([p]) => TLS_PARAMETERS.has(p.name));
    if (tls !== undefined) {
      try {
        ctx.server.reloadTls(next);
      } catch (e: unknown) {
        if (!(e instanceof TlsConfigError)) throw e;
        ctx.server.log("warning", `Failed to configure TLS: ${e.message}`);
        throw failed(tls[0].name, "Unable to update TLS configuration. Check server logs.");
      }
    }
    // Then apply the same values (not their printed forms: `An` prints as `A`).
    const aofWasOn = ctx.server.config.appendonly;
    const passwordWas = ctx.server.config.requirepass;
    for (const [p, value] of pairs) p.set!(ctx.server.config, value);
    // requirepass is the default user's password (Redis's ACLUpdateDefaultUserPassword).
    const password = ctx.server.config.requirepass;
    if (pairs.some(([p]) => p.name === "requirepass") || password !== passwordWas) {
      ctx.server.acl.setDefaultPassword(password);
    }
    if (ctx.server.config.appendonly !== aofWasOn) {
      if (ctx.server.config.appendonly) ctx.server.aof.enable();
      else ctx.server.aof.stop().catch(() => {});
    }
    ctx.reply.ok();
  },
});

function failed(name: string, why: string): CommandError {
  return new CommandError(
    `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`,
  );
}

/** CONFIG RESETSTAT */
const configResetstat = command({
  name: "config|resetstat",
  arity: 2,
  flags: ["admin", "noscript", "loading", "stale"],
  categories: ["admin", "slow", "dangerous"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.server.stats.commands = 0;
    ctx.server.stats.connections = 0;
    ctx.server.stats.peakMemory = 0;
    ctx.reply.ok();
  },
});

/** CONFIG HELP */
const configHelp = helpCommand("config", [
  "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET <pattern>",
  "    Return parameters matching the glob-like <pattern> and their values.",
  "SET <directive> <value>",
  "    Set the configuration <directive> to <value>.",
  "RESETSTAT",
  "    Reset statistics reported by the INFO command.",
  "HELP",
  "    Prints this help.",
]);

export const configCommands = [
  commandGroup("config", [configGet, configSet, configResetstat, configHelp]),
];
