/**
 * When each key was last used, as Redis keeps it in the 24-bit `lru` field of every object:
 * under an LRU (or no) maxmemory policy the access time in seconds of Redis's LRU clock
 * (OBJECT IDLETIME, LRU eviction); under an LFU policy the last decrement time in minutes
 * (16 bits) and a logarithmic access counter (8 bits) that grows with probability
 * 1/((counter - 5) × lfu-log-factor + 1) and decays by one per lfu-decay-time minutes
 * (OBJECT FREQ, LFU eviction). The field is read as the policy in force says, so values
 * written under the other policy read oddly until keys are touched again, as in Redis.
 *
 * Each database keeps one small integer per key (database.ts); this module only computes
 * them. The clock is read through a cache refreshed every 100 ms, as Redis reads its own
 * cached `lruclock` (a clock read per key access would cost more than the access).
 */

import type { Clock } from "./clock.ts";

/** The settings this reads on each use, so that CONFIG SET takes effect at once. */
export interface AccessSettings {
  maxmemoryPolicy: string;
  lfuLogFactor: number;
  lfuDecayTime: number;
}

export const DEFAULT_ACCESS_SETTINGS: Readonly<AccessSettings> = {
  maxmemoryPolicy: "noeviction",
  lfuLogFactor: 10,
  lfuDecayTime: 1,
};

/** Redis 7.0's maxmemory policies, in the order its CONFIG SET error lists them. */
export const EVICTION_POLICIES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
] as const;

export type EvictionPolicy = typeof EVICTION_POLICIES[number];

/** Redis's LRU clock: seconds, 24 bits, wrapping. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
/** The counter a new key starts with under LFU, so it is not evicted at once. */
export const LFU_INIT_VAL = 5;
const REFRESH_MS = 100;

/** Whether `policy` is one of the LFU policies (Redis's MAXMEMORY_FLAG_LFU). */
export function isLfuPolicy(policy: string): boolean {
  return policy === "allkeys-lfu" || policy === "volatile-lfu";
}

export class KeyAccess {
  #timer: ReturnType<typeof setInterval> | undefined;
  /** The cached time in ms, or -1 when every read goes to the clock (no timer running). */
  #cachedMs = -1;
  /**
   * True while a CLIENT NO-TOUCH client's command runs: reads leave the keys' access field
   * as it was (Redis 7.2's LOOKUP_NOTOUCH for such clients); the pipeline sets it.
   */
  noTouch = false;

  /** @param random the LFU counter's coin (a test's seeded one; Math.random otherwise). */
  constructor(
    readonly settings: AccessSettings = DEFAULT_ACCESS_SETTINGS,
    readonly clock: Clock,
    readonly random: () => number = Math.random,
  ) {}

  /** Starts the 100 ms refresh of the cached clock (the server does, with the real clock). */
  start(): void {
    this.#cachedMs = this.clock.now();
    this.#timer ??= setInterval(() => (this.#cachedMs = this.clock.now()), REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#cachedMs = -1;
  }

  #nowMs(): number {
    return this.#cachedMs >= 0 ? this.#cachedMs : this.clock.now();
  }

  get lfu(): boolean {
    return isLfuPolicy(this.settings.maxmemoryPolicy);
  }

  /** Redis's LRU_CLOCK(). */
  lruClock(): number {
    return Math.floor(this.#nowMs() / 1000) & LRU_CLOCK_MAX;
  }

  /** Redis's LFUGetTimeInMinutes(). */
  #minutes(): number {
    return Math.floor(this.#nowMs() / 60000) & 65535;
  }

  /** The field of a key just created (Redis's createObject). */
  created(): number {
    return this.lfu ? (this.#minutes() << 8) | LFU_INIT_VAL : this.lruClock();
  }

  /** The field after an access (Redis's lookupKey: updateLFU, or the LRU clock). */
  accessed(field: number): number {
    if (!this.lfu) return this.lruClock();
    let counter = this.frequency(field);
    if (counter < 255) {
      const base = Math.max(0, counter - LFU_INIT_VAL);
      if (this.random() < 1 / (base * this.settings.lfuLogFactor + 1)) counter++;
    }
    return (this.#minutes() << 8) | counter;
  }

  /** Milliseconds since the access recorded in `field` (Redis's estimateObjectIdleTime). */
  idleMs(field: number): number {
    const now = this.lruClock();
    return (now >= field ? now - field : now + (LRU_CLOCK_MAX - field)) * 1000;
  }

  /** The LFU counter in `field` after its decay (Redis's LFUDecrAndReturn). */
  frequency(field: number): number {
    const ldt = field >> 8;
    const counter = field & 255;
    const decay = this.settings.lfuDecayTime;
    if (decay === 0) return counter;
    const now = this.#minutes();
    const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    const periods = Math.floor(elapsed / decay);
    return periods > counter ? 0 : counter - periods;
  }

  /**
   * The field for a key restored with RESTORE's IDLETIME/FREQ or loaded from an RDB file
   * that carries them (Redis's objectSetLRUOrLFU), or null when the option does not apply
   * to the policy in force.
   */
  restored(freq: number | undefined, idleSeconds: number | undefined): number | null {
    if (this.lfu) return freq === undefined ? null : (this.#minutes() << 8) | freq;
    if (idleSeconds === undefined) return null;
    const abs = this.lruClock() - idleSeconds;
    return abs >= 0 ? abs : ((abs % (LRU_CLOCK_MAX + 1)) + LRU_CLOCK_MAX + 1) % (LRU_CLOCK_MAX + 1);
  }
}
