/**
 * What the server records about the commands it runs, for the operator: counters per
 * command and per error (INFO commandstats/errorstats/latencystats) and the slow log. The
 * pipeline (commands/pipeline.ts) times each call once and hands the figure here; the
 * commands that read these (INFO, SLOWLOG, CONFIG RESETSTAT) reach them through
 * `ctx.server.introspection`.
 */

import type { ServerConfig } from "../config.ts";
import type { CommandSpec } from "../commands/command.ts";
import { CommandStats } from "./command_stats.ts";
import { redactArgs } from "./redaction.ts";
import { SlowLog } from "./slowlog.ts";

/** The client fields a slow-log entry names. */
export interface CallingClient {
  readonly name: string;
  readonly transport: { readonly remoteAddress: string };
}

export class Introspection {
  readonly commands = new CommandStats();
  readonly slowlog = new SlowLog();
  /** False while the AOF is replayed: Redis keeps no stats for loading (isAOFLoadingContext). */
  recording = true;

  constructor(readonly config: ServerConfig) {}

  /**
   * A call of `spec` ran for `usec` µs (`errorsBefore`: the error count when it started):
   * counted, and kept in the slow log when slow enough (unless the command is flagged
   * skip_slowlog, as EXEC is).
   */
  called(
    spec: CommandSpec,
    argv: readonly string[],
    usec: number,
    errorsBefore: number,
    client: CallingClient,
  ): void {
    if (!this.recording) return;
    const config = this.config;
    const name = spec.name;
    this.commands.called(name, usec, errorsBefore, config.latencyTracking);
    const threshold = config.slowlogLogSlowerThan;
    if (threshold >= 0 && usec >= threshold && !spec.flags.includes("skip_slowlog")) {
      const addr = client.transport.remoteAddress || "?:0";
      this.slowlog.push(redactArgs(name, argv), usec, addr, client.name, config.slowlogMaxLen);
    }
  }
}
