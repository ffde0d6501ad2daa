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
