/**
 * The used-memory model: an estimate of what the dataset costs, in bytes, used for
 * `--maxmemory` and reported by INFO memory. JavaScript cannot measure the heap bytes of
 * one Map entry, so respd counts what it stores plus fixed overheads modelled on Redis's
 * own per-object costs on 64-bit builds:
 *
 *   key        KEY_OVERHEAD (dict entry + key header + value header) + key bytes
 *   TTL        EXPIRE_OVERHEAD for a key that has one (an entry in the expires map)
 *   string     STRING_OVERHEAD + its bytes
 *   container  CONTAINER_OVERHEAD + elements × (ELEMENT_OVERHEAD + average element bytes)
 *              (a hash element is a field and its value)
 *
 * Containers are sampled like Redis's `MEMORY USAGE` (SAMPLES 5 by default): up to
 * `SAMPLES` elements spread over the container give the average element size, so sizing a
 * value costs O(1) however large it is. Strings and keys are exact (one char per byte).
 */

import type { Database } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";
import { HashValue, ListValue, SetValue, type SortedSetValue, type Value } from "./values.ts";

export const KEY_OVERHEAD = 64;
export const EXPIRE_OVERHEAD = 32;
export const STRING_OVERHEAD = 16;
export const CONTAINER_OVERHEAD = 64;
export const ELEMENT_OVERHEAD = 24;
/** Elements sampled to size a container. */
export const SAMPLES = 8;

/** Estimated bytes of a value (without its key). */
export function valueBytes(v: Value): number {
  if (typeof v === "string") return STRING_OVERHEAD + v.length;
  const n = v instanceof ListValue ? v.length : v.size;
  if (n === 0) return CONTAINER_OVERHEAD;
  let sampled = 0;
  let bytes = 0;
  if (v instanceof ListValue) {
    const step = Math.max(1, Math.floor(n / SAMPLES));
    for (let i = 0; i < n && sampled < SAMPLES; i += step, sampled++) bytes += v.at(i)!.length;
  } else {
    const step = Math.max(1, Math.floor(n / SAMPLES));
    for (let i = 0; i < n && sampled < SAMPLES; i += step, sampled++) bytes += elementBytes(v, i);
  }
  return CONTAINER_OVERHEAD + Math.round(n * (ELEMENT_OVERHEAD + bytes / sampled));
}

/** Estimated bytes of `key` in `db` with its value and TTL; 0 when the key is absent. */
export function keyBytes(db: Database, key: string): number {
  const v = db.data.get(key);
  if (v === undefined) return 0;
  const ttl = db.expires.has(key) ? EXPIRE_OVERHEAD : 0;
  return KEY_OVERHEAD + key.length + ttl + valueBytes(v);
}

/** Estimated bytes of one database: a walk over every key (O(keys)). */
export function databaseBytes(db: Database): number {
  let total = db.expires.size * EXPIRE_OVERHEAD;
  for (const [key, v] of db.data) total += KEY_OVERHEAD + key.length + valueBytes(v);
  return total;
}

/** Estimated bytes of the whole dataset (O(keys)). */
export function datasetBytes(keyspace: Keyspace): number {
  let total = 0;
  for (const db of keyspace.dbs) total += databaseBytes(db);
  return total;
}

/** Bytes of the element at position `i` of a hash (field and value), set or sorted set. */
function elementBytes(v: HashValue | SetValue | SortedSetValue, i: number): number {
  if (v instanceof HashValue) return v.fieldAt(i).length + v.valueAt(i).length + ELEMENT_OVERHEAD;
  if (v instanceof SetValue) return v.at(i).length;
  return v.tree.entryAt(i)[1].length + 8;
}
