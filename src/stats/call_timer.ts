/**
 * Times commands for INFO commandstats/latencystats, the slow log and the latency monitor,
 * reading the clock as little as the figures allow. A clock reading costs about as much
 * as a small command (bench/request_cost.ts), so within one batch of pipelined requests
 * (one read from a client's socket) consecutive calls of the same command form a run: the
 * clock is read when the run ends (another command comes, or the batch is served) and the
 * run's time is shared evenly among its calls. A batch of one command, or of different
 * commands, is timed per command, exactly; so is any call outside a session's batch. The
 * batch's start is the session's own reading (it also stamps the client's last activity),
 * so a single request costs one reading.
 *
 * A call inside another (EXEC's, a script's `redis.call`) is timed alone, from the batch's
 * latest reading (the batch's start, a run's end, the previous inner call's end) to a
 * reading at its end: one reading per inner call instead of two. So an inner call's time
 * also holds what ran since that reading (for a script, its Lua code before the call);
 * Redis reads the clock on both sides, but a clock reading here (~100–250 ns) costs more
 * than a small command, and a 5-call script would make ten.
 */

import type { CommandSpec } from "../commands/command.ts";
import type { CallingClient, Introspection } from "./introspection.ts";

export class CallTimer {
  /** Start of the open run (or of the batch), or null outside a batch. */
  #stamp: number | null = null;
  #spec: CommandSpec | null = null;
  #count = 0;
  /** The last call of the run: the slow log shows it when the run was slow. */
  #argv: readonly string[] = [];
  #client: CallingClient | null = null;
  /** Calls in progress: only the outermost joins a run. */
  #depth = 0;
  /** The batch's latest clock reading, or -1 outside a batch. */
  #last = -1;

  constructor(readonly stats: Introspection) {}

  /** A session starts serving the requests of one read; `now` is performance.now(). */
  beginBatch(now: number): void {
    this.#stamp = now;
    this.#last = now;
    this.#depth = 0;
  }

  /** The batch is served: its open run is timed. */
  endBatch(): void {
    if (this.#spec !== null) this.#close(performance.now());
    this.#stamp = null;
    this.#last = -1;
  }

  /** Before a call: its start time when timed alone, else -1 (it joins the batch's run). */
  start(spec: CommandSpec): number {
    if (this.#depth++ !== 0) return this.#last >= 0 ? this.#last : performance.now();
    if (this.#stamp === null) return performance.now();
    if (this.#spec !== null && this.#spec !== spec) this.#close(performance.now());
    return -1;
  }

  /** After the call that `start` returned `started` for. */
  end(spec: CommandSpec, argv: readonly string[], client: CallingClient, started: number): void {
    this.#depth--;
    if (started >= 0) {
      const now = performance.now();
      if (this.#stamp !== null) this.#last = now;
      this.stats.timed(spec, argv, (now - started) * 1000, 1, client);
      return;
    }
    this.#spec = spec;
    this.#count++;
    this.#argv = argv;
    this.#client = client;
  }

  #close(now: number): void {
    this.stats.timed(
      this.#spec!,
      this.#argv,
      (now - this.#stamp!) * 1000,
      this.#count,
      this.#client!,
    );
    this.#stamp = now;
    this.#last = now;
    this.#spec = null;
    this.#count = 0;
    this.#client = null;
  }
}
