/**
 * The one place stream commands report a write: Redis's signalModifiedKey plus the
 * keyspace event (`xadd`, `xtrim`, `xdel`, `xgroup-create`, ...). It forwards to the
 * database's change hook, so WATCH, blocked readers and notifications see every write.
 */

import type { CommandContext } from "./context.ts";

/** Reports a write to the stream at `key` with Redis's event name. */
export function streamChanged(ctx: CommandContext, key: string, event: string): void {
  ctx.db.modified(key, event);
}

/**
 * Reports an event Redis notifies without signalModifiedKey (XGROUP CREATE on an existing
 * stream, XGROUP SETID/DESTROY/CREATECONSUMER/DELCONSUMER, XSETID, a consumer created by
 * XREADGROUP or XCLAIM): WATCH and client tracking do not count it as a change.
 */
export function streamNotified(ctx: CommandContext, key: string, event: string): void {
  ctx.db.notified(key, event);
}
