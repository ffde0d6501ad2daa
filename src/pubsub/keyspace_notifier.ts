/**
 * Keyspace notifications: listens on the keyspace-change hook and publishes each event on
 * `__keyspace@<db>__:<key>` and `__keyevent@<db>__:<event>` through the pub/sub hub, so TCP
 * and WebSocket subscribers receive them alike. Which events go out is read from the live
 * config on every event (CONFIG SET notify-keyspace-events takes effect at once); with the
 * default (none) an event costs one comparison.
 */

import type { ServerConfig } from "../config.ts";
import type { Keyspace } from "../store/keyspace.ts";
import type { PubSubHub } from "./hub.ts";
import { keyspaceMessages, NOTIFY_KEY_MISS } from "./keyspace_events.ts";
import type { Database } from "../store/database.ts";

/** Starts publishing `keyspace`'s events; returns the function that stops it. */
export function publishKeyspaceEvents(
  keyspace: Keyspace,
  hub: PubSubHub,
  config: ServerConfig,
): () => void {
  return keyspace.events.subscribe((db, key, event) => {
    const flags = config.notifyKeyspaceEvents;
    if (flags === 0 || key === null) return;
    for (const m of keyspaceMessages(flags, db.id, key, event)) hub.publish(m.channel, m.message);
  });
}

/**
 * The key-miss class (`m`): before a read-only command runs, each of its keys that is
 * missing (or found expired, which deletes it first) is published as `keymiss`, as Redis's
 * lookupKeyRead does. Not a change, so it stays off the change hook (WATCH and tracking
 * must not see it). Costs one flag test when the class is off.
 */
export function publishKeyMisses(
  db: Database,
  keys: readonly string[],
  hub: PubSubHub,
  config: ServerConfig,
): void {
  const flags = config.notifyKeyspaceEvents;
  if ((flags & NOTIFY_KEY_MISS) === 0) return;
  for (const key of keys) {
    if (db.peek(key) !== undefined) continue;
    for (const m of keyspaceMessages(flags, db.id, key, "keymiss")) {
      hub.publish(m.channel, m.message);
    }
  }
}
