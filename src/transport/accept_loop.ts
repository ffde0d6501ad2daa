/**
 * The accept loop every listener runs (the RESP port and the HTTP/WebSocket port). An
 * error from `accept()` never ends it unless the listener itself was closed:
 *
 * - Out of descriptors (EMFILE, ENFILE) or kernel memory (ENOBUFS, ENOMEM): the pending
 *   connection stays in the kernel's backlog, so retrying at once would spin. The loop
 *   logs once per episode, waits (ACCEPT_BACKOFF_FIRST_MS, doubling up to
 *   ACCEPT_BACKOFF_MAX_MS) and tries again; the first success logs the recovery. Redis
 *   logs and keeps accepting too; it does not need the pause because its event loop
 *   only calls accept when the socket is readable.
 * - Anything else for one connection (ECONNABORTED: the peer left before it was
 *   accepted): skipped, the loop goes on.
 */

/** First pause after an accept failed for lack of resources, then doubled per failure. */
export const ACCEPT_BACKOFF_FIRST_MS = 10;
export const ACCEPT_BACKOFF_MAX_MS = 1000;

const RESOURCE_CODES = new Set(["EMFILE", "ENFILE", "ENOBUFS", "ENOMEM"]);

export interface AcceptLoopOptions {
  /** A name for log lines ("TCP", "HTTP"). */
  name: string;
  /** Where the loop reports trouble and recovery (server.log at warning). */
  warn: (message: string) => void;
  /** True once the owner closed the listener on purpose: then errors end the loop. */
  stopped: () => boolean;
}

function errorCode(e: unknown): string {
  const code = e instanceof Error ? (e as unknown as { code?: unknown }).code : undefined;
  return typeof code === "string" ? code : "";
}

/** Accepts connections until the listener is stopped, handing each to `onConnection`. */
export async function acceptLoop<C extends Deno.Conn>(
  listener: Deno.Listener<C>,
  onConnection: (conn: C) => void,
  opts: AcceptLoopOptions,
): Promise<void> {
  let backoff = 0;
  let failures = 0;
  for (;;) {
    let conn: C;
    try {
      conn = await listener.accept();
    } catch (e: unknown) {
      if (opts.stopped() || e instanceof Deno.errors.BadResource) return;
      const code = errorCode(e);
      if (!RESOURCE_CODES.has(code)) {
        if (e instanceof Deno.errors.Interrupted) return; // closed under a pending accept
        continue; // one connection failed (ECONNABORTED and the like)
      }
      if (failures++ === 0) {
        opts.warn(
          `${opts.name} accept failed: ${
            e instanceof Error ? e.message : e
          }; new connections wait until resources free up (retrying with a pause)`,
        );
      }
      backoff = Math.min(Math.max(backoff * 2, ACCEPT_BACKOFF_FIRST_MS), ACCEPT_BACKOFF_MAX_MS);
      await new Promise((resolve) => setTimeout(resolve, backoff));
      continue;
    }
    if (failures > 0) {
      opts.warn(`${opts.name} accepting again after ${failures} failed attempts`);
      failures = 0;
      backoff = 0;
    }
    try {
      onConnection(conn);
    } catch (e: unknown) {
      try {
        conn.close();
      } catch {
        // already closed
      }
      opts.warn(`${opts.name} connection setup failed: ${e instanceof Error ? e.stack : e}`);
    }
  }
}
