/**
 * One numbered database: keys with their values and access clocks (key_table.ts), plus
 * the expiry times of the keys that have one (a separate map, as Redis keeps its `expires`
 * dict, so keys without a TTL cost nothing extra). Expiry is lazy: any access to an
 * expired key deletes it first. The background sweep (expiry_sweeper.ts) reclaims keys
 * that nobody touches.
 *
 * Every change goes through this class (the expiry map is exposed read-only, the keys
 * through copies and positions), so the SCAN slot table (scan_index.ts), once built, always
 * matches the keys.
 *
 * Values are read through the typed lookup (`lookup`, `lookupOrCreate`), which raises
 * WRONGTYPE for a key of another type in this one place. Writes are signalled on the
 * keyspace-change hook (keyspace_events.ts): commands call `modified` after a write, or
 * `modifiedContainer` after an in-place container write, which also deletes a container
 * the write emptied (the one place that happens); expiry, eviction and FLUSHDB signal
 * from here. The primitives `set`, `delete`, `setExpiry` and `persist` are silent, so a
 * command signals once per write with Redis's event name.
 */

import type { Clock } from "./clock.ts";
import { KeyAccess } from "./key_access.ts";
import { CommandError, WRONGTYPE } from "../errors.ts";
import { KeyspaceEvents } from "./keyspace_events.ts";
import { KeyTable } from "./key_table.ts";
import { ScanIndex } from "./scan_index.ts";
import { StringKeyMap } from "./string_key_map.ts";
import { type ContainerType, isEmptyValue, type Value, type ValueType } from "./values.ts";

/** An expiry time in ms since the epoch; a bigint only past 2^53, kept exact for PEXPIRETIME. */
export type ExpiryTime = number | bigint;

/**
 * A removal, told after it is done: `moved` (null if none) went from position `from` (the
 * last) to `to` (the removed key's).
 */
export type RemoveListener = (moved: string | null, from: number, to: number) => void;

/** Shared by a keyspace's databases: whether expired keys may be deleted now. */
export interface ExpiryGate {
  paused: boolean;
}

export class Database {
  /** Key → value and Redis's `lru` field for it (key_access.ts). */
  readonly #table = new KeyTable<Value>();
  readonly #expires = new StringKeyMap<ExpiryTime>();
  #scan: ScanIndex | null = null;
  /** Told of every removal (snapshot.ts): see `onRemove`. */
  #removeListeners: RemoveListener[] = [];

  /**
   * @param id the database's number (SELECT index); SWAPDB renumbers the two it swaps.
   * @param events the keyspace's change hook, shared by all its databases.
   * @param access the keyspace's access clock (LRU/LFU), shared by all its databases.
   */
  constructor(
    readonly clock: Clock,
    public id = 0,
    readonly events: KeyspaceEvents = new KeyspaceEvents(),
    readonly expiry: ExpiryGate = { paused: false },
    readonly access: KeyAccess = new KeyAccess(undefined, clock),
  ) {}

  /** Every key, expired ones included (a copy). */
  keys(): string[] {
    return this.#table.keys();
  }

  /** The key at `position` (0 to size - 1, an order of no meaning; eviction's walk). */
  keyAt(position: number): string {
    return this.#table.keyAt(position);
  }

  /** Every key with its value, expired ones included (for a walk that changes nothing). */
  *entries(): Generator<[string, Value]> {
    const table = this.#table;
    for (let p = 0; p < table.size; p++) yield [table.keyAt(p), table.valueAt(p)];
  }

  /** Position of `key` (see `keyAt`), -1 when absent; expired keys included. */
  positionOf(key: string): number {
    return this.#table.find(key);
  }

  /**
   * Tells `listener` of every removal from now on, once it is done (the listener reads the new
   * `size`): the last key moved into the freed position, or null when the removed key was the last
   * (or the database was emptied at once). Positions only ever move down that way (key_table.ts),
   * so a walk from the top down (the snapshot's, snapshot.ts) can tell which keys it has passed by
   * their position, and learns here of the one that moves below it. Returns the unsubscribe.
   */
  onRemove(listener: RemoveListener): () => void {
    this.#removeListeners = [...this.#removeListeners, listener];
    return () => {
      this.#removeListeners = this.#removeListeners.filter((l) => l !== listener);
    };
  }

  /** Warms the CPU cache for the keys hashing to `hashes[0, n)` (key_prefetch.ts). */
  prefetch(hashes: Int32Array, n: number): number {
    return this.#table.prefetch(hashes, n);
  }

  /** Whether `key` is held, even expired (no access, no expiry: the raw table). */
  contains(key: string): boolean {
    return this.#table.find(key) >= 0;
  }

  /** The value held at `key`, even expired (no access, no expiry: the raw table). */
  stored(key: string): Value | undefined {
    const p = this.#table.find(key);
    return p < 0 ? undefined : this.#table.valueAt(p);
  }

  /** Key → expiry time, for keys that have one (read-only). */
  get expires(): ReadonlyMap<string, ExpiryTime> {
    return this.#expires;
  }

  /** Sizes the table for `keys` keys at once (RESIZEDB of a file being loaded). */
  reserve(keys: number): void {
    this.#table.reserve(keys);
  }

  /** Keys held, counting expired ones not yet reclaimed, as Redis's DBSIZE does. */
  get size(): number {
    return this.#table.size;
  }

  /**
   * True when `key` has a TTL that has passed; deletes it then (signalling "expired"),
   * unless expiry is paused (CLIENT PAUSE): then it only reads as gone.
   */
  expireIfNeeded(key: string, now = this.clock.now()): boolean {
    const at = this.#expires.get(key);
    if (at === undefined || at > now) return false;
    if (this.expiry.paused) return true;
    this.#remove(key);
    this.events.emit(this, key, "expired");
    return true;
  }

  /** True when `key` has a TTL that has passed, without deleting it (KEYS only looks). */
  isExpired(key: string, now = this.clock.now()): boolean {
    if (this.#expires.size === 0) return false;
    const at = this.#expires.get(key);
    return at !== undefined && at <= now;
  }

  /**
   * The live value of `key`, or undefined. Counts as an access to the key (its idle time,
   * its LFU counter), as Redis's lookupKey does; `peek` does not.
   */
  get(key: string): Value | undefined {
    const table = this.#table;
    const p = table.find(key);
    if (p < 0) return undefined;
    if (this.#expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const clock = this.access;
    if (!clock.noTouch) {
      table.setAccessAt(p, clock.lfu ? clock.accessed(table.accessAt(p)) : clock.lruClock());
    }
    return table.valueAt(p);
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /**
   * The live value of `key` without counting an access (Redis's LOOKUP_NOTOUCH: OBJECT,
   * TYPE, EXISTS, TTL and the like).
   */
  peek(key: string): Value | undefined {
    const p = this.#table.find(key);
    if (p < 0) return undefined;
    if (this.#expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return this.#table.valueAt(p);
  }

  /** Redis's `lru` field of a live key (see key_access.ts), or undefined. */
  accessField(key: string): number | undefined {
    const p = this.#table.find(key);
    return p < 0 ? undefined : this.#table.accessAt(p);
  }

  /** Sets the `lru` field of an existing key (RESTORE IDLETIME/FREQ, RDB load, MOVE, RENAME). */
  setAccessField(key: string, field: number): void {
    const p = this.#table.find(key);
    if (p >= 0) this.#table.setAccessAt(p, field);
  }

  /** The live value of `key` if it is of `type`; undefined when missing; else WRONGTYPE. */
  lookup<V extends Value>(key: string, type: ValueType<V>): V | undefined {
    const v = this.get(key);
    if (v === undefined || type.is(v)) return v;
    throw new CommandError(WRONGTYPE);
  }

  /**
   * The container at `key`, created empty (and stored) when missing; WRONGTYPE for another
   * type. The caller fills it and then signals `modified`/`modifiedContainer`.
   */
  lookupOrCreate<V extends Value>(key: string, type: ContainerType<V>): V {
    let v = this.lookup(key, type);
    if (v === undefined) this.set(key, v = type.create());
    return v;
  }

  /**
   * Signals that `key` was modified by a command, with Redis's event name (Redis's
   * signalModifiedKey + notifyKeyspaceEvent). Call it after the write.
   */
  modified(key: string, event: string): void {
    this.events.emit(this, key, event);
  }

  /**
   * Reports `event` on `key` without it counting as a modification: Redis's
   * notifyKeyspaceEvent alone, which some stream commands use (XGROUP CREATE on an
   * existing stream, XSETID, consumer-group bookkeeping): notifications see it, WATCH and
   * client tracking do not.
   */
  notified(key: string, event: string): void {
    this.events.emit(this, key, event, false);
  }

  /**
   * After an in-place write to `container` (the value at `key`): signals `event`, then,
   * if the write left the container empty, deletes the key and signals "del" (as Redis's
   * LPOP of the last element notifies "lpop" then "del").
   */
  modifiedContainer(key: string, container: Value, event: string): void {
    this.events.emit(this, key, event);
    if (isEmptyValue(container) && this.stored(key) === container) {
      this.#remove(key);
      this.events.emit(this, key, "del");
    }
  }

  /**
   * Stores `value`; clears any TTL unless `keepTtl`. A key that did not exist is signalled
   * "new" (as Redis's dbAdd does, before the command's own event). Replacing a value counts
   * as an access (Redis's setKey looks the key up first) unless the command already
   * `lookedUp` the key (Redis's lookupKeyWrite then dbOverwrite).
   */
  set(key: string, value: Value, keepTtl = false, lookedUp = false): void {
    const table = this.#table;
    const p = table.find(key);
    if (p < 0) {
      table.insert(key, value, this.access.created());
      if (this.#scan !== null) this.#scan.add(key);
      this.events.emit(this, key, "new");
    } else {
      table.setValueAt(p, value);
      if (!this.access.lfu) {
        table.setAccessAt(p, this.access.lruClock()); // a new object, a fresh clock
      } else if (!lookedUp) {
        // under LFU the new object keeps the old counter (dbOverwrite), counted once
        table.setAccessAt(p, this.access.accessed(table.accessAt(p)));
      }
    }
    if (!keepTtl && this.#expires.size !== 0) this.#expires.delete(key);
  }

  /** Deletes a live key; true when it existed. */
  delete(key: string): boolean {
    if (this.peek(key) === undefined) return false;
    this.#remove(key);
    return true;
  }

  #remove(key: string): void {
    const table = this.#table;
    const p = table.find(key);
    if (p < 0) return;
    const last = table.size - 1;
    table.removeAt(p);
    this.#expires.delete(key);
    for (const listener of this.#removeListeners) {
      listener(p === last ? null : table.keyAt(p), last, p);
    }
    if (this.#scan !== null) {
      this.#scan.remove(key);
      if (table.size === 0) this.#scan = null;
    }
  }

  /** Expiry time of `key`, or undefined when it has none. Call after `get`. */
  expiryOf(key: string): ExpiryTime | undefined {
    return this.#expires.size === 0 ? undefined : this.#expires.get(key);
  }

  /** Sets the expiry of an existing key. */
  setExpiry(key: string, at: ExpiryTime): void {
    this.#expires.set(key, at);
  }

  /** Removes the TTL of `key`; true when it had one. */
  persist(key: string): boolean {
    return this.#expires.delete(key);
  }

  /** Deletes `key` for --maxmemory (signalling "evicted"); true when it existed. */
  evict(key: string): boolean {
    if (!this.contains(key)) return false;
    this.#remove(key);
    this.events.emit(this, key, "evicted");
    return true;
  }

  /**
   * Deletes every key (FLUSHDB, FLUSHALL); signals `(this, null, "flushdb")` just before,
   * so a listener can still see which keys go (WATCH breaks only on keys that existed).
   */
  clear(): void {
    this.events.emit(this, null, "flushdb");
    const last = this.#table.size - 1;
    this.#table.clear();
    this.#expires.clear();
    this.#scan = null;
    // every position is gone: listeners read the new size (nothing moved)
    for (const listener of this.#removeListeners) listener(null, last, 0);
  }

  #scanIndex(): ScanIndex {
    return this.#scan ??= new ScanIndex(this.#table.keys());
  }

  /**
   * One SCAN step from `cursor`: hands `visit` up to `count` keys in slot order (expired
   * ones too: the caller filters, as Redis checks expiry only on keys that match), and
   * crosses at most 10×count free slots, as Redis bounds empty buckets. Returns the next
   * cursor, 0 when the scan is complete.
   */
  scan(cursor: number, count: number, visit: (key: string) => void): number {
    const index = this.#scanIndex();
    let slot = cursor;
    let seen = 0;
    let empty = 0;
    const keys: string[] = [];
    while (slot < index.length && seen < count && empty < count * 10) {
      const key = index.at(slot++);
      if (key === undefined) empty++;
      else {
        seen++;
        keys.push(key);
      }
    }
    const next = slot >= index.length ? 0 : slot;
    // Visit after the walk: `visit` may expire keys, which may trim the slot table.
    for (const key of keys) visit(key);
    return next;
  }

  /** A random live key (RANDOMKEY), undefined when the database is empty. */
  randomKey(): string | undefined {
    const now = this.clock.now();
    const table = this.#table;
    for (let tries = 0; tries < 100; tries++) {
      if (table.size === 0) return undefined;
      const key = table.keyAt(Math.floor(Math.random() * table.size));
      if (!this.expireIfNeeded(key, now)) return key;
    }
    // Mostly expired keys: fall back to a walk over what lives (a copy: it deletes).
    for (const key of this.#table.keys()) {
      if (!this.expireIfNeeded(key, now)) return key;
    }
    return undefined;
  }
}
