/**
 * Per-command and per-error counters, as Redis keeps them for INFO commandstats, errorstats
 * and latencystats: calls, microseconds, calls refused before they ran (rejected) and calls
 * that answered an error (failed), a latency histogram per command, and a count per error
 * code (the error's first word). The pipeline (commands/pipeline.ts) reports to it; it
 * does not time anything itself.
 */

import { LatencyHistogram } from "./latency_histogram.ts";

/** Redis stops tracking new error codes past this many (ERROR_STATS_NUMBER). */
const MAX_ERROR_CODES = 128;

/** One command's counters (Redis's redisCommand fields). */
export class CommandCounters {
  calls = 0;
  usec = 0;
  rejected = 0;
  failed = 0;
  histogram: LatencyHistogram | null = null;
}

export class CommandStats {
  /** Keyed by the command's full name ("get", "config|get"), in first-use order. */
  readonly commands = new Map<string, CommandCounters>();
  readonly errors = new Map<string, number>();
  /** Every error reply sent (INFO stats total_error_replies). */
  totalErrorReplies = 0;
  /** Set once more than MAX_ERROR_CODES codes were seen; Redis logs it once. */
  errorCodesCapped = false;
  /** The error count when the last call finished (Redis's `prev_err_count`). */
  #errorMark = 0;

  /** The counters of `name`, made on first use. */
  counters(name: string): CommandCounters {
    let c = this.commands.get(name);
    if (c === undefined) {
      c = new CommandCounters();
      this.commands.set(name, c);
    }
    return c;
  }

  /**
   * A call of `name` finished; `errorsBefore` is the error count when it started. It
   * failed when an error reply was sent since; a call inside it (EXEC's, a script's) that
   * failed took that error already, so the outer call is not counted as failed for it, as
   * in Redis (`prev_err_count`).
   */
  called(name: string, errorsBefore: number): void {
    const c = this.counters(name);
    c.calls++;
    const errors = this.totalErrorReplies;
    if (errors > errorsBefore && errors > this.#errorMark) c.failed++;
    this.#errorMark = errors;
  }

  /** `calls` calls of `name` took `usec` µs in all, `each` µs apiece. */
  timed(name: string, usec: number, each: number, calls: number, trackLatency: boolean): void {
    const c = this.counters(name);
    c.usec += usec;
    if (trackLatency) (c.histogram ??= new LatencyHistogram()).record(each * 1000, calls);
  }

  /** A call of `name` refused before it ran (arity, NOAUTH, OOM ...). */
  rejected(name: string): void {
    this.counters(name).rejected++;
  }

  /** An error reply `message` was sent (its code is the first word). */
  errorReply(message: string): void {
    this.totalErrorReplies++;
    const space = message.indexOf(" ");
    const code = space === -1 ? message : message.slice(0, space);
    const seen = this.errors.get(code);
    if (seen !== undefined) this.errors.set(code, seen + 1);
    else if (this.errors.size < MAX_ERROR_CODES) this.errors.set(code, 1);
    else this.errorCodesCapped = true;
  }

  /** CONFIG RESETSTAT. */
  reset(): void {
    this.commands.clear();
    this.errors.clear();
    this.totalErrorReplies = 0;
    this.#errorMark = 0;
    this.errorCodesCapped = false;
  }

  /** INFO commandstats lines (key, value). */
  commandstats(): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, c] of this.commands) {
      const perCall = c.calls === 0 ? 0 : c.usec / c.calls;
      out.push([
        `cmdstat_${name}`,
        `calls=${c.calls},usec=${c.usec},usec_per_call=${perCall.toFixed(2)},` +
        `rejected_calls=${c.rejected},failed_calls=${c.failed}`,
      ]);
    }
    return out;
  }

  /** INFO errorstats lines. */
  errorstats(): [string, string][] {
    return [...this.errors].map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);
  }

  /** INFO latencystats lines for `percentiles` (commands never called are left out). */
  latencystats(percentiles: readonly number[]): [string, string][] {
    const out: [string, string][] = [];
    for (const [name, c] of this.commands) {
      if (c.histogram === null || c.histogram.count === 0) continue;
      const h = c.histogram;
      const parts = percentiles.map((p) =>
        `p${formatPercentile(p)}=${(h.valueAt(p) / 1000).toFixed(3)}`
      );
      out.push([`latency_percentiles_usec_${name}`, parts.join(",")]);
    }
    return out;
  }
}

/** A percentile as Redis prints it (50, 99.9): the shortest form of the number. */
export function formatPercentile(p: number): string {
  return String(p);
}
