/**
 * How many clients the process's descriptor limit allows. Every client holds one socket,
 * so past the limit `accept()` fails with EMFILE. Redis lowers `maxclients` at start to
 * the limit minus CONFIG_MIN_RESERVED_FDS (32) and logs it; respd does the same, also
 * keeping room for connections still in their HTTP phase on the WebSocket port.
 *
 * Deno raises its soft limit to the hard limit at start and offers no getrlimit, so the
 * limit is read from /proc/self/limits (Linux); elsewhere, or without read permission,
 * nothing is capped.
 */

/** Descriptors kept for the runtime itself (V8, epoll, listeners, files): Redis's 32. */
export const RESERVED_FDS = 32;

/** The soft limit on open descriptors, or null when it cannot be read (or is unlimited). */
export function openFileLimit(): number | null {
  let text: string;
  try {
    text = Deno.readTextFileSync("/proc/self/limits");
  } catch {
    return null;
  }
  const line = text.split("\n").find((l) => l.startsWith("Max open files"));
  const soft = line?.slice("Max open files".length).trim().split(/\s+/)[0];
  if (soft === undefined || !/^\d+$/.test(soft)) return null;
  return Number(soft);
}

/**
 * The most clients `fdLimit` descriptors allow when `otherConnections` more may be open
 * at once (HTTP connections not yet upgraded); at least 1. Null: no limit known.
 */
export function maxClientsForFds(fdLimit: number | null, otherConnections: number): number | null {
  if (fdLimit === null) return null;
  return Math.max(1, fdLimit - RESERVED_FDS - otherConnections);
}
