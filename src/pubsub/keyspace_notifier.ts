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
import { keyspaceMessages } from "./keyspace_events.ts";

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
