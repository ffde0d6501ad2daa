/**
 * A point-in-time view of the keyspace that is serialized a slice at a time (BGSAVE and
 * the AOF rewrite without fork). The snapshot walks each database's live table from its
 * last position down (Database.keysDown: a key present throughout is met); a write
 * command that is about to change a key the walk has not reached yet first calls
 * `beforeWrite`, which writes that key's current value into the snapshot (or, if the key
 * does not exist yet, marks it as born after the snapshot so the walk skips it). Writes
 * whose keys are not known in advance (FLUSHALL, SWAPDB, MOVE …) call `completeNow`,
 * which finishes the walk synchronously: slower, never wrong.
 *
 * Keys removed without a command (expiry, eviction) before the walk reaches them are left
 * out; an expired key would be dropped on load anyway.
 */

import type { Database } from "../store/database.ts";
import type { Keyspace } from "../store/keyspace.ts";
import { encodeRdb, type RdbContents, type RdbEntry } from "./rdb_file.ts";
import { toRdbObject } from "./rdb_values.ts";

interface DbState {
  db: Database;
  /** Keys already in the snapshot, or that did not exist when it started. */
  done: Set<string>;
  /** Entries taken before a write, waiting for their database's section. */
  early: RdbEntry[];
}

export class KeyspaceSnapshot {
  readonly #states: DbState[];
  readonly #chunks: Generator<Uint8Array>;
  /** Chunks produced by `completeNow`, not yet taken. */
  #pending: Uint8Array[] = [];
  #finished = false;
  readonly startedAt: number;

  constructor(
    readonly keyspace: Keyspace,
    aux: [string, string][],
    functions: string[],
    compress: boolean,
    chunkBytes = 32 * 1024,
  ) {
    this.startedAt = keyspace.clock.now();
    this.#states = keyspace.dbs.map((db) => ({ db, done: new Set<string>(), early: [] }));
    const contents: RdbContents = {
      aux,
      functions,
      dbs: this.#states.map((state, index) => ({
        index,
        keyCount: state.db.size,
        expireCount: state.db.expires.size,
        entries: () => this.#walk(state),
      })),
    };
    this.#chunks = encodeRdb(contents, chunkBytes, compress);
  }

  get finished(): boolean {
    return this.#finished && this.#pending.length === 0;
  }

  /** The next slice of the file, or null when all of it was taken. */
  next(): Uint8Array | null {
    if (this.#pending.length !== 0) return this.#pending.shift()!;
    if (this.#finished) return null;
    const step = this.#chunks.next();
    if (step.done) {
      this.#finished = true;
      return null;
    }
    return step.value;
  }

  /** Keeps the snapshot's view of `keys` in database `dbIndex` before a write changes them. */
  beforeWrite(dbIndex: number, keys: readonly string[]): void {
    if (this.#finished) return;
    const state = this.#states.find((s) => s.db === this.keyspace.dbs[dbIndex]);
    if (state === undefined) return;
    for (const key of keys) {
      if (state.done.has(key)) continue;
      state.done.add(key);
      const entry = this.#entry(state.db, key);
      if (entry !== null) state.early.push(entry);
    }
  }

  /** Serializes everything not yet written, now (before a write with unknown keys). */
  completeNow(): void {
    for (;;) {
      const step = this.#chunks.next();
      if (step.done) break;
      this.#pending.push(step.value);
    }
    this.#finished = true;
  }

  #entry(db: Database, key: string): RdbEntry | null {
    const value = db.stored(key);
    if (value === undefined || db.isExpired(key)) return null;
    const entry: RdbEntry = { key, value: toRdbObject(value), expireAt: db.expiryOf(key) ?? null };
    // Redis saves each key's idle time under an LRU policy, its counter under an LFU one
    const policy = db.access.settings.maxmemoryPolicy, field = db.accessField(key) ?? 0;
    if (policy.endsWith("-lru")) entry.idle = Math.floor(db.access.idleMs(field) / 1000);
    else if (policy.endsWith("-lfu")) entry.freq = db.access.frequency(field);
    return entry;
  }

  *#walk(state: DbState): Generator<RdbEntry> {
    for (const key of state.db.keysDown()) {
      while (state.early.length !== 0) yield state.early.shift()!;
      if (state.done.has(key)) continue;
      state.done.add(key);
      const entry = this.#entry(state.db, key);
      if (entry !== null) yield entry;
    }
    while (state.early.length !== 0) yield state.early.shift()!;
  }
}
