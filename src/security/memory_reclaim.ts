/**
 * Gives memory back after clients went away. A cut-off subscriber or a huge request leaves
 * its buffers (ArrayBuffers, outside V8's heap) to the garbage collector, and V8 only runs
 * a full collection when its heap grows or it judges the process idle: after an attack
 * on a quiet server the memory could stay for minutes. So the client cron asks for a full
 * collection when clients have closed since the last one and the memory outside the heap
 * grew by RECLAIM_BYTES since then, at most once every RECLAIM_EVERY_MS (a full
 * collection pauses every client; the bound keeps it rare).
 *
 * The collector is reached through node:v8's `setFlagsFromString("--expose-gc")` and
 * node:vm (no `--v8-flags` needed); where that is not available nothing is done.
 */

import v8 from "node:v8";
import vm from "node:vm";

/** Growth of memory outside the heap (since the last collection) worth a collection. */
export const RECLAIM_BYTES = 32 * 1024 * 1024;
export const RECLAIM_EVERY_MS = 10_000;

let collect: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    collect = typeof gc === "function" ? gc as () => void : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Tracks closed clients and memory outside the heap; `tick` collects when worth it. */
export class MemoryReclaimer {
  #closedSince = 0;
  #lastRun = -Infinity;
  #externalAfter = 0;

  /** A client closed: its buffers are garbage now. */
  noteClosed(): void {
    this.#closedSince++;
  }

  /** Runs a full collection if worth it; returns the bytes it gave back, or null. */
  tick(now: number): { released: number; ms: number } | null {
    if (this.#closedSince === 0 || now - this.#lastRun < RECLAIM_EVERY_MS) return null;
    const before = Deno.memoryUsage().external;
    if (before < this.#externalAfter + RECLAIM_BYTES) return null;
    const gc = collector();
    if (gc === null) return null;
    const t0 = performance.now();
    gc();
    const ms = performance.now() - t0;
    this.#closedSince = 0;
    this.#lastRun = now;
    this.#externalAfter = Deno.memoryUsage().external;
    return { released: before - this.#externalAfter, ms };
  }
}
