/**
 * `--maxmemory`: keeps the estimated dataset size (store/memory.ts) under the limit, by
 * refusing growing commands (`noeviction`) or by evicting keys first (`allkeys-lru`,
 * `volatile-ttl`), as Redis's performEvictions does before each command.
 *
 * Accounting: with a limit set, every command's keys (its spec's key positions) are sized
 * before and after it runs and the difference is added to a running total, so the check
 * before each command is O(1). What that cannot see (keys that expire, the copy MOVE or
 * COPY ... DB puts in another database) is corrected by a full recount (O(keys)), run at
 * most once per RECOUNT_MS and RECOUNT_SPACING times its own duration, and at once after
 * a write without key positions (FLUSHALL, FLUSHDB). Without a limit nothing is tracked:
 * `used()` is the last count, for INFO.
 *
 * Victims: `allkeys-lru` keeps, per database, a Map from key to last access whose insertion
 * order is recency (each access deletes and re-inserts the key), so the least recently used
 * key is the first entry: exact LRU in O(1), better than Redis's sampled approximation, at
 * the cost of one Map entry per key. Keys no command has touched since the server started
 * (none, unless a command without key positions created them) go after the tracked ones.
 * `volatile-ttl` samples TTL_SAMPLES keys with a TTL per database, continuing where the last
 * sample stopped, and evicts the one that expires soonest, as Redis samples.
 */

import type { CommandSpec } from "../commands/command.ts";
import type { Clock } from "./clock.ts";
import type { Database, ExpiryTime } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";
import { datasetBytes, keyBytes } from "./memory.ts";

export type EvictionPolicy = "noeviction" | "allkeys-lru" | "volatile-ttl";

/** Redis's error for a denyoom command over the limit. */
export const OOM_ERROR = "OOM command not allowed when used memory > 'maxmemory'.";
/** Shortest time between two full recounts. */
export const RECOUNT_MS = 1000;
/**
 * Recounts are spaced at least this many times their own duration apart, so counting a
 * large keyspace (about 100 ms per million keys) costs at most ~5% of the CPU.
 */
export const RECOUNT_SPACING = 20;
/** A full count this fast is simply repeated whenever asked (no limit set: INFO). */
const CHEAP_COUNT_MS = 2;
/** A dataset this small is always counted afresh (one slow count on a loaded host aside). */
const CHEAP_KEYS = 1000;
/** Keys evicted before one command at most; the next commands go on (Redis's time limit). */
export const MAX_EVICTIONS_PER_COMMAND = 1024;
/** Keys with a TTL looked at per database to choose a volatile-ttl victim. */
export const TTL_SAMPLES = 16;

/** Writes without key positions that leave the total as it was: no recount after them. */
const SIZE_NEUTRAL = new Set(["swapdb"]);

/** The limits this needs, read on every use so that CONFIG SET takes effect at once. */
export interface MemoryLimits {
  maxmemory: number;
  maxmemoryPolicy: EvictionPolicy;
}

/** Key positions of `argv` for `spec`: [first, last] inclusive and the step, or null. */
function keyRange(spec: CommandSpec, argv: readonly string[]): [number, number, number] | null {
  const keys = spec.keys;
  if (keys === undefined || keys[0] === 0) return null;
  const last = keys[1] < 0 ? argv.length + keys[1] : Math.min(keys[1], argv.length - 1);
  return [keys[0], last, Math.max(1, keys[2])];
}

export class MemoryGuard {
  /** Keys evicted since start (INFO stats evicted_keys). */
  evictedKeys = 0;
  #used = 0;
  #nextCount = -Infinity;
  #stale = true;
  #wasActive = false;
  /** How long the last full count took, in ms. */
  #countMs = 0;
  #lru = new WeakMap<Database, Map<string, number>>();
  #ttlCursors = new WeakMap<Database, Iterator<[string, ExpiryTime]>>();

  constructor(
    readonly keyspace: Keyspace,
    readonly limits: MemoryLimits,
    readonly clock: Clock,
  ) {}

  /** Whether a limit is set (only then do commands go through `admit` and `track`). */
  get active(): boolean {
    return this.limits.maxmemory > 0;
  }

  /**
   * Estimated bytes of the dataset. With a limit set it is kept current; without one (when
   * only INFO asks) it is counted afresh, unless counting is slow (over CHEAP_COUNT_MS):
   * then it is the last count, at most one recount interval old.
   */
  used(): number {
    const active = this.active;
    if (active !== this.#wasActive) this.#stale = true;
    this.#wasActive = active;
    const now = this.clock.now();
    const fresh = !active && (this.#countMs < CHEAP_COUNT_MS || this.#keyCount() < CHEAP_KEYS);
    if (this.#stale || fresh || now >= this.#nextCount) this.#recount(now);
    return this.#used;
  }

  #keyCount(): number {
    let n = 0;
    for (const db of this.keyspace.dbs) n += db.size;
    return n;
  }

  #recount(now: number): void {
    const started = performance.now();
    this.#used = datasetBytes(this.keyspace);
    this.#stale = false;
    for (const db of this.keyspace.dbs) {
      const lru = this.#lru.get(db);
      if (lru === undefined) continue;
      for (const key of lru.keys()) if (!db.data.has(key)) lru.delete(key);
    }
    this.#countMs = performance.now() - started;
    this.#nextCount = now + Math.max(RECOUNT_MS, RECOUNT_SPACING * this.#countMs);
  }

  /**
   * Before a command, with a limit set: evicts while over it (Redis's performEvictions).
   * Returns `OOM_ERROR` when the dataset is still over the limit and `spec` may grow it
   * (denyoom) or `queued` (a command queued in MULTI, which Redis refuses too), else null.
   */
  admit(spec: CommandSpec, queued = false): string | null {
    if (this.keyspace.paused) return null; // CLIENT PAUSE holds the dataset static
    if (this.used() > this.limits.maxmemory && !this.#evict()) {
      if (queued || spec.flags.includes("denyoom")) return OOM_ERROR;
    }
    return null;
  }

  /**
   * Runs an admitted command through `run` and accounts for the keys it touched (its
   * spec's key positions in `argv`, sized before and after), with a limit set.
   */
  track(spec: CommandSpec, argv: readonly string[], db: Database, run: () => void): void {
    const range = keyRange(spec, argv);
    const lru = this.limits.maxmemoryPolicy === "allkeys-lru" ? this.#lruOf(db) : null;
    if (!spec.flags.includes("write")) {
      run();
      if (lru !== null && range !== null) this.#touch(lru, argv, range);
      return;
    }
    let before = 0;
    if (range !== null) {
      for (let i = range[0]; i <= range[1]; i += range[2]) before += keyBytes(db, argv[i]);
    }
    try {
      run();
    } finally {
      if (range === null) {
        if (!SIZE_NEUTRAL.has(spec.name)) this.#stale = true; // FLUSHALL, FLUSHDB ...
      } else {
        let after = 0;
        for (let i = range[0]; i <= range[1]; i += range[2]) after += keyBytes(db, argv[i]);
        this.#used += after - before;
        if (lru !== null) this.#touch(lru, argv, range);
      }
    }
  }

  #lruOf(db: Database): Map<string, number> {
    let lru = this.#lru.get(db);
    if (lru === undefined) this.#lru.set(db, lru = new Map());
    return lru;
  }

  #touch(lru: Map<string, number>, argv: readonly string[], range: [number, number, number]) {
    const now = this.clock.now();
    for (let i = range[0]; i <= range[1]; i += range[2]) {
      lru.delete(argv[i]);
      lru.set(argv[i], now);
    }
  }

  /**
   * Evicts until under the limit. False when over it with nothing left to evict (the
   * policy is noeviction, or has no candidate); true when under it, or still evicting.
   */
  #evict(): boolean {
    const limit = this.limits.maxmemory;
    for (let n = 0; n < MAX_EVICTIONS_PER_COMMAND; n++) {
      if (this.#used <= limit) return true;
      const victim = this.#victim();
      if (victim === null) return false;
      const [db, key] = victim;
      this.#used -= keyBytes(db, key);
      db.evict(key);
      this.#lru.get(db)?.delete(key);
      this.evictedKeys++;
    }
    return true;
  }

  #victim(): [Database, string] | null {
    switch (this.limits.maxmemoryPolicy) {
      case "allkeys-lru":
        return this.#lruVictim();
      case "volatile-ttl":
        return this.#ttlVictim();
      default:
        return null;
    }
  }

  #lruVictim(): [Database, string] | null {
    let best: [Database, string] | null = null;
    let bestAt = Infinity;
    for (const db of this.keyspace.dbs) {
      const lru = this.#lru.get(db);
      if (lru === undefined) continue;
      for (const [key, at] of lru) {
        if (!db.data.has(key)) {
          lru.delete(key); // deleted since its last access
          continue;
        }
        if (at < bestAt) [best, bestAt] = [[db, key], at];
        break;
      }
    }
    if (best !== null) return best;
    for (const db of this.keyspace.dbs) {
      for (const key of db.data.keys()) return [db, key];
    }
    return null;
  }

  #ttlVictim(): [Database, string] | null {
    let best: [Database, string] | null = null;
    let bestAt = Infinity;
    for (const db of this.keyspace.dbs) {
      if (db.expires.size === 0) continue;
      let it = this.#ttlCursors.get(db);
      for (let n = 0; n < Math.min(TTL_SAMPLES, db.expires.size); n++) {
        let step = it?.next();
        if (step === undefined || step.done) {
          it = db.expires.entries();
          this.#ttlCursors.set(db, it);
          step = it.next();
          if (step.done) break;
        }
        const [key, at] = step.value;
        if (Number(at) < bestAt && db.data.has(key)) [best, bestAt] = [[db, key], Number(at)];
      }
    }
    return best;
  }
}
