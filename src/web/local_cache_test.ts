/**
 * The browser client's local cache bookkeeping: hits and misses, invalidation by key (an
 * MGET entry depends on each of its keys), null invalidation, and failed reads forgotten.
 */

import { assertEquals } from "../../tests/support/assert.ts";
import { LocalCache, readKeys } from "./local_cache.ts";

Deno.test("a read is cached until one of its keys is invalidated", async () => {
  const cache = new LocalCache<string>();
  assertEquals(cache.lookup(["GET", "a"]), undefined);
  cache.store(["GET", "a"], Promise.resolve("1"));
  cache.store(["MGET", "a", "b"], Promise.resolve("1,2"));
  cache.store(["get", "c"], Promise.resolve("3"));
  assertEquals(await cache.lookup(["get", "a"]), "1", "command names in any case");
  assertEquals(await cache.lookup(["MGET", "a", "b"]), "1,2");
  cache.invalidate(["b"]);
  assertEquals(cache.lookup(["MGET", "a", "b"]), undefined);
  assertEquals(await cache.lookup(["GET", "a"]), "1");
  cache.invalidate(["a", "zz"]);
  assertEquals(cache.lookup(["GET", "a"]), undefined);
  assertEquals(cache.size, 1);
  cache.invalidate(null);
  assertEquals(cache.size, 0);
  const s = cache.stats();
  assertEquals([s.hits, s.misses, s.invalidations], [3, 3, 3]);
});

Deno.test("a failed read is not kept", async () => {
  const cache = new LocalCache<string>();
  const failing = Promise.reject(new Error("WRONGTYPE"));
  cache.store(["GET", "l"], failing).catch(() => {});
  await failing.catch(() => {});
  await Promise.resolve();
  assertEquals(cache.lookup(["GET", "l"]), undefined);
});

Deno.test("the keys of a read: every argument of MGET and EXISTS, else the first", () => {
  assertEquals(readKeys(["MGET", "a", "b"]), ["a", "b"]);
  assertEquals(readKeys(["exists", "a", "b"]), ["a", "b"]);
  assertEquals(readKeys(["LRANGE", "l", "0", "-1"]), ["l"]);
  assertEquals(readKeys(["HGET", "h", "f"]), ["h"]);
});
