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
 * Each value type sizes itself (its `bytes` in store/types/*.ts); the constants are in
 * value_sizes.ts.
 */

import type { Database } from "./database.ts";
import type { Keyspace } from "./keyspace.ts";
import { EXPIRE_OVERHEAD, KEY_OVERHEAD } from "./value_sizes.ts";
import { valueBytes } from "./values.ts";

export {
  CONTAINER_OVERHEAD,
  ELEMENT_OVERHEAD,
  EXPIRE_OVERHEAD,
  KEY_OVERHEAD,
  SAMPLES,
  STRING_OVERHEAD,
} from "./value_sizes.ts";
export { valueBytes } from "./values.ts";

/** Estimated bytes of `key` in `db` with its value and TTL; 0 when the key is absent. */
export function keyBytes(db: Database, key: string): number {
  const v = db.stored(key);
  if (v === undefined) return 0;
  const ttl = db.expires.has(key) ? EXPIRE_OVERHEAD : 0;
  return KEY_OVERHEAD + key.length + ttl + valueBytes(v);
}

/** Estimated bytes of one database: a walk over every key (O(keys)). */
export function databaseBytes(db: Database): number {
  let total = db.expires.size * EXPIRE_OVERHEAD;
  for (const [key, v] of db.entries()) total += KEY_OVERHEAD + key.length + valueBytes(v);
  return total;
}

/** Estimated bytes of the whole dataset (O(keys)). */
export function datasetBytes(keyspace: Keyspace): number {
  let total = 0;
  for (const db of keyspace.dbs) total += databaseBytes(db);
  return total;
}
