/**
 * A point-in-time view of the keyspace that is serialized a slice at a time (BGSAVE and
 * the AOF rewrite without fork). The snapshot walks each database's live table by position
 * from the top down. Positions only move down (a removal moves the last key into the
 * hole: key_table.ts), so the keys at and above the walk's position (`walkedFrom`) are the
 * ones it passed or that were added after it started (appended at the top), and every key
 * present throughout is met. The one exception, a passed key that a removal moves below
 * the walk, is told by Database.onRemove and marked done. A write command that is about to
 * change a key the walk has not reached yet first calls `beforeWrite`, which writes that
 * key's current value into the snapshot (or, if the key does not exist yet, marks it as
 * born after the snapshot so the walk skips it). So the snapshot keeps a set only of the
 * keys written or moved meanwhile, not of every key it passed. Writes whose keys are not
 * known in advance (FLUSHALL, SWAPDB, MOVE …) call `completeNow`, which finishes the walk
 * synchronously: slower, never wrong.
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
  /**
   * Keys below `walkedFrom` the walk must skip: taken early (before a write), created
   * after the snapshot started, or moved down after the walk passed them.
   */
  done: Set<string>;
  /** Entries taken before a write, waiting for their database's section. */
  early: RdbEntry[];
  /** Positions from here up are passed (or hold keys added after the start). */
  walkedFrom: number;
  stopListening: () => void;
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
    this.#states = keyspace.dbs.map((db) => {
      const state: DbState = {
        db,
        done: new Set<string>(),
        early: [],
        walkedFrom: db.size,
        stopListening: () => {},
      };
      state.stopListening = db.onRemove((moved, from, to) => {
        // a passed key (or one added since) moved below the walk: it must not be met again
        if (moved !== null && from >= state.walkedFrom && to < state.walkedFrom) {
          state.done.add(moved);
        }
        // positions past the end are gone: a key added now lands at or above `walkedFrom`
        state.walkedFrom = Math.min(state.walkedFrom, db.size);
      });
      return state;
    });
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
      this.#finish();
      return null;
    }
    return step.value;
  }

  /** Stops following the keyspace (the snapshot is complete, or abandoned). */
  close(): void {
    for (const state of this.#states) state.stopListening();
  }

  #finish(): void {
    this.#finished = true;
    this.close();
  }

  /** Keeps the snapshot's view of `keys` in database `dbIndex` before a write changes them. */
  beforeWrite(dbIndex: number, keys: readonly string[]): void {
    if (this.#finished) return;
    const state = this.#states.find((s) => s.db === this.keyspace.dbs[dbIndex]);
    if (state === undefined) return;
    for (const key of keys) {
      if (state.done.has(key)) continue;
      const p = state.db.positionOf(key);
      if (p >= state.walkedFrom) continue; // passed already, or added after the start
      state.done.add(key);
      if (p < 0) continue; // absent: if a write creates it, it is born after the snapshot
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
    this.#finish();
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
    const db = state.db;
    for (
      let p = Math.min(db.size, state.walkedFrom) - 1;
      p >= 0;
      p = Math.min(p - 1, db.size - 1)
    ) {
      while (state.early.length !== 0) yield state.early.shift()!;
      // `early` may have grown while suspended, `p` may be past the end after removals
      if (p >= db.size) continue;
      const key = db.keyAt(p);
      state.walkedFrom = p;
      if (state.done.size !== 0 && state.done.has(key)) continue;
      const entry = this.#entry(db, key);
      if (entry !== null) yield entry;
    }
    state.walkedFrom = 0;
    while (state.early.length !== 0) yield state.early.shift()!;
  }
}
