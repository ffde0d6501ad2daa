/**
 * What the server records about the commands it runs, for the operator: counters per
 * command and per error (INFO commandstats/errorstats/latencystats), the slow log, the
 * latency monitor and MONITOR's feed. The
 * pipeline (commands/pipeline.ts) times each call once and hands the figure here; the
 * commands that read these (INFO, SLOWLOG, CONFIG RESETSTAT) reach them through
 * `ctx.server.introspection`.
 */

import type { ServerConfig } from "../config.ts";
import type { CommandSpec } from "../commands/command.ts";
import { CommandStats } from "./command_stats.ts";
import { redactArgs } from "./redaction.ts";
import { SlowLog } from "./slowlog.ts";
import { MonitorFeed } from "./monitor.ts";
import { LatencyMonitor } from "./latency_monitor.ts";

/** The client fields a slow-log entry names. */
export interface CallingClient {
  readonly name: string;
  readonly transport: { readonly remoteAddress: string };
}

export class Introspection {
  readonly commands = new CommandStats();
  readonly slowlog = new SlowLog();
  /** MONITOR's clients and the line each command sends them. */
  readonly monitors = new MonitorFeed();
  /** Events slower than latency-monitor-threshold (LATENCY ...). */
  readonly latency: LatencyMonitor;
  /**
   * Bytes read and written, and the reads and writes that moved them, per transport (INFO
   * stats total_net_*_bytes and total_reads/writes_processed, /metrics).
   */
  readonly traffic = {
    tcp: { input: 0, output: 0, reads: 0, writes: 0 },
    ws: { input: 0, output: 0, reads: 0, writes: 0 },
  };
  /** Clients cut off at client-output-buffer-limit (slow consumers). */
  outputLimitCutoffs = 0;
  /** Clients refused or cut off, by reason (/metrics respd_refusals_total). */
  readonly refusals = new Map<string, number>();
  /** False while the AOF is replayed: Redis keeps no stats for loading (isAOFLoadingContext). */
  recording = true;

  constructor(readonly config: ServerConfig) {
    this.latency = new LatencyMonitor(config);
  }

  /** CONFIG RESETSTAT: the command and error counters and the traffic start again from 0. */
  reset(): void {
    this.commands.reset();
    for (const t of [this.traffic.tcp, this.traffic.ws]) {
      t.input =
        t.output =
        t.reads =
        t.writes =
          0;
    }
  }

  /** Counts one refusal of a client for `reason` (origin, auth, maxclients, …). */
  refused(reason: string): void {
    this.refusals.set(reason, (this.refusals.get(reason) ?? 0) + 1);
  }

  /**
   * A call of `spec` finished (`errorsBefore`: the error count when it started): counted,
   * and counted as failed when it answered an error. Its time comes apart (`timed`).
   */
  counted(spec: CommandSpec, errorsBefore: number): void {
    if (this.recording) this.commands.called(spec.name, errorsBefore);
  }

  /**
   * `calls` calls of `spec` took `usec` µs in all (stats/call_timer.ts): added to its
   * time and latency histogram, and kept in the slow log when one call's share is slow
   * enough (unless the command is flagged skip_slowlog, as EXEC is); `argv` is the last.
   */
  timed(
    spec: CommandSpec,
    argv: readonly string[],
    usec: number,
    calls: number,
    client: CallingClient,
  ): void {
    if (!this.recording) return;
    const config = this.config;
    const each = Math.floor(usec / calls);
    this.commands.timed(spec.name, Math.floor(usec), each, calls, config.latencyTracking);
    if (config.latencyMonitorThreshold !== 0) {
      const event = spec.flags.includes("fast") ? "fast-command" : "command";
      this.latency.sampleIfNeeded(event, Math.floor(each / 1000));
    }
    const threshold = config.slowlogLogSlowerThan;
    if (threshold >= 0 && each >= threshold && !spec.flags.includes("skip_slowlog")) {
      const addr = client.transport.remoteAddress || "?:0";
      this.slowlog.push(redactArgs(spec.name, argv), each, addr, client.name, config.slowlogMaxLen);
    }
  }
}
