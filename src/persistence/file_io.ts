/**
 * Whole writes to files: Deno's write may take part of a buffer, and persistence needs
 * all of it. Shared by the RDB and AOF writers.
 */

export function writeAllSync(file: Deno.FsFile, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += file.writeSync(bytes.subarray(done));
}

export async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await file.write(bytes.subarray(done));
}

/**
 * Yields to the event loop: background saves write one slice per turn. A `setTimeout(0)`,
 * although nested timeouts are clamped to a few ms: a loop of `setImmediate`s (or of
 * MessageChannel messages) never lets Deno poll its I/O, so clients would wait for the
 * whole save or load (measured: a socket read settled only after a 1 s loop of them).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
