/**
 * The latency monitor (LATENCY LATEST/HISTORY/RESET/DOCTOR/GRAPH): events that took at
 * least `latency-monitor-threshold` ms, kept per event as Redis keeps them — the last 160
 * seconds that had one, the worst sample of each second, and the worst ever. respd records
 * the events of Redis 7.0 it has a counterpart for: `command` and `fast-command` (a call
 * that slow, by the command's fast flag), `expire-cycle` (one pass of the active expiry
 * sweep), `eviction-cycle` and `eviction-del` (making room under maxmemory, and each key
 * evicted), `aof-write` with `aof-write-alone` / `aof-write-pending-fsync` /
 * `aof-write-active-child` (an AOF rewrite running), `aof-fsync-always`, `aof-rename` (a
 * rewritten AOF put in place) and `rdb-unlink-temp-file` (a failed save's file removed).
 * The doctor's report and the graph are written as Redis writes them (latency.c).
 */

import type { ServerConfig } from "../config.ts";
import { renderSparkline } from "./sparkline.ts";

/** Samples kept per event (LATENCY_TS_LEN). */
const HISTORY_LEN = 160;
const GRAPH_COLUMNS = 80;

export interface LatencySample {
  /** Unix time, seconds. */
  time: number;
  /** Milliseconds. */
  latency: number;
}

export class LatencySeries {
  /** Oldest first, at most HISTORY_LEN. */
  readonly samples: LatencySample[] = [];
  max = 0;

  add(time: number, latency: number): void {
    if (latency > this.max) this.max = latency;
    const last = this.samples.at(-1);
    if (last !== undefined && last.time === time) {
      if (latency > last.latency) last.latency = latency;
      return;
    }
    this.samples.push({ time, latency });
    if (this.samples.length > HISTORY_LEN) this.samples.shift();
  }
}

/**
 * Where a service reports how long its slow steps took (the AOF's writes, eviction, …):
 * it measures only while `enabled`, so a monitor that is off costs one field read.
 */
export interface LatencySink {
  readonly enabled: boolean;
  sampleIfNeeded(event: string, ms: number): void;
}

/** Runs `step`, reporting its time as `event` to `sink` when the monitor is on. */
export function timed<T>(sink: LatencySink | null, event: string, step: () => T): T {
  if (sink === null || !sink.enabled) return step();
  const started = performance.now();
  try {
    return step();
  } finally {
    sink.sampleIfNeeded(event, performance.now() - started);
  }
}

export class LatencyMonitor implements LatencySink {
  /** By event name, in the order first seen. */
  readonly events = new Map<string, LatencySeries>();

  constructor(readonly config: ServerConfig, readonly now: () => number = Date.now) {}

  /** Whether latency-monitor-threshold is set (0: the monitor is off). */
  get enabled(): boolean {
    return this.config.latencyMonitorThreshold !== 0;
  }

  /** Records `ms` for `event` when the monitor is on and it reaches the threshold. */
  sampleIfNeeded(event: string, ms: number): void {
    const threshold = this.config.latencyMonitorThreshold;
    if (threshold === 0 || ms < threshold) return;
    let series = this.events.get(event);
    if (series === undefined) {
      series = new LatencySeries();
      this.events.set(event, series);
    }
    series.add(Math.floor(this.now() / 1000), Math.floor(ms));
  }

  /** Forgets `event` (any case), or every event; how many were forgotten. */
  reset(event?: string): number {
    if (event === undefined) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of [...this.events.keys()]) {
      if (name.toLowerCase() === event.toLowerCase()) {
        this.events.delete(name);
        n++;
      }
    }
    return n;
  }

  /** LATENCY GRAPH's text for an event that has samples. */
  graph(event: string, series: LatencySeries): string {
    const nowSec = Math.floor(this.now() / 1000);
    let min = 0;
    let max = 0;
    const samples = series.samples.map((s, i) => {
      if (i === 0) min = max = s.latency;
      else {
        max = Math.max(max, s.latency);
        min = Math.min(min, s.latency);
      }
      return { value: s.latency, label: ago(nowSec - s.time) };
    });
    return `${event} - high ${max} ms, low ${min} ms (all time high ${series.max} ms)\n` +
      "-".repeat(GRAPH_COLUMNS) + "\n" + renderSparkline(samples, GRAPH_COLUMNS, 4);
  }

  /** LATENCY DOCTOR's report, as Redis's createLatencyReport for respd's events. */
  doctor(): string {
    const threshold = this.config.latencyMonitorThreshold;
    if (this.events.size === 0 && threshold === 0) {
      return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis " +
        'instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order ' +
        "to enable it. If we weren't in a deep space mission I'd suggest to take a look at " +
        "https://redis.io/topics/latency-monitor.\n";
    }
    const advise = new Set<string>();
    let report = "";
    let n = 0;
    const nowSec = Math.floor(this.now() / 1000);
    for (const [event, series] of this.events) {
      n++;
      if (n === 1) {
        report += "Dave, I have observed latency spikes in this Redis instance. You don't mind " +
          "talking about it, do you Dave?\n\n";
      }
      const s = analyze(series, nowSec);
      report += `${n}. ${event}: ${s.samples} latency spikes (average ${s.avg}ms, mean deviation ` +
        `${s.mad}ms, period ${(s.period / s.samples).toFixed(2)} sec). Worst all time event ` +
        `${series.max}ms.\n`;
      if (event === "command") {
        const slowlog = this.config.slowlogLogSlowerThan;
        if (slowlog < 0) advise.add("slowlog-enabled");
        else if (Math.trunc(slowlog / 1000) > threshold) advise.add("slowlog-tuning");
        advise.add("slowlog-inspect");
        advise.add("large-objects");
      } else if (event === "fast-command") advise.add("scheduler");
      else if (event === "expire-cycle") {
        advise.add("hz");
        advise.add("large-objects");
      }
    }
    if (n === 0) {
      return "Dave, no latency spike was observed during the lifetime of this Redis instance, " +
        "not in the slightest bit. I honestly think you ought to sit down calmly, take a stress " +
        "pill, and think things over.\n";
    }
    if (advise.size === 0) {
      return report + "\nWhile there are latency events logged, I'm not able to suggest any " +
        "easy fix. Please use the Redis community to get some help, providing this report in " +
        "your help request.\n";
    }
    report += "\nI have a few advices for you:\n\n";
    const suggested = threshold * 1000;
    if (advise.has("slowlog-enabled")) {
      report += "- There are latency issues with potentially slow commands you are using. Try " +
        "to enable the Slow Log Redis feature using the command 'CONFIG SET " +
        `slowlog-log-slower-than ${suggested}'. If the Slow log is disabled Redis is not able ` +
        "to log slow commands execution for you.\n";
    }
    if (advise.has("slowlog-tuning")) {
      report += "- Your current Slow Log configuration only logs events that are slower than " +
        "your configured latency monitor threshold. Please use 'CONFIG SET " +
        `slowlog-log-slower-than ${suggested}'.\n`;
    }
    if (advise.has("slowlog-inspect")) {
      report += "- Check your Slow Log to understand what are the commands you are running " +
        "which are too slow to execute. Please check https://redis.io/commands/slowlog for " +
        "more information.\n";
    }
    if (advise.has("scheduler")) {
      report += "- The system is slow to execute Redis code paths not containing system calls. " +
        "This usually means the system does not provide Redis CPU time to run for long " +
        "periods. You should try to:\n" +
        "  1) Lower the system load.\n" +
        "  2) Use a computer / VM just for Redis if you are running other software in the " +
        "same system.\n" +
        '  3) Check if you have a "noisy neighbour" problem.\n' +
        "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in " +
        "your system.\n" +
        "  5) Check if the problem is allocator-related by recompiling Redis with " +
        "MALLOC=libc, if you are using Jemalloc. However this may create fragmentation " +
        "problems.\n";
    }
    // respd's expiry runs 10 times a second, Redis's default hz: the advice to raise hz
    if (advise.has("hz")) {
      report += "- In order to make the Redis keys expiring process more incremental, try to " +
        "set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n";
    }
    if (advise.has("large-objects")) {
      report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects " +
        "is a blocking operation. If you have very large objects that are often deleted, " +
        "expired, or evicted, try to fragment those objects into multiple smaller objects.\n";
    }
    return report;
  }
}

/** "12s", "3m", "5h", "2d": how long ago, as the graph labels it. */
function ago(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

/** Redis's analyzeLatencyForEvent: integer average and mean deviation, the covered period. */
function analyze(series: LatencySeries, nowSec: number) {
  const samples = series.samples.length;
  let sum = 0;
  let oldest = 0;
  for (const s of series.samples) {
    sum += s.latency;
    if (oldest === 0 || s.time < oldest) oldest = s.time;
  }
  const avg = samples === 0 ? 0 : Math.floor(sum / samples);
  const period = samples === 0 ? 0 : (nowSec - oldest) || 1;
  let deviation = 0;
  for (const s of series.samples) deviation += Math.abs(avg - s.latency);
  const mad = samples === 0 ? 0 : Math.floor(deviation / samples);
  return { samples, avg, mad, period };
}
