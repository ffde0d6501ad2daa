/**
 * The numbered databases of one server (SELECT, SWAPDB, FLUSHALL work across them) and
 * their shared keyspace-change hook (`events`, see keyspace_events.ts).
 */

import type { Clock } from "./clock.ts";
import { Database, type ExpiryGate } from "./database.ts";
import { KeyspaceEvents } from "./keyspace_events.ts";
import { type AccessSettings, KeyAccess } from "./key_access.ts";

export class Keyspace {
  readonly dbs: Database[];
  /** Every modification of every database is signalled here. */
  readonly events = new KeyspaceEvents();
  readonly #expiry: ExpiryGate = { paused: false };
  /** The LRU/LFU access clock of every key (OBJECT IDLETIME/FREQ, eviction). */
  readonly access: KeyAccess;

  constructor(count: number, readonly clock: Clock, settings?: AccessSettings) {
    this.access = new KeyAccess(settings, clock);
    this.dbs = Array.from(
      { length: count },
      (_, i) => new Database(clock, i, this.events, this.#expiry, this.access),
    );
  }

  /**
   * While true (CLIENT PAUSE) the dataset is held static, as Redis does during a pause: no
   * key expires (an expired key reads as missing but is not deleted; the expiry sweeper
   * rests) and nothing is evicted.
   */
  get paused(): boolean {
    return this.#expiry.paused;
  }

  set paused(paused: boolean) {
    this.#expiry.paused = paused;
  }

  /**
   * Swaps the contents of two databases; sessions keep their index, so they see the swap.
   * Signals `(db, null, "swapdb")` for both, once both are in place.
   */
  swap(a: number, b: number): void {
    const [da, db] = [this.dbs[a], this.dbs[b]];
    [this.dbs[a], this.dbs[b]] = [db, da];
    db.id = a;
    da.id = b;
    this.events.emit(db, null, "swapdb");
    if (a !== b) this.events.emit(da, null, "swapdb");
  }

  /** Empties every database (FLUSHALL): each signals "flushdb". */
  flushAll(): void {
    for (const db of this.dbs) db.clear();
  }
}
