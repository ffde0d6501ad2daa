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
import { infoFieldValues, infoKeyspace } from "../commands/info.ts";
import { EXPORTER_NAMES, exporterValue } from "./exporter_names.ts";
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
  const intro = server.introspection;
  const families: Family[] = [];
  const push = (...f: Family[]) => families.push(...f);

  const info = infoFieldValues(server);
  push(
    g("redis_up", "Whether the server answers (always 1 when this page is served).").add(1),
    g("redis_instance_info", "Information about the server.").add(1, {
      role: "master",
      redis_version: REDIS_VERSION,
      redis_build_id: info.get("redis_build_id") ?? "",
      redis_mode: "standalone",
      os: info.get("os") ?? "",
      maxmemory_policy: server.config.maxmemoryPolicy,
      tcp_port: String(server.port),
      run_id: server.runId,
      process_id: String(Deno.pid),
      respd_version: VERSION,
    }),
    g("redis_start_time_seconds", "When the server started, in Unix seconds.")
      .add(Math.floor(server.startedAt / 1000)),
    g("redis_config_maxclients", "The maxclients setting.").add(server.config.maxclients),
    g("redis_config_maxmemory", "The maxmemory setting.").add(server.config.maxmemory),
  );
  // Every INFO field redis_exporter exports, under its name, from INFO's own figures.
  for (const [field, text] of info) {
    const named = EXPORTER_NAMES[field];
    if (named === undefined) continue;
    const v = exporterValue(field, text);
    if (v === null) continue;
    const [name, type] = named;
    push(new Family(`redis_${name}`, type, `INFO's ${field}.`).add(v));
  }

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
    calls,
    seconds,
    rejected,
    failed,
    latency,
    errors,
    g("redis_slowlog_length", "Entries in the slow log.").add(intro.slowlog.length),
  );
  const lastSlow = intro.slowlog.get(1)[0];
  push(
    g("redis_slowlog_last_id", "The id of the newest slow-log entry.")
      .add(lastSlow === undefined ? 0 : lastSlow.id),
    g("redis_last_slow_execution_duration_seconds", "How long the last slow-log entry took.")
      .add(lastSlow === undefined ? 0 : lastSlow.usec / 1e6),
  );
  // LATENCY LATEST, as the exporter reads it
  const spikeLast = g("redis_latency_spike_last", "When each latency event last spiked (Unix s).");
  const spikeLength = g(
    "redis_latency_spike_duration_seconds",
    "How long each latency event's last spike took.",
  );
  for (const [event, series] of intro.latency.events) {
    const last = series.samples.at(-1);
    if (last === undefined) continue;
    spikeLast.add(last.time, { event_name: event });
    spikeLength.add(last.latency / 1000, { event_name: event });
  }
  push(spikeLast, spikeLength);

  // Keyspace
  const keys = g("redis_db_keys", "Keys per database.");
  const expiring = g("redis_db_keys_expiring", "Keys with a TTL per database.");
  const avgTtl = g("redis_db_avg_ttl_seconds", "Mean remaining TTL per database (INFO keyspace).");
  for (const [field, text] of infoKeyspace(server)) {
    const m = /^keys=(\d+),expires=(\d+),avg_ttl=(\d+)$/.exec(String(text));
    if (m === null) continue;
    keys.add(Number(m[1]), { db: field });
    expiring.add(Number(m[2]), { db: field });
    avgTtl.add(Number(m[3]) / 1000, { db: field });
  }
  push(keys, expiring, avgTtl);

  // respd's own: per transport (TCP and the WebSocket bridge)
  const traffic = intro.traffic;
  let ws = 0;
  for (const s of server.sessions.values()) if (s.transport.kind === "ws") ws++;

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
