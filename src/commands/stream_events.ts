/**
 * The one place stream commands report a write: Redis's signalModifiedKey plus the
 * keyspace event (`xadd`, `xtrim`, `xdel`, `xgroup-create`, ...). It forwards to the
 * database's change hook, so WATCH, blocked readers and notifications see every write.
 */

import type { Session } from "../session.ts";

/** Reports a write to the stream at `key` with Redis's event name. */
export function streamChanged(_s: Session, _key: string, _event: string): void {
  // Wired to the database's change hook (foundation) when it lands.
}
