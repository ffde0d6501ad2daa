/**
 * Active expiry: reclaims expired keys that nobody reads, as Redis's active expire cycle
 * does. Every tick it examines a bounded number of keys with a TTL in each database,
 * continuing where the last tick stopped (a Map iterator survives deletions), so the
 * work per tick is bounded however many keys there are.
 */

import type { Keyspace } from "./keyspace.ts";

const TICK_MS = 100;
const KEYS_PER_TICK = 2000;

export class ExpirySweeper {
  #timer: ReturnType<typeof setInterval> | undefined;
  #cursors = new Map<number, Iterator<[string, number]>>();

  constructor(readonly keyspace: Keyspace) {}

  start(): void {
    this.#timer ??= setInterval(() => this.sweep(), TICK_MS);
  }

  /** One pass of bounded work over every database; returns how many keys it removed. */
  sweep(budget = KEYS_PER_TICK): number {
    let removed = 0;
    const now = this.keyspace.clock.now();
    this.keyspace.dbs.forEach((db, index) => {
      if (db.expires.size === 0) return;
      let it = this.#cursors.get(index);
      for (let n = 0; n < budget; n++) {
        let step = it?.next();
        if (step === undefined || step.done) {
          it = db.expires.entries();
          this.#cursors.set(index, it);
          step = it.next();
          if (step.done) break;
          if (n > 0) break; // one full lap per tick at most
        }
        const [key, at] = step.value;
        if (at <= now) {
          db.data.delete(key);
          db.expires.delete(key);
          removed++;
        }
      }
    });
    return removed;
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
