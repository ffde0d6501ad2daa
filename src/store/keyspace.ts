/** The numbered databases of one server (SELECT, SWAPDB, FLUSHALL work across them). */

import type { Clock } from "./clock.ts";
import { Database } from "./database.ts";

export class Keyspace {
  readonly dbs: Database[];

  constructor(count: number, readonly clock: Clock) {
    this.dbs = Array.from({ length: count }, () => new Database(clock));
  }

  /** Swaps the contents of two databases; sessions keep their index, so they see the swap. */
  swap(a: number, b: number): void {
    [this.dbs[a], this.dbs[b]] = [this.dbs[b], this.dbs[a]];
  }

  flushAll(): void {
    for (const db of this.dbs) db.clear();
  }
}
