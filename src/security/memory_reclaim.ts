/**
 * Gives memory back when the server can afford a pause. V8 only runs a full collection
 * when its heap grows or it judges the process idle, and a server is never idle in V8's
 * sense: memory it no longer needs could stay for minutes. Two cases are worth a full
 * collection from the client cron, at most once every RECLAIM_EVERY_MS (a full collection
 * pauses every client; the bound keeps it rare):
 *
 * - clients went away and the memory outside the heap (their buffers: a cut-off
 *   subscriber, a huge request) grew by RECLAIM_BYTES since the last collection;
 * - the server has run no command for IDLE_MS and V8's heap (the memory it holds, live or
 *   not: `heapTotal`) grew by HEAP_RECLAIM_BYTES since the last collection: after a load
 *   (many keys written, then quiet) the collection compacts what the load left half-used,
 *   so the resident memory settles near what the data needs (sets of 100 small integers:
 *   ~40 → 7.5–11 bytes per element settled, against Redis's 5.4; BENCHMARKS.md). (V8's
 *   "last-resort" collection, which also shrinks the young generation, measured no better
 *   here and paused 1.6× longer.) Nobody is waiting then, so the pause costs no one but a
 *   command that arrives during it. Not in gateway mode: a gateway has no store, its heap's
 *   growth is its requests' garbage, which V8 collects as it goes (collecting it there cost
 *   every burst of load a full collection, 100-650 ms on a loaded host).
 *
 * The collector is reached through node:v8's `setFlagsFromString("--expose-gc")` and
 * node:vm (no `--v8-flags` needed); where that is not available nothing is done.
 */

import v8 from "node:v8";
import vm from "node:vm";

/** Growth of memory outside the heap (since the last collection) worth a collection. */
export const RECLAIM_BYTES = 32 * 1024 * 1024;
/** Growth of the heap (since the last collection) worth a collection once idle. */
export const HEAP_RECLAIM_BYTES = 8 * 1024 * 1024;
/**
 * How long no command ran before the server counts as idle: long enough that a client
 * pausing between bursts (or a benchmark alternating servers) does not pay a collection
 * and the slower requests after it, short enough that memory settles within a minute.
 */
export const IDLE_MS = 30_000;
export const RECLAIM_EVERY_MS = 10_000;

/** What the reclaimer reads of the process's memory. */
export interface MemoryReading {
  external: number;
  heapTotal: number;
}

type Collect = () => void;
let collect: Collect | null | undefined;

function collector(): Collect | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    collect = typeof gc === "function" ? gc as Collect : null;
  } catch {
    collect = null;
  }
  return collect;
}

const processMemory = (): MemoryReading => Deno.memoryUsage();

/** Tracks closed clients, idleness and memory; `tick` collects when worth it. */
export class MemoryReclaimer {
  #closedSince = 0;
  #lastRun = -Infinity;
  #externalAfter = 0;
  /** The heap after the last collection; at the first tick, the heap then (the startup's). */
  #heapAfter = -1;
  #commands: number | null = -1;
  #busyAt = -Infinity;

  /** `memory` and `gc` are injectable for tests. */
  constructor(
    readonly memory: () => MemoryReading = processMemory,
    readonly gc: () => Collect | null = collector,
  ) {}

  /** A client closed: its buffers are garbage now. */
  noteClosed(): void {
    this.#closedSince++;
  }

  /**
   * Runs a full collection if worth it; returns the bytes it gave back (outside the heap
   * and in it), or null. `commands` is the count of commands run so far; null for a
   * server with no store (a gateway), which has no load to compact once idle: only the
   * buffers of clients that left are worth a collection there.
   */
  tick(now: number, commands: number | null): { released: number; ms: number } | null {
    if (commands !== this.#commands) {
      this.#commands = commands;
      this.#busyAt = now;
    }
    if (this.#heapAfter < 0) this.#heapAfter = this.memory().heapTotal;
    const idle = commands !== null && now - this.#busyAt >= IDLE_MS;
    // the memory is read only when a collection could be due (a busy server's cron skips it)
    if (now - this.#lastRun < RECLAIM_EVERY_MS || (this.#closedSince === 0 && !idle)) return null;
    const before = this.memory();
    const clientsLeft = this.#closedSince !== 0 &&
      before.external >= this.#externalAfter + RECLAIM_BYTES;
    const idleAfterGrowth = idle && before.heapTotal >= this.#heapAfter + HEAP_RECLAIM_BYTES;
    if (!clientsLeft && !idleAfterGrowth) return null;
    const gc = this.gc();
    if (gc === null) return null;
    const t0 = performance.now();
    gc();
    const ms = performance.now() - t0;
    this.#closedSince = 0;
    this.#lastRun = now;
    const after = this.memory();
    this.#externalAfter = after.external;
    this.#heapAfter = after.heapTotal;
    return { released: before.external + before.heapTotal - after.external - after.heapTotal, ms };
  }
}
