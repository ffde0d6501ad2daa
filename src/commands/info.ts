/**
 * INFO [section ...]: Redis 7.0.15's sections with every field it prints, in its order
 * (tests/info_test.ts compares them with redis-server's), so tools that parse INFO
 * (redis-cli, client libraries, exporters, dashboards) find what they read. Fields respd has
 * no counterpart for carry the value Redis prints for a server without that feature (0,
 * "no", a fixed version string); the README lists them. respd's own fields (respd_version,
 * deno_version) come last in `# Server`, after Redis's.
 */

import process from "node:process";
import { command } from "./command.ts";
import { REDIS_VERSION, VERSION } from "../config.ts";
import { LRU_CLOCK_MAX } from "../store/key_access.ts";
import type { Database } from "../store/database.ts";
import type { CommandContext, ServerServices } from "./context.ts";
import { persistenceInfo } from "../persistence/persistence_info.ts";
import { type Fields, memoryInfo } from "./info_memory.ts";
import { statsInfo } from "./info_stats.ts";
import { crc64 } from "../persistence/crc64.ts";

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

/** The config file as an absolute path, as Redis shows it. */
function configFilePath(path: string | null): string {
  if (path === null) return "";
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

const SECTIONS: Record<string, (server: ServerServices) => Fields> = {
  server(server) {
    const now = Date.now();
    const uptime = Math.floor((now - server.startedAt) / 1000);
    return [
      ["redis_version", REDIS_VERSION],
      ["redis_git_sha1", "00000000"],
      ["redis_git_dirty", 0],
      ["redis_build_id", BUILD_ID],
      ["redis_mode", "standalone"],
      ["os", osLine()],
      ["arch_bits", 64],
      ["monotonic_clock", "POSIX clock_gettime"],
      ["multiplexing_api", MULTIPLEXING_API],
      ["atomicvar_api", "c11-builtin"],
      ["gcc_version", "0.0.0"],
      ["process_id", Deno.pid],
      ["process_supervised", "no"],
      ["run_id", server.runId],
      ["tcp_port", server.port],
      ["server_time_usec", Math.floor((performance.timeOrigin + performance.now()) * 1000)],
      ["uptime_in_seconds", uptime],
      ["uptime_in_days", Math.floor(uptime / 86400)],
      // the expiry and statistics tick runs 10 times a second (store/expiry_sweeper.ts)
      ["hz", 10],
      ["configured_hz", 10],
      ["lru_clock", Math.floor(now / 1000) & LRU_CLOCK_MAX],
      ["executable", executable()],
      ["config_file", configFilePath(server.config.configFile)],
      ["io_threads_active", 0],
      ["respd_version", VERSION],
      ["deno_version", Deno.version.deno],
    ];
  },
  clients(server) {
    let maxIn = 0;
    let maxOut = 0;
    for (const c of server.sessions.values()) {
      maxIn = Math.max(maxIn, c.queryBuffer.used);
      maxOut = Math.max(maxOut, c.pendingOutput);
    }
    return [
      ["connected_clients", server.sessions.size],
      ["cluster_connections", 0],
      ["maxclients", server.config.maxclients],
      ["client_recent_max_input_buffer", maxIn],
      ["client_recent_max_output_buffer", maxOut],
      ["blocked_clients", server.blocking.blockedCount + server.pause.heldCount],
      ["tracking_clients", server.tracking.trackingClients],
      ["clients_in_timeout_table", 0],
    ];
  },
  memory: memoryInfo,
  persistence(server) {
    return persistenceInfo(server.persistence, server.aof, server.loading);
  },

  stats: statsInfo,
  replication(server) {
    return [
      ["role", "master"],
      ["connected_slaves", 0],
      ["master_failover_state", "no-failover"],
      ["master_replid", replicationId(server)],
      ["master_replid2", "0".repeat(40)],
      ["master_repl_offset", 0],
      ["second_repl_offset", -1],
      ["repl_backlog_active", 0],
      // Redis's default repl-backlog-size: respd keeps no backlog, it has no replicas
      ["repl_backlog_size", 1048576],
      ["repl_backlog_first_byte_offset", 0],
      ["repl_backlog_histlen", 0],
    ];
  },
  cpu() {
    const { user, system } = process.cpuUsage();
    const main = mainThreadCpu() ?? { user: user / 1e6, system: system / 1e6 };
    return [
      ["used_cpu_sys", (system / 1e6).toFixed(6)],
      ["used_cpu_user", (user / 1e6).toFixed(6)],
      ["used_cpu_sys_children", "0.000000"],
      ["used_cpu_user_children", "0.000000"],
      ["used_cpu_sys_main_thread", main.system.toFixed(6)],
      ["used_cpu_user_main_thread", main.user.toFixed(6)],
    ];
  },
  modules: () => [],
  commandstats: (server) => server.introspection.commands.commandstats(),
  errorstats: (server) => server.introspection.commands.errorstats(),
  latencystats: (server) =>
    server.introspection.commands.latencystats(
      server.config.latencyTrackingInfoPercentiles,
    ),
  cluster: () => [["cluster_enabled", 0]],
  gateway: (server) => server.gateway?.infoFields() ?? [],
  keyspace(server) {
    const out: Fields = [];
    const now = server.clock.now();
    server.keyspace.dbs.forEach((db, i) => {
      if (db.size === 0) return;
      out.push([`db${i}`, `keys=${db.size},expires=${db.expires.size},avg_ttl=${avgTtl(db, now)}`]);
    });
    return out;
  },
};

/** Redis's build id is a hash of its build; respd's, of its version and Deno's. */
const BUILD_ID = crc64(new TextEncoder().encode(`${VERSION} deno-${Deno.version.deno}`))
  .toString(16);

/** The event loop under Deno (tokio's mio): epoll on Linux, kqueue on macOS. */
const MULTIPLEXING_API = Deno.build.os === "linux"
  ? "epoll"
  : Deno.build.os === "darwin"
  ? "kqueue"
  : "iocp";

const replicationIds = new WeakMap<object, string>();

/** A replication id per server, random at its start as Redis's (respd has no replicas). */
function replicationId(server: object): string {
  let id = replicationIds.get(server);
  if (id === undefined) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(20)))
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    replicationIds.set(server, id);
  }
  return id;
}

/**
 * The main thread's CPU seconds, from /proc (Redis reads getrusage(RUSAGE_THREAD)); null
 * where /proc cannot be read. Deno's own threads (the compiler, V8's collector) are in the
 * process's figures only.
 */
function mainThreadCpu(): { user: number; system: number } | null {
  try {
    const stat = Deno.readTextFileSync(`/proc/self/task/${Deno.pid}/stat`);
    // fields after the command name in parentheses; utime and stime are the 14th and 15th
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = 100; // USER_HZ on Linux
    return { user: Number(rest[11]) / ticks, system: Number(rest[12]) / ticks };
  } catch {
    return null;
  }
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

/** The sections exporters read (server … cpu): each field's value by its name (/metrics). */
export function infoFieldValues(server: ServerServices): Map<string, string> {
  const out = new Map<string, string>();
  for (
    const name of ["server", "clients", "memory", "persistence", "stats", "replication", "cpu"]
  ) {
    for (const [k, v] of SECTIONS[name](server)) out.set(k, String(v));
  }
  return out;
}

/** INFO keyspace's fields (`db0` → `keys=…,expires=…,avg_ttl=…`), for /metrics. */
export function infoKeyspace(server: ServerServices): Fields {
  return SECTIONS.keyspace(server);
}

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
    for (const [k, v] of SECTIONS[name](ctx.server)) block += `${k}:${v}\r\n`;
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
