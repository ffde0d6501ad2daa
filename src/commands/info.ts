/**
 * INFO [section ...]: Redis 7.0.15's sections and field names (checked against it), so
 * tools that parse INFO (redis-cli, client libraries, monitoring) read it. It prints only
 * fields respd really has a value for.
 */

import process from "node:process";
import { command } from "./command.ts";
import { REDIS_VERSION, VERSION } from "../config.ts";
import type { Database } from "../store/database.ts";
import type { CommandContext } from "./context.ts";
import { persistenceInfo } from "../persistence/persistence_info.ts";

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

/** The config file as an absolute path, as Redis shows it. */
function configFilePath(path: string | null): string {
  if (path === null) return "";
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

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
      ["config_file", configFilePath(ctx.server.config.configFile)],
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
      ["blocked_clients", ctx.server.blocking.blockedCount + ctx.server.pause.heldCount],
      ["tracking_clients", ctx.server.tracking.trackingClients],
      ["clients_in_timeout_table", 0],
    ];
  },
  memory(ctx) {
    const rss = rssBytes();
    // The dataset estimate (store/memory.ts): the figure --maxmemory is enforced against.
    const used = ctx.server.memory.used();
    const stats = ctx.server.stats;
    const peak = stats.peakMemory = Math.max(stats.peakMemory, used);
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
    return persistenceInfo(ctx.server.persistence, ctx.server.aof, ctx.server.loading);
  },

  stats(ctx) {
    return [
      ["total_connections_received", ctx.server.stats.connections],
      ["total_commands_processed", ctx.server.stats.commands],
      ["total_net_input_bytes", netBytes(ctx, "input")],
      ["total_net_output_bytes", netBytes(ctx, "output")],
      ["rejected_connections", ctx.server.limits.rejectedConnections],
      ["expired_keys", ctx.server.stats.expiredKeys],
      ["evicted_keys", ctx.server.memory.evictedKeys],
      ["pubsub_channels", ctx.server.hub.activeChannels(null).length],
      ["pubsub_patterns", ctx.server.hub.patternCount],
      ["tracking_total_keys", ctx.server.tracking.totalKeys],
      ["tracking_total_items", ctx.server.tracking.totalItems],
      ["tracking_total_prefixes", ctx.server.tracking.totalPrefixes],
      ["unexpected_error_replies", 0],
      ["total_error_replies", ctx.server.introspection.commands.totalErrorReplies],
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
  commandstats: (ctx) => ctx.server.introspection.commands.commandstats(),
  errorstats: (ctx) => ctx.server.introspection.commands.errorstats(),
  latencystats: (ctx) =>
    ctx.server.introspection.commands.latencystats(
      ctx.server.config.latencyTrackingInfoPercentiles,
    ),
  cluster: () => [["cluster_enabled", 0]],
  gateway: (ctx) => ctx.server.gateway?.infoFields() ?? [],
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

/** Bytes read or written over every transport. */
function netBytes(ctx: CommandContext, way: "input" | "output"): number {
  const t = ctx.server.introspection.traffic;
  return t.tcp[way] + t.ws[way];
}

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

/** Every section, in Redis's order ("all" and "everything"). */
const ALL_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "modules",
  "commandstats",
  "errorstats",
  "latencystats",
  "cluster",
  "gateway",
  "keyspace",
];

/** What INFO without arguments (or with "default") prints. */
const DEFAULT_SECTIONS = ALL_SECTIONS.filter((s) => s !== "commandstats" && s !== "latencystats");

/** The text of INFO for the given section names (Redis's `# Section` blocks, CRLF lines). */
export function infoText(ctx: CommandContext, names: readonly string[]): string {
  let wanted = names.map((n) => n.toLowerCase());
  if (wanted.length === 0) wanted = DEFAULT_SECTIONS;
  else if (wanted.some((n) => n === "all" || n === "everything")) wanted = ALL_SECTIONS;
  else if (wanted.includes("default")) {
    wanted = [...new Set([...DEFAULT_SECTIONS, ...wanted])];
  }
  const blocks: string[] = [];
  for (const name of ALL_SECTIONS) {
    if (!wanted.includes(name)) continue;
    // respd's own section, only in gateway mode (gateway/)
    if (name === "gateway" && ctx.server.gateway === null) continue;
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

export const infoCommands = [info];
