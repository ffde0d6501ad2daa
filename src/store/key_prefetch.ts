/**
 * Warms the CPU cache for the keys of a pipeline before its requests run, so that their
 * cache misses overlap instead of queueing one behind the other.
 *
 * Why: finding a key in a large keyspace is a chain of dependent loads (the index slot, then
 * the entry, then the key and value strings), each a miss to main memory once the table is
 * larger than the cache; a request pays for the chain in full before the next request
 * starts its own. Measured over TLS at -P 16 with 100,000 keys (`perf record` of the
 * server, BENCHMARKS.md "Seventh round"), that chain was a quarter of the server's CPU
 * time, more than the rest of the command path. Here the session hands over the bytes of
 * the requests one read brought in, before running them: the first argument after the
 * command name (where nearly every command names its key) of each request is hashed from
 * the bytes, and `KeyTable.prefetch` then reads each key's slot, entry and strings, one
 * pass per step, the loads of a pass independent of each other, so the CPU has many misses
 * in flight at once. The requests then find their keys in the cache.
 *
 * It only reads: it never parses for real (a request it cannot follow, or one not whole yet,
 * ends the scan), never changes the table, and a wrong guess (a command whose first argument
 * is no key, a SELECT in the pipeline) costs a few loads and nothing else. It is skipped
 * when it cannot pay: fewer than two keys in the read (a client at -P 1 waits for each
 * reply), or a keyspace small enough to stay in the cache.
 */

import { hashBytes } from "./key_hash.ts";
import type { Database } from "./database.ts";
import { PREFETCH_LIMIT } from "./key_table.ts";
// the parser's own reader of a common header (`$16\r`): the length, its CR in `headerCr`
import { headerCr, plainLength } from "../protocol/request_parser.ts";

/**
 * Below this many keys the table, its entries and strings stay in the CPU's cache anyway
 * (a few MB), and warming only costs the scan.
 */
export const PREFETCH_MIN_KEYS = 16 * 1024;

const STAR = 0x2a;
const DOLLAR = 0x24;

/**
 * Finds the second argument of each whole RESP request in `buf[start, end)` that has one,
 * in order, at most `at.length`: its offset in `at`, its length in `lengths`; returns how
 * many. Stops at the first request that is incomplete or not a multibulk with plain
 * headers (an inline command, a leading zero, garbage): the parser will say what it is.
 */
export function requestKeys(
  buf: Uint8Array,
  start: number,
  end: number,
  at: Int32Array,
  lengths: Int32Array,
): number {
  let n = 0;
  let p = start;
  while (n < at.length && p < end && buf[p] === STAR) {
    const argc = plainLength(buf, p + 1, end);
    if (argc < 0) break;
    p = headerCr + 2;
    let keyAt = -1, keyLength = 0, i = 0;
    for (; i < argc && p < end && buf[p] === DOLLAR; i++) {
      const length = plainLength(buf, p + 1, end);
      if (length < 0) break;
      p = headerCr + 2;
      if (i === 1) {
        keyAt = p;
        keyLength = length;
      }
      p += length + 2;
    }
    if (i < argc || p > end) break;
    if (keyAt >= 0) {
      at[n] = keyAt;
      lengths[n++] = keyLength;
    }
  }
  return n;
}

const keyAt = new Int32Array(PREFETCH_LIMIT);
const keyLengths = new Int32Array(PREFETCH_LIMIT);
const hashes = new Int32Array(PREFETCH_LIMIT);

/**
 * Warms the cache for the keys of the requests in `buf[start, end)` in `db` (see the
 * module comment). Returns what `KeyTable.prefetch` read (a number of no meaning).
 */
export function prefetchRequestKeys(
  buf: Uint8Array,
  start: number,
  end: number,
  db: Database,
): number {
  if (db.size < PREFETCH_MIN_KEYS) return 0;
  const n = requestKeys(buf, start, end, keyAt, keyLengths);
  if (n < 2) return 0;
  for (let i = 0; i < n; i++) hashes[i] = hashBytes(buf, keyAt[i], keyLengths[i]);
  return db.prefetch(hashes, n);
}
