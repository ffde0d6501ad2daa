/**
 * The one keyspace-change hook: every modification of a key reaches the listeners here as
 * `(db, key, event)`, the union of Redis's `signalModifiedKey` and `notifyKeyspaceEvent`,
 * with Redis's event names ("set", "del", "lpush", "expired", "evicted", "rename_from" ...).
 * WATCH, blocked-client wake-ups, keyspace notifications and client-side-caching
 * invalidation all subscribe here, so none of them can miss a write.
 *
 * Who signals (each through `Database`, store/database.ts):
 *   - commands, after each write, with the event Redis notifies for it:
 *       db.modified(key, "set")                       // SET, after db.set(...)
 *       const list = db.lookupOrCreate(key, ListType); // LPUSH: WRONGTYPE raised here
 *       for (const v of values) list.pushFront(v);
 *       db.modified(key, "lpush");
 *       const list = db.lookup(key, ListType);         // LPOP
 *       ... list.popFront() ...
 *       db.modifiedContainer(key, list, "lpop");       // "lpop", then "del" if emptied
 *     A command that writes several keys or several things signals each, in Redis's order
 *     (SET k v EX 10 signals "set" then "expire"; RENAME "rename_from" then "rename_to").
 *   - the store itself: "expired" (a read found the key past its TTL, or the sweep did),
 *     "evicted" (maxmemory), and whole-database events with `key === null`: "flushdb"
 *     (FLUSHDB, and FLUSHALL for each database) and "swapdb" (SWAPDB, for both).
 *
 * A listener runs synchronously inside the write, so it must be cheap and must not write
 * to the keyspace; work that must wait until the command has finished (serving a blocked
 * client) is queued by the listener and done by the command pipeline afterwards. A call
 * may repeat for one key in one command (two events); listeners treat signals as
 * idempotent, as Redis's do.
 *
 *   const stop = keyspace.events.subscribe((db, key, event) => { ... });
 *   stop(); // unsubscribes
 */

import type { Database } from "./database.ts";

/**
 * A change: `key` in `db` was modified, with Redis's event name; `key` is null for the
 * whole-database events "flushdb" and "swapdb". `modified` is false for the few events
 * Redis notifies without signalModifiedKey (XGROUP CREATE on an existing stream, XSETID,
 * a consumer group's bookkeeping): keyspace notifications see them, WATCH and client
 * tracking do not.
 */
export type KeyspaceListener = (
  db: Database,
  key: string | null,
  event: string,
  modified: boolean,
) => void;

/** The listeners of one keyspace. */
export class KeyspaceEvents {
  #listeners: KeyspaceListener[] = [];

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: KeyspaceListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Tells every listener (in subscription order). */
  emit(db: Database, key: string | null, event: string, modified = true): void {
    // The array is replaced, never mutated, so a listener may unsubscribe while called.
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i](db, key, event, modified);
  }
}
