/**
 * Consumer groups of a stream: each group's last-delivered id, its entries-read counter,
 * its pending entries list (PEL: delivered, not yet acknowledged) and its consumers, each
 * with its own PEL sharing the group's pending records, as Redis 7.0 keeps them. Lag and
 * entries-read follow Redis 7.0's rules (streamReplyWithCGLag,
 * streamEstimateDistanceFromFirstEverEntry), which may answer "unknown" (null).
 *
 * PELs are `IdMap`s: ids sorted in an array with binary search. Deliveries arrive in id
 * order, so inserting is an append; acknowledging from the middle shifts the tail, which
 * is cheap for the PEL sizes consumers keep.
 */

import { add, compareIds, isZeroId, type StreamId, sub, type U64 } from "./stream_id.ts";
import type { Stream } from "./stream.ts";
import { StringKeyMap } from "./string_key_map.ts";

/** An id-sorted map. */
export class IdMap<T> {
  ids: StreamId[] = [];
  values: T[] = [];

  get size(): number {
    return this.ids.length;
  }

  /** First index whose id is >= `id`. */
  lowerBound(id: StreamId): number {
    const ids = this.ids;
    let lo = 0, hi = ids.length;
    if (hi > 0 && compareIds(ids[hi - 1], id) < 0) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareIds(ids[mid], id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #indexOf(id: StreamId): number {
    const i = this.lowerBound(id);
    return i < this.ids.length && compareIds(this.ids[i], id) === 0 ? i : -1;
  }

  get(id: StreamId): T | undefined {
    const i = this.#indexOf(id);
    return i < 0 ? undefined : this.values[i];
  }

  /** Inserts or replaces. */
  set(id: StreamId, value: T): void {
    const i = this.lowerBound(id);
    if (i < this.ids.length && compareIds(this.ids[i], id) === 0) {
      this.values[i] = value;
    } else if (i === this.ids.length) {
      this.ids.push(id);
      this.values.push(value);
    } else {
      this.ids.splice(i, 0, id);
      this.values.splice(i, 0, value);
    }
  }

  delete(id: StreamId): boolean {
    const i = this.#indexOf(id);
    if (i < 0) return false;
    this.ids.splice(i, 1);
    this.values.splice(i, 1);
    return true;
  }

  clone(map: (v: T) => T): IdMap<T> {
    const m = new IdMap<T>();
    m.ids = this.ids.slice();
    m.values = this.values.map(map);
    return m;
  }
}

/** A delivered, not yet acknowledged entry. */
export class PendingEntry {
  constructor(
    public consumer: Consumer | null,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

export class Consumer {
  pel = new IdMap<PendingEntry>();
  constructor(readonly name: string, public seenTime: number) {}
}

/** Redis's SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1;

export class ConsumerGroup {
  pel = new IdMap<PendingEntry>();
  consumers = new StringKeyMap<Consumer>();
  constructor(public lastId: StreamId, public entriesRead: U64) {}

  /** Consumers in Redis's order (its radix tree sorts names bytewise). */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0
    );
  }

  /** The consumer named `name`, created (at `now`) when missing; second: whether created. */
  consumer(name: string, now: number): [Consumer, boolean] {
    const c = this.consumers.get(name);
    if (c !== undefined) return [c, false];
    const created = new Consumer(name, now);
    this.consumers.set(name, created);
    return [created, true];
  }

  /** Deletes a consumer and its pending entries; how many it had pending. */
  deleteConsumer(c: Consumer): number {
    const pending = c.pel.size;
    for (const id of c.pel.ids) this.pel.delete(id);
    this.consumers.delete(c.name);
    return pending;
  }

  /** Acknowledges `id`: true when it was pending. */
  ack(id: StreamId): boolean {
    const p = this.pel.get(id);
    if (p === undefined) return false;
    this.pel.delete(id);
    p.consumer?.pel.delete(id);
    return true;
  }

  /** Records a delivery of `id` to `consumer` (XREADGROUP `>`), reassigning if pending. */
  deliver(id: StreamId, consumer: Consumer, now: number): void {
    const existing = this.pel.get(id);
    if (existing === undefined) {
      const p = new PendingEntry(consumer, now, 1);
      this.pel.set(id, p);
      consumer.pel.set(id, p);
      return;
    }
    existing.consumer?.pel.delete(id);
    existing.consumer = consumer;
    existing.deliveryTime = now;
    existing.deliveryCount = 1;
    consumer.pel.set(id, existing);
  }

  /** Moves the last-delivered id forward to `id`, keeping entries-read as Redis 7.0 does. */
  advance(stream: Stream, id: StreamId): void {
    if (this.entriesRead !== INVALID_ENTRIES_READ && !stream.rangeHasTombstones(id, null)) {
      this.entriesRead = add(this.entriesRead, 1);
    } else if (stream.entriesAdded !== 0) {
      this.entriesRead = estimateEntriesRead(stream, id);
    }
    this.lastId = id;
  }

  /** The group's lag as Redis 7.0 computes it, or null when it cannot tell. */
  lag(stream: Stream): U64 | null {
    if (stream.entriesAdded === 0) return 0;
    if (
      this.entriesRead !== INVALID_ENTRIES_READ && !stream.rangeHasTombstones(this.lastId, null)
    ) {
      return sub(stream.entriesAdded, this.entriesRead);
    }
    const read = estimateEntriesRead(stream, this.lastId);
    return read === INVALID_ENTRIES_READ ? null : sub(stream.entriesAdded, read);
  }

  clone(): ConsumerGroup {
    const g = new ConsumerGroup(this.lastId, this.entriesRead);
    const copies = new Map<PendingEntry, PendingEntry>();
    g.pel = this.pel.clone((p) => {
      const c = new PendingEntry(null, p.deliveryTime, p.deliveryCount);
      copies.set(p, c);
      return c;
    });
    for (const [name, c] of this.consumers) {
      const nc = new Consumer(name, c.seenTime);
      nc.pel = c.pel.clone((p) => {
        const copy = copies.get(p)!;
        copy.consumer = nc;
        return copy;
      });
      g.consumers.set(name, nc);
    }
    return g;
  }

  /** Estimated bytes, for MEMORY USAGE. */
  bytes(): number {
    let n = 128 + this.pel.size * 64;
    for (const c of this.consumers.values()) n += 64 + c.name.length + c.pel.size * 16;
    return n;
  }
}

/**
 * Redis 7.0's streamEstimateDistanceFromFirstEverEntry: the entries-read counter of `id`,
 * or INVALID_ENTRIES_READ when it cannot be known.
 */
export function estimateEntriesRead(s: Stream, id: StreamId): U64 {
  if (s.entriesAdded === 0) return 0;
  if (s.length === 0 && compareIds(id, s.lastId) < 1) return s.entriesAdded;
  const cmpLast = compareIds(id, s.lastId);
  if (cmpLast === 0) return s.entriesAdded;
  if (cmpLast > 0) return INVALID_ENTRIES_READ;
  const cmpFirst = compareIds(id, s.firstId);
  if (isZeroId(s.maxDeletedId) || compareIds(s.maxDeletedId, s.firstId) < 0) {
    if (cmpFirst < 0) return sub(s.entriesAdded, s.length);
    if (cmpFirst === 0) return add(sub(s.entriesAdded, s.length), 1);
  }
  return INVALID_ENTRIES_READ;
}
