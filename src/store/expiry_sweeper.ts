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

/** What INFO stats reports of the sweep (Redis's activeExpireCycle statistics). */
export class ExpiryStats {
  /** Share of expired keys among those examined, a moving average (expired_stale_perc). */
  stalePerc = 0;
  /** Ticks stopped by their time budget (expired_time_cap_reached_count). */
  timeCapReached = 0;
  /** Time spent sweeping, µs (expire_cycle_cpu_milliseconds is this ÷ 1000). */
  micros = 0;

  reset(): void {
    this.stalePerc = 0;
    this.timeCapReached = 0;
    this.micros = 0;
  }
}

export class ExpirySweeper {
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Per database (by identity, so SWAPDB does not confuse cursors). */
  #cursors = new WeakMap<Database, Iterator<[string, ExpiryTime]>>();

  /** Told how long each tick took, in ms (the latency monitor's expire-cycle event). */
  onTick: ((ms: number) => void) | null = null;

  readonly stats = new ExpiryStats();

  constructor(readonly keyspace: Keyspace) {}

  start(): void {
    this.#timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  /** One timer tick: rounds of `sweep` while they keep finding plenty, within the budget. */
  tick(): number {
    const started = performance.now();
    let removed = 0;
    let sampled = 0;
    for (;;) {
      const [examined, expired] = this.#round(KEYS_PER_ROUND);
      removed += expired;
      sampled += examined;
      if (expired * 4 <= examined) break;
      if (performance.now() - started >= TICK_BUDGET_MS) {
        this.stats.timeCapReached++;
        break;
      }
    }
    const ms = performance.now() - started;
    // as Redis: stat_expired_stale_perc = current × 0.05 + previous × 0.95
    const stats = this.stats;
    stats.stalePerc = (sampled === 0 ? 0 : removed / sampled) * 0.05 + stats.stalePerc * 0.95;
    stats.micros += Math.round(ms * 1000);
    this.onTick?.(ms);
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
