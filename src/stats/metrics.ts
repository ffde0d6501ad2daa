/**
 * GET /metrics: the server's figures in Prometheus's text format (version 0.0.4), under the
 * names and labels redis_exporter gives them (redis_up, redis_connected_clients,
 * redis_commands_total{cmd="get"}, redis_db_keys{db="db0"}, …), so dashboards and alerts
 * written for Redis work unchanged, plus respd's own (respd_*: clients per transport, bytes
 * per transport, output-limit cut-offs, refusals). The text is written here rather than
 * through a client library (prom-client): it is a few lines of a stable format, read on
 * demand from counters respd keeps anyway; tests parse it with an npm Prometheus parser.
 */

import { REDIS_VERSION, VERSION } from "../config.ts";
import type { Server } from "../server.ts";

/** One metric family: its help, type and samples ([labels, value]). */
class Family {
  readonly samples: [Record<string, string>, number][] = [];
  constructor(
    readonly name: string,
    readonly type: "gauge" | "counter",
    readonly help: string,
  ) {}

  add(value: number, labels: Record<string, string> = {}): this {
    this.samples.push([labels, value]);
    return this;
  }
}

/** A label value escaped as the text format asks (backslash, quote, newline). */
function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function render(families: readonly Family[]): string {
  let out = "";
  for (const f of families) {
    out += `# HELP ${f.name} ${f.help}\n# TYPE ${f.name} ${f.type}\n`;
    for (const [labels, value] of f.samples) {
      const names = Object.keys(labels);
      const set = names.length === 0
        ? ""
        : `{${names.map((n) => `${n}="${escapeLabel(labels[n])}"`).join(",")}}`;
      out += `${f.name}${set} ${formatValue(value)}\n`;
    }
  }
  return out;
}

/** The text of GET /metrics for `server`. */
export function metricsText(server: Server): string {
  const g = (name: string, help: string) => new Family(name, "gauge", help);
  const c = (name: string, help: string) => new Family(name, "counter", help);
  const now = Date.now();
  const intro = server.introspection;
  const families: Family[] = [];
  const push = (...f: Family[]) => families.push(...f);

  push(
    g("redis_up", "Whether the server answers (always 1 when this page is served).").add(1),
    g("redis_instance_info", "Information about the server.").add(1, {
      redis_version: REDIS_VERSION,
      respd_version: VERSION,
      redis_mode: "standalone",
      role: "master",
      tcp_port: String(server.port),
      run_id: server.runId,
    }),
    g("redis_uptime_in_seconds", "Seconds since the server started.")
      .add(Math.floor((now - server.startedAt) / 1000)),
    g("redis_start_time_seconds", "When the server started, in Unix seconds.")
      .add(Math.floor(server.startedAt / 1000)),
  );

  // Clients
  let ws = 0;
  for (const s of server.sessions.values()) if (s.transport.kind === "ws") ws++;
  push(
    g("redis_connected_clients", "Clients connected, over every transport.")
      .add(server.sessions.size),
    g("redis_blocked_clients", "Clients waiting in a blocking command.")
      .add(server.blocking.blockedCount),
    g("redis_tracking_clients", "Clients with client-side caching on.")
      .add(server.tracking.trackingClients),
    g("redis_config_maxclients", "The maxclients setting.").add(server.config.maxclients),
    c("redis_connections_received_total", "Connections accepted.")
      .add(server.stats.connections),
    c("redis_rejected_connections_total", "Connections refused at maxclients.")
      .add(server.limits.rejectedConnections),
  );

  // Memory
  const used = server.memory.used();
  push(
    g("redis_memory_used_bytes", "The dataset's size in respd's memory model.").add(used),
    g("redis_memory_used_rss_bytes", "The process's resident set size.")
      .add(Deno.memoryUsage().rss),
    g("redis_memory_used_peak_bytes", "The largest memory figure INFO has seen.")
      .add(Math.max(server.stats.peakMemory, used)),
    g("redis_memory_max_bytes", "The maxmemory setting (0: none).").add(server.config.maxmemory),
    c("redis_evicted_keys_total", "Keys evicted under maxmemory.")
      .add(server.memory.evictedKeys),
  );

  // Persistence
  const rdb = server.persistence.status;
  push(
    g("redis_rdb_changes_since_last_save", "Writes since the last snapshot.")
      .add(rdb.changesSinceLastSave),
    g("redis_rdb_last_save_timestamp_seconds", "When the last snapshot was saved.")
      .add(Math.floor(rdb.lastSaveTime / 1000)),
    g("redis_rdb_bgsave_in_progress", "Whether a BGSAVE runs.").add(rdb.bgsaveInProgress ? 1 : 0),
    g("redis_aof_enabled", "Whether the append-only file is on.")
      .add(server.config.appendonly ? 1 : 0),
  );

  // Commands and errors
  const commands = intro.commands;
  const calls = c("redis_commands_total", "Calls per command (INFO commandstats).");
  const seconds = c(
    "redis_commands_duration_seconds_total",
    "Time spent per command, in seconds (INFO commandstats).",
  );
  const rejected = c("redis_commands_rejected_calls_total", "Calls refused before they ran.");
  const failed = c("redis_commands_failed_calls_total", "Calls that answered an error.");
  const latency = g(
    "redis_latency_percentiles_usec",
    "Per-command latency percentiles in microseconds (INFO latencystats).",
  );
  for (const [name, s] of commands.commands) {
    const cmd = { cmd: name };
    calls.add(s.calls, cmd);
    seconds.add(s.usec / 1e6, cmd);
    rejected.add(s.rejected, cmd);
    failed.add(s.failed, cmd);
    const h = s.histogram;
    if (h === null || h.count === 0) continue;
    for (const p of server.config.latencyTrackingInfoPercentiles) {
      latency.add(h.valueAt(p) / 1000, { cmd: name, quantile: String(p / 100) });
    }
  }
  const errors = c("redis_errors_total", "Error replies per error code (INFO errorstats).");
  for (const [code, n] of commands.errors) errors.add(n, { err: code });
  push(
    c("redis_commands_processed_total", "Commands run.").add(server.stats.commands),
    calls,
    seconds,
    rejected,
    failed,
    latency,
    errors,
    c("redis_total_error_replies", "Error replies sent.").add(commands.totalErrorReplies),
    g("redis_slowlog_length", "Entries in the slow log.").add(intro.slowlog.length),
    g("redis_pubsub_channels", "Channels with subscribers.")
      .add(server.hub.activeChannels(null).length),
    g("redis_pubsub_patterns", "Patterns with subscribers.").add(server.hub.patternCount),
  );
  const lastSlow = intro.slowlog.get(1)[0];
  push(
    g("redis_last_slow_execution_duration_seconds", "How long the last slow-log entry took.")
      .add(lastSlow === undefined ? 0 : lastSlow.usec / 1e6),
  );

  // Keyspace
  const keys = g("redis_db_keys", "Keys per database.");
  const expiring = g("redis_db_keys_expiring", "Keys with a TTL per database.");
  server.keyspace.dbs.forEach((db, i) => {
    if (db.size === 0) return;
    keys.add(db.size, { db: `db${i}` });
    expiring.add(db.expires.size, { db: `db${i}` });
  });
  push(keys, expiring);

  // Network, per transport (TCP and the WebSocket bridge)
  const traffic = intro.traffic;
  push(
    c("redis_net_input_bytes_total", "Bytes read from clients.")
      .add(traffic.tcp.input + traffic.ws.input),
    c("redis_net_output_bytes_total", "Bytes written to clients.")
      .add(traffic.tcp.output + traffic.ws.output),
  );

  // respd's own
  const byTransport = (f: Family, get: (t: { input: number; output: number }) => number) => {
    f.add(get(traffic.tcp), { transport: "tcp" });
    f.add(get(traffic.ws), { transport: "ws" });
    return f;
  };
  const refusals = c(
    "respd_refusals_total",
    "Clients refused or cut off, by reason (origin, auth, limits, output).",
  );
  for (const [reason, n] of intro.refusals) refusals.add(n, { reason });
  push(
    g("respd_clients", "Clients connected, per transport.")
      .add(server.sessions.size - ws, { transport: "tcp" })
      .add(ws, { transport: "ws" }),
    g("respd_websocket_clients", "Clients connected over WebSocket.").add(ws),
    byTransport(c("respd_input_bytes_total", "Bytes read, per transport."), (t) => t.input),
    byTransport(c("respd_output_bytes_total", "Bytes written, per transport."), (t) => t.output),
    c(
      "respd_output_limit_disconnections_total",
      "Clients cut off at client-output-buffer-limit (slow consumers).",
    ).add(intro.outputLimitCutoffs),
    refusals,
    g("respd_http_pending_connections", "HTTP connections waiting for their request.")
      .add(server.pendingHttpConnections),
  );
  return render(families);
}
