/**
 * WATCH's bookkeeping: which clients watch which keys, and marking a client's transaction
 * dirty when one of them changes. It listens on the keyspace-change hook, so a write from
 * any client and transport, expiry, eviction, FLUSHDB/FLUSHALL and SWAPDB all count, as in
 * Redis (multi.c: touchWatchedKey, touchAllWatchedKeysInDb).
 *
 * Keys are watched by database index, as Redis does (SWAPDB moves contents, not indexes).
 * Redis 7.0's rule for a key that was already expired when watched: its deletion (by
 * expiry or on access) is no logical change and leaves the transaction clean; any other
 * change, or the key still expired-but-present at EXEC, counts as usual.
 */

import type { Database } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";
import { StringKeyMap } from "./string_key_map.ts";

interface WatchedKey {
  readonly db: number;
  readonly key: string;
  /** The key existed but had expired when WATCH ran. */
  expired: boolean;
  readonly client: ClientWatches;
}

/** One client's watched keys and whether one of them changed (CLIENT_DIRTY_CAS). */
export class ClientWatches {
  readonly keys: WatchedKey[] = [];
  dirty = false;

  get count(): number {
    return this.keys.length;
  }
}

/** Every watched key of the server, by database index then key. */
export class WatchedKeys {
  readonly #byDb = new Map<number, StringKeyMap<Set<WatchedKey>>>();
  /** The index each database object had at the last SWAPDB (to find its old contents). */
  readonly #indexOf = new Map<Database, number>();

  constructor(readonly keyspace: Keyspace) {
    keyspace.dbs.forEach((db, i) => this.#indexOf.set(db, i));
    keyspace.events.subscribe((db, key, event, modified) => {
      if ((this.#byDb.size === 0 && event !== "swapdb") || !modified) return;
      if (key !== null) this.#touch(db.id, key);
      else if (event === "flushdb") this.#flushed(db);
      else if (event === "swapdb") this.#swapped(db);
    });
  }

  /** WATCH `key` in database `dbIndex` for `client` (again: no effect). */
  watch(client: ClientWatches, dbIndex: number, key: string): void {
    if (client.keys.some((w) => w.db === dbIndex && w.key === key)) return;
    const db = this.keyspace.dbs[dbIndex];
    const w: WatchedKey = { db: dbIndex, key, expired: db.isExpired(key), client };
    client.keys.push(w);
    let keys = this.#byDb.get(dbIndex);
    if (keys === undefined) this.#byDb.set(dbIndex, keys = new StringKeyMap());
    let set = keys.get(key);
    if (set === undefined) keys.set(key, set = new Set());
    set.add(w);
  }

  /** Forgets every key `client` watches (UNWATCH, EXEC, DISCARD, RESET, disconnect). */
  unwatchAll(client: ClientWatches): void {
    for (const w of client.keys) {
      const keys = this.#byDb.get(w.db);
      const set = keys?.get(w.key);
      if (set === undefined) continue;
      set.delete(w);
      if (set.size === 0) keys!.delete(w.key);
      if (keys!.size === 0) this.#byDb.delete(w.db);
    }
    client.keys.length = 0;
  }

  /**
   * At EXEC: a watched key that has expired since it was watched (and is still present,
   * nobody having touched it) breaks the transaction, as Redis's isWatchedKeyExpired.
   */
  expiredSinceWatched(client: ClientWatches): boolean {
    return client.keys.some((w) => !w.expired && this.keyspace.dbs[w.db].isExpired(w.key));
  }

  #touch(dbIndex: number, key: string): void {
    const set = this.#byDb.get(dbIndex)?.get(key);
    if (set === undefined) return;
    const present = this.keyspace.dbs[dbIndex].contains(key);
    for (const w of [...set]) {
      if (w.expired && !present) w.expired = false; // an expired key deleted: no change
      else this.#dirty(w.client);
    }
  }

  /** Called just before `db` is emptied: watched keys it holds change. */
  #flushed(db: Database): void {
    const keys = this.#byDb.get(db.id);
    if (keys === undefined) return;
    for (const [key, set] of [...keys]) {
      if (!db.contains(key)) continue;
      for (const w of [...set]) {
        if (w.expired) w.expired = false;
        else this.#dirty(w.client);
      }
    }
  }

  /** `db` now sits at its new index; its old index holds what used to be here. */
  #swapped(db: Database): void {
    const now = db.id;
    const before = this.#indexOf.get(db) ?? now;
    this.#indexOf.set(db, now);
    const old = this.keyspace.dbs[before]; // the previous contents of index `now`
    const keys = this.#byDb.get(now);
    if (keys === undefined) return;
    for (const [key, set] of [...keys]) {
      const inOld = old.contains(key);
      if (!inOld && !db.contains(key)) continue;
      for (const w of [...set]) {
        if (w.expired) {
          if (!db.contains(key)) {
            w.expired = false;
            continue;
          }
          if (db.isExpired(key)) continue;
        } else if (!inOld && db.isExpired(key)) {
          w.expired = true;
          continue;
        }
        this.#dirty(w.client);
      }
    }
  }

  #dirty(client: ClientWatches): void {
    client.dirty = true;
    // As Redis: once dirty, nothing more to learn from the other keys.
    this.unwatchAll(client);
  }
}
