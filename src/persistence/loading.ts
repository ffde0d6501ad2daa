/**
 * Loading the dataset at start without holding the event loop: the loaders (RDB file, AOF)
 * are generators that stop after each key or command; `loadInSlices` runs one for a few
 * milliseconds per turn, so clients connected meanwhile are answered (-LOADING, or the
 * commands Redis allows while loading) and INFO shows how far it is.
 */

import { nextTurn } from "./file_io.ts";

/** How far a load is, for INFO persistence's loading_* fields. */
export interface LoadProgress {
  totalBytes: number;
  loadedBytes: number;
}

/** One load in progress: when it started (ms since the epoch) and how far it is. */
export interface LoadingState extends LoadProgress {
  readonly startedAt: number;
}

/** Work per turn before the event loop gets a turn (clients, timers). */
const SLICE_MS = 10;

/** Runs `steps` to its end now (tests, tools). */
export function runToEnd<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Steps between two readings of the clock (a step is one key: a reading each cost more). */
const STEPS_PER_CHECK = 64;

/** Runs `steps` to its end, yielding the event loop every SLICE_MS of work. */
export async function loadInSlices<T>(steps: Generator<void, T>): Promise<T> {
  let deadline = performance.now() + SLICE_MS;
  for (let n = 1;; n++) {
    const step = steps.next();
    if (step.done) return step.value;
    if (n % STEPS_PER_CHECK === 0 && performance.now() >= deadline) {
      await nextTurn();
      deadline = performance.now() + SLICE_MS;
    }
  }
}
