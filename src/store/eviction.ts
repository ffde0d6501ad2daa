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
 * Victims, as Redis's evict.c chooses them: the LRU, LFU and TTL policies sample
 * `maxmemory-samples` keys per database (all keys, or only those with a TTL for the volatile
 * policies) into a pool of the EVICTION_POOL best candidates kept between evictions, and
 * evict the pool's best: the longest idle (LRU), the lowest LFU counter (LFU) or the
 * soonest to expire (TTL). Access times and counters are each key's `lru` field
 * (key_access.ts), kept current by every lookup. Samples are the next keys of a walk
 * that goes round each database by position (all keys) or over its expiry map (volatile)
 * rather than random keys: every key is looked at about once per lap (a deletion moves
 * the last key into its place, which the walk may then meet again or skip once), and the
 * pool keeps the best seen. The random policies take a random key (allkeys, a random
 * position) or the walk's next key (volatile), visiting the databases in turn as Redis
 * does.
 */

import type { LatencySink } from "../stats/latency_monitor.ts";
import type { CommandSpec } from "../commands/command.ts";
import type { Clock } from "./clock.ts";
import type { Database, ExpiryTime } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";
import type { EvictionPolicy } from "./key_access.ts";
import { datasetBytes, keyBytes } from "./memory.ts";

export type { EvictionPolicy } from "./key_access.ts";

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
/** Candidates kept between evictions (Redis's EVPOOL_SIZE). */
export const EVICTION_POOL = 16;

/** A key that may be evicted, and how much it deserves it (higher: sooner). */
interface Candidate {
  db: Database;
  key: string;
  score: number;
}

/** Writes without key positions that leave the total as it was: no recount after them. */
const SIZE_NEUTRAL = new Set(["swapdb"]);

/** The limits this needs, read on every use so that CONFIG SET takes effect at once. */
export interface MemoryLimits {
  maxmemory: number;
  maxmemoryPolicy: EvictionPolicy;
  maxmemorySamples: number;
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
  /** The latency monitor: eviction-cycle and eviction-del (Redis 7.0's events). */
  latency: LatencySink | null = null;
  #used = 0;
  #nextCount = -Infinity;
  #stale = true;
  #wasActive = false;
  /** How long the last full count took, in ms. */
  #countMs = 0;
  /** Candidates, lowest score first (Redis's eviction pool). */
  #pool: Candidate[] = [];
  /** Per database, where the sampling walks over all keys and over keys with a TTL stand. */
  #keyWalks = new WeakMap<Database, number>();
  #ttlWalks = new WeakMap<Database, Iterator<[string, ExpiryTime]>>();
  /** The database the random policies look at next. */
  #nextDb = 0;

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
    if (!spec.flags.includes("write")) return run();
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
      }
    }
  }

  /**
   * Evicts until under the limit. False when over it with nothing left to evict (the
   * policy is noeviction, or has no candidate); true when under it, or still evicting.
   */
  #evict(): boolean {
    const latency = this.latency;
    if (latency === null || !latency.enabled) return this.#evictKeys(null);
    // Redis's eviction-cycle: the whole pass; eviction-del: each key's deletion
    const started = performance.now();
    try {
      return this.#evictKeys(latency);
    } finally {
      latency.sampleIfNeeded("eviction-cycle", performance.now() - started);
    }
  }

  #evictKeys(latency: LatencySink | null): boolean {
    const limit = this.limits.maxmemory;
    for (let n = 0; n < MAX_EVICTIONS_PER_COMMAND; n++) {
      if (this.#used <= limit) return true;
      const victim = this.#victim();
      if (victim === null) return false;
      const [db, key] = victim;
      this.#used -= keyBytes(db, key);
      if (latency === null) db.evict(key);
      else {
        const started = performance.now();
        db.evict(key);
        latency.sampleIfNeeded("eviction-del", performance.now() - started);
      }
      this.evictedKeys++;
    }
    return true;
  }

  #victim(): [Database, string] | null {
    const policy = this.limits.maxmemoryPolicy;
    switch (policy) {
      case "noeviction":
        return null;
      case "allkeys-random":
      case "volatile-random":
        return this.#randomVictim(policy === "volatile-random");
      case "allkeys-lru":
      case "allkeys-lfu":
      case "volatile-lru":
      case "volatile-lfu":
      case "volatile-ttl":
        return this.#pooledVictim(policy);
    }
  }

  /** Redis's evictionPoolPopulate over every database, then the pool's best live key. */
  #pooledVictim(policy: EvictionPolicy): [Database, string] | null {
    const volatile = policy.startsWith("volatile-");
    const samples = this.limits.maxmemorySamples;
    for (;;) {
      let sampled = 0;
      for (const db of this.keyspace.dbs) {
        const n = Math.min(samples, volatile ? db.expires.size : db.size);
        for (let i = 0; i < n; i++) {
          const key = volatile ? this.#nextTtlKey(db) : this.#nextKey(db);
          if (key === undefined) break;
          sampled++;
          this.#consider(db, key, policy);
        }
      }
      if (sampled === 0) return null;
      while (this.#pool.length > 0) {
        const { db, key } = this.#pool.pop()!;
        const live = volatile ? db.expires.has(key) : db.contains(key);
        if (live) return [db, key];
      }
      // every pooled key went away meanwhile: sample again
    }
  }

  /** How much `key` deserves eviction under `policy`: higher is sooner. */
  #score(db: Database, key: string, policy: EvictionPolicy): number {
    if (policy === "volatile-ttl") {
      return Number.MAX_SAFE_INTEGER - Number(db.expires.get(key) ?? Number.MAX_SAFE_INTEGER);
    }
    const field = db.accessField(key) ?? 0;
    const access = this.keyspace.access;
    return policy.endsWith("-lfu") ? 255 - access.frequency(field) : access.idleMs(field);
  }

  /** Inserts a sampled key into the pool, kept sorted and at most EVICTION_POOL long. */
  #consider(db: Database, key: string, policy: EvictionPolicy): void {
    const pool = this.#pool;
    for (let i = 0; i < pool.length; i++) {
      if (pool[i].db === db && pool[i].key === key) pool.splice(i--, 1);
    }
    const score = this.#score(db, key, policy);
    let at = 0;
    while (at < pool.length && pool[at].score < score) at++;
    if (pool.length >= EVICTION_POOL) {
      if (at === 0) return; // worse than everything pooled
      pool.shift();
      at--;
    }
    pool.splice(at, 0, { db, key, score });
  }

  #nextKey(db: Database): string | undefined {
    if (db.size === 0) return undefined;
    const at = (this.#keyWalks.get(db) ?? 0) % db.size;
    this.#keyWalks.set(db, at + 1);
    return db.keyAt(at);
  }

  #nextTtlKey(db: Database): string | undefined {
    let walk = this.#ttlWalks.get(db);
    let step = walk?.next();
    if (step === undefined || step.done) {
      walk = db.expires.entries();
      this.#ttlWalks.set(db, walk);
      step = walk.next();
    }
    return step.done ? undefined : step.value[0];
  }

  /** allkeys-random / volatile-random: the next database in turn with a candidate. */
  #randomVictim(volatile: boolean): [Database, string] | null {
    const dbs = this.keyspace.dbs;
    for (let n = 0; n < dbs.length; n++) {
      const db = dbs[this.#nextDb];
      this.#nextDb = (this.#nextDb + 1) % dbs.length;
      const key = volatile
        ? (db.expires.size === 0 ? undefined : this.#nextTtlKey(db))
        : db.randomKey();
      if (key !== undefined) return [db, key];
    }
    return null;
  }
}
