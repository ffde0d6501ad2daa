/**
 * Active expiry: reclaims expired keys that nobody reads, as Redis's active expire cycle
 * does. Every tick it examines a bounded number of keys with a TTL in each database,
 * continuing where the last tick stopped (a Map iterator survives deletions). Like Redis,
 * it keeps going while a good share of what it examines turns out expired (more than a
 * quarter), within a time budget per tick, so a mass expiry is reclaimed quickly while an
 * idle server does almost nothing.
 */

import type { Database, ExpiryTime } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";

const TICK_MS = 100;
/** Keys with a TTL examined per database per round. */
const KEYS_PER_ROUND = 500;
/** Wall-clock budget per tick: 25 ms of every 100 ms at most, as Redis's 25% CPU cap. */
const TICK_BUDGET_MS = 25;

export class ExpirySweeper {
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Per database (by identity, so SWAPDB does not confuse cursors). */
  #cursors = new WeakMap<Database, Iterator<[string, ExpiryTime]>>();

  constructor(readonly keyspace: Keyspace) {}

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  /** One timer tick: rounds of `sweep` while they keep finding plenty, within the budget. */
  tick(): number {
    const started = performance.now();
    let removed = 0;
    for (;;) {
      const [examined, expired] = this.#round(KEYS_PER_ROUND);
      removed += expired;
      if (expired * 4 <= examined || performance.now() - started >= TICK_BUDGET_MS) break;
    }
    return removed;
  }

  /** One bounded round over every database; returns how many keys it removed. */
  sweep(budget = KEYS_PER_ROUND): number {
    return this.#round(budget)[1];
  }

  #round(budget: number): [examined: number, expired: number] {
    let examined = 0;
    let expired = 0;
    if (this.keyspace.paused) return [examined, expired];
    const now = this.keyspace.clock.now();
    for (const db of this.keyspace.dbs) {
      if (db.expires.size === 0) continue;
      let it = this.#cursors.get(db);
      for (let n = 0; n < budget; n++) {
        let step = it?.next();
        if (step === undefined || step.done) {
          if (n > 0) {
            this.#cursors.delete(db);
            break; // one full lap per round at most
          }
          it = db.expires.entries();
          this.#cursors.set(db, it);
          step = it.next();
          if (step.done) break;
        }
        examined++;
        if (db.expireIfNeeded(step.value[0], now)) expired++;
      }
    }
    return [examined, expired];
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
