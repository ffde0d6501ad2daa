/**
 * Whole writes to files: Deno's write may take part of a buffer, and persistence needs
 * all of it. Shared by the RDB and AOF writers.
 */

import { setImmediate } from "node:timers";

export function writeAllSync(file: Deno.FsFile, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}

/**
 * Yields to the event loop: background saves and loads do one slice per turn. A macrotask
 * after I/O is polled (clients are served between slices), by `setImmediate`: a nested
 * `setTimeout(0)` waits ~2.5 ms (its clamp; 200 in a row took 498 ms, 200 setImmediate 11
 * ms), idle after every 32 KiB a BGSAVE writes: a BGSAVE of 1M keys took 34.8 s with it,
 * 25.0 s without (BENCHMARKS.md, loaded host).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
