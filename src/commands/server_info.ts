/**
 * Server commands: INFO, CONFIG GET/SET/RESETSTAT/HELP, TIME, LASTSAVE, MEMORY USAGE/HELP.
 * Replies follow Redis 7.0.15 (checked against it). INFO prints only fields respd really has a value for;
 * sections and field names are Redis's, so tools that parse INFO (redis-cli, client
 * libraries, monitoring) read it. CONFIG exposes the redis.conf parameters respd has, with
 * their live values; CONFIG SET changes only those that can change while running.
 */

import {
  formatNotifyClasses,
  INVALID_CLASS_MESSAGE,
  parseNotifyClasses,
} from "../pubsub/keyspace_events.ts";
import process from "node:process";
import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, cString, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";
import {
  type LogLevel,
  parseMemory,
  REDIS_VERSION,
  type ServerConfig,
  VERSION,
} from "../config.ts";
import type { EncodingLimits } from "../store/encoding_limits.ts";
import { globMatch } from "../store/glob.ts";
import type { Database } from "../store/database.ts";
import { keyBytes } from "../store/memory.ts";
import { maxClientsForFds, openFileLimit } from "../transport/fd_limit.ts";
import type { CommandContext, ServerServices } from "./context.ts";

// ---------------------------------------------------------------------------------------
// INFO

/** Redis's human-readable byte counts, as `used_memory_human` (bytesToHuman). */
function human(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ["K", "M", "G", "T", "P"];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

/** The process's resident set size (the dataset estimate is store/memory.ts's). */
function rssBytes(): number {
  return Deno.memoryUsage().rss;
}

function osLine(): string {
  try {
    return `${
      Deno.build.os === "linux" ? "Linux" : Deno.build.os
    } ${Deno.osRelease()} ${Deno.build.arch}`;
  } catch {
    return `${Deno.build.os} ${Deno.build.arch}`; // no --allow-sys
  }
}

function executable(): string {
  try {
    return Deno.execPath();
  } catch {
    return ""; // no --allow-read
  }
}

type Fields = [string, string | number][];

/** INFO memory's scripting lines: the two Lua heaps, the cached scripts, the libraries. */
function scriptingMemory(ctx: CommandContext): [string, string | number][] {
  const { evalScripts, functions } = ctx.server.scripting;
  const vmEval = evalScripts.luaMemory;
  const vmFunctions = functions.luaMemory;
  const scripts = evalScripts.bodyBytes;
  const libraries = functions.codeBytes;
  return [
    ["used_memory_lua", vmEval],
    ["used_memory_vm_eval", vmEval],
    ["used_memory_lua_human", human(vmEval)],
    ["used_memory_scripts_eval", scripts],
    ["number_of_cached_scripts", evalScripts.size],
    ["number_of_functions", functions.functions.size],
    ["number_of_libraries", functions.libraries.size],
    ["used_memory_vm_functions", vmFunctions],
    ["used_memory_vm_total", vmEval + vmFunctions],
    ["used_memory_vm_total_human", human(vmEval + vmFunctions)],
    ["used_memory_functions", libraries],
    ["used_memory_scripts", scripts + libraries],
    ["used_memory_scripts_human", human(scripts + libraries)],
  ];
}

/** Peak memory seen by INFO, as Redis's used_memory_peak. */
const peaks = new WeakMap<ServerServices, number>();

const SECTIONS: Record<string, (ctx: CommandContext) => Fields> = {
  server(ctx) {
    const srv = ctx.server;
    const now = Date.now();
    const uptime = Math.floor((now - srv.startedAt) / 1000);
    return [
      ["redis_version", REDIS_VERSION],
      ["respd_version", VERSION],
      ["deno_version", Deno.version.deno],
      ["redis_mode", "standalone"],
      ["os", osLine()],
      ["arch_bits", 64],
      ["process_id", Deno.pid],
      ["run_id", srv.runId],
      ["tcp_port", srv.port],
      ["server_time_usec", Math.floor((performance.timeOrigin + performance.now()) * 1000)],
      ["uptime_in_seconds", uptime],
      ["uptime_in_days", Math.floor(uptime / 86400)],
      ["executable", executable()],
      ["config_file", ""],
    ];
  },
  clients(ctx) {
    let maxIn = 0;
    let maxOut = 0;
    for (const c of ctx.server.sessions.values()) {
      maxIn = Math.max(maxIn, c.queryBuffer.used);
      maxOut = Math.max(maxOut, c.pendingOutput);
    }
    return [
      ["connected_clients", ctx.server.sessions.size],
      ["cluster_connections", 0],
      ["maxclients", ctx.server.config.maxclients],
      ["client_recent_max_input_buffer", maxIn],
      ["client_recent_max_output_buffer", maxOut],
      ["blocked_clients", ctx.server.blocking.blockedCount],
      ["tracking_clients", 0],
      ["clients_in_timeout_table", 0],
    ];
  },
  memory(ctx) {
    const rss = rssBytes();
    // The dataset estimate (store/memory.ts): the figure --maxmemory is enforced against.
    const used = ctx.server.memory.used();
    const peak = Math.max(peaks.get(ctx.server) ?? 0, used);
    peaks.set(ctx.server, peak);
    const max = ctx.server.config.maxmemory;
    return [
      ["used_memory", used],
      ["used_memory_human", human(used)],
      ["used_memory_rss", rss],
      ["used_memory_rss_human", human(rss)],
      ["used_memory_peak", peak],
      ["used_memory_peak_human", human(peak)],
      ...scriptingMemory(ctx),
      ["maxmemory", max],
      ["maxmemory_human", human(max)],
      ["maxmemory_policy", ctx.server.config.maxmemoryPolicy],
      ["mem_fragmentation_ratio", (rss / Math.max(used, 1)).toFixed(2)],
      ["mem_allocator", "v8"],
    ];
  },
  persistence(ctx) {
    // respd keeps nothing on disk: no load, no save, no AOF.
    return [
      ["loading", 0],
      ["async_loading", 0],
      ["rdb_bgsave_in_progress", 0],
      ["rdb_last_save_time", Math.floor(ctx.server.startedAt / 1000)],
      ["rdb_saves", 0],
      ["aof_enabled", 0],
      ["aof_rewrite_in_progress", 0],
    ];
  },
  stats(ctx) {
    return [
      ["total_connections_received", ctx.server.stats.connections],
      ["total_commands_processed", ctx.server.stats.commands],
      ["rejected_connections", ctx.server.limits.rejectedConnections],
      ["evicted_keys", ctx.server.memory.evictedKeys],
      ["pubsub_channels", ctx.server.hub.activeChannels(null).length],
      ["pubsub_patterns", ctx.server.hub.patternCount],
    ];
  },
  replication() {
    return [
      ["role", "master"],
      ["connected_slaves", 0],
      ["master_failover_state", "no-failover"],
      ["master_repl_offset", 0],
      ["second_repl_offset", -1],
      ["repl_backlog_active", 0],
    ];
  },
  cpu() {
    const { user, system } = process.cpuUsage();
    return [
      ["used_cpu_sys", (system / 1e6).toFixed(6)],
      ["used_cpu_user", (user / 1e6).toFixed(6)],
    ];
  },
  modules: () => [],
  cluster: () => [["cluster_enabled", 0]],
  keyspace(ctx) {
    const out: Fields = [];
    const now = ctx.server.clock.now();
    ctx.server.keyspace.dbs.forEach((db, i) => {
      if (db.size === 0) return;
      out.push([`db${i}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${avgTtl(db, now)}`]);
    });
    return out;
  },
};

/** Mean remaining TTL in ms over up to 1000 keys with one (Redis also estimates it). */
function avgTtl(db: Database, now: number): number {
  let sum = 0;
  let n = 0;
  for (const at of db.expires.values()) {
    sum += Math.max(0, Number(at) - now);
    if (++n === 1000) break;
  }
  return n === 0 ? 0 : Math.floor(sum / n);
}

const DEFAULT_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "cluster",
  "keyspace",
];

/** The text of INFO for the given section names (Redis's `# Section` blocks, CRLF lines). */
export function infoText(ctx: CommandContext, names: readonly string[]): string {
  let wanted = names.map((n) => n.toLowerCase());
  if (wanted.length === 0 || wanted.some((n) => n === "all" || n === "everything")) {
    wanted = DEFAULT_SECTIONS;
  } else if (wanted.includes("default")) {
    wanted = [...new Set([...DEFAULT_SECTIONS, ...wanted])];
  }
  const blocks: string[] = [];
  for (const name of DEFAULT_SECTIONS) {
    if (!wanted.includes(name)) continue;
    const title = name === "cpu" ? "CPU" : name[0].toUpperCase() + name.slice(1);
    let block = `# ${title}\r\n`;
    for (const [k, v] of SECTIONS[name](ctx)) block += `${k}:${v}\r\n`;
    blocks.push(block);
  }
  return blocks.join("\r\n");
}

/** INFO [section [section ...]] */
const info = command({
  name: "info",
  arity: -1,
  flags: ["loading", "stale"],
  categories: ["slow", "dangerous"],
  tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
  parse: (a) => a.rest(),
  execute: (sections, ctx) => ctx.reply.verbatim("txt", infoText(ctx, sections)),
});

// ---------------------------------------------------------------------------------------
// CONFIG

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

const LOG_LEVELS = ["debug", "verbose", "notice", "warning"];
const POLICIES = ["volatile-ttl", "allkeys-lru", "noeviction"];

function limitText(c: ServerConfig): string {
  const { normal, pubsub } = c.clientOutputBufferLimit;
  return `normal ${normal.hard} ${normal.soft} ${normal.softSeconds} ` +
    `pubsub ${pubsub.hard} ${pubsub.soft} ${pubsub.softSeconds}`;
}

const PARAMETERS: readonly Parameter[] = [
  { name: "port", get: (_, server) => String(server.port) },
  { name: "bind", get: (c) => c.bind },
  { name: "databases", get: (c) => String(c.databases) },
  { name: "save", get: () => "" },
  { name: "appendonly", get: () => "no" },
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
    name: "requirepass",
    get: (c) => c.requirepass ?? "",
    set: (c, v) => (c.requirepass = v === "" ? null : v),
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
    // Then apply the same values (not their printed forms: `An` prints as `A`).
    for (const [p, value] of pairs) p.set!(ctx.server.config, value);
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
    peaks.delete(ctx.server);
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

// ---------------------------------------------------------------------------------------
// TIME

/** TIME: [unix seconds, microseconds] as two bulk strings. */
const time = command({
  name: "time",
  arity: 1,
  flags: ["loading", "stale", "fast"],
  categories: ["fast"],
  tips: ["nondeterministic_output"],
  parse: () => undefined,
  execute(_, ctx) {
    const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    ctx.reply.array(2);
    ctx.reply.bulk(String(Math.floor(us / 1e6)));
    ctx.reply.bulk(String(us % 1e6));
  },
});

// ---------------------------------------------------------------------------------------
// MEMORY

/**
 * MEMORY USAGE key [SAMPLES count]: the key's bytes in respd's memory model
 * (store/memory.ts), the figure --maxmemory counts. SAMPLES is checked as Redis does; the
 * model samples containers with its own fixed count.
 */
const memoryUsage = command({
  name: "memory|usage",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "slow"],
  keys: [2, 2, 1],
  keySpecFlags: ["RO"],
  parse(a) {
    const key = a.next();
    while (a.hasMore()) {
      if (a.nextOption() !== "SAMPLES" || !a.hasMore()) throw new CommandError(SYNTAX_ERROR);
      if (a.int() < 0) throw new CommandError(SYNTAX_ERROR);
    }
    return key;
  },
  execute(key, ctx) {
    if (ctx.db.get(key) === undefined) return ctx.reply.null();
    ctx.reply.integer(keyBytes(ctx.db, key));
  },
});

/** MEMORY HELP */
const memoryHelp = helpCommand("memory", [
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
  "HELP",
  "    Prints this help.",
]);

export const serverCommands = [
  info,
  commandGroup("config", [configGet, configSet, configResetstat, configHelp]),
  time,
  commandGroup("memory", [memoryUsage, memoryHelp]),
];
