/**
 * One numbered database: keys to values, plus the expiry times of the keys that have one
 * (a separate map, as Redis keeps its `expires` dict, so keys without a TTL cost nothing
 * extra). Expiry is lazy: any access to an expired key deletes it first. The background
 * sweep (expiry_sweeper.ts) reclaims keys that nobody touches.
 */

import type { Clock } from "./clock.ts";
import type { Value } from "./values.ts";

export class Database {
  readonly data = new Map<string, Value>();
  /** key → expiry time in ms since the epoch. */
  readonly expires = new Map<string, number>();

  constructor(readonly clock: Clock) {}

  get size(): number {
    return this.data.size;
  }

  /** True when `key` has a TTL that has passed; deletes it then. */
  expireIfNeeded(key: string, now = this.clock.now()): boolean {
    const at = this.expires.get(key);
    if (at === undefined || at > now) return false;
    this.data.delete(key);
    this.expires.delete(key);
    return true;
  }

  /** The live value of `key`, or undefined. */
  get(key: string): Value | undefined {
    const v = this.data.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Stores `value`; clears any TTL unless `keepTtl`. */
  set(key: string, value: Value, keepTtl = false): void {
    this.data.set(key, value);
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
  }

  /** Deletes a live key; true when it existed. */
  delete(key: string): boolean {
    if (this.get(key) === undefined) return false;
    this.data.delete(key);
    this.expires.delete(key);
    return true;
  }

  /** Expiry time in ms, or undefined when the key has none. Call after `get`. */
  expiryOf(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpiry(key: string, at: number): void {
    this.expires.set(key, at);
  }

  persist(key: string): boolean {
    return this.expires.delete(key);
  }

  clear(): void {
    this.data.clear();
    this.expires.clear();
  }
}
