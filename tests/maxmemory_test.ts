/**
 * --maxmemory: the used-memory model, noeviction's OOM error (Redis's exact text, for
 * denyoom commands only), and which keys the LRU, LFU and TTL policies evict. The server's
 * clock is a ManualClock, so the periodic recount never runs behind a test's back and the
 * running estimate can be compared with a full count.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";
import { Keyspace } from "../src/store/keyspace.ts";
import { ListValue } from "../src/store/values.ts";
import {
  CONTAINER_OVERHEAD,
  datasetBytes,
  ELEMENT_OVERHEAD,
  EXPIRE_OVERHEAD,
  KEY_OVERHEAD,
  keyBytes,
  STRING_OVERHEAD,
  valueBytes,
} from "../src/store/memory.ts";
import { OOM_ERROR } from "../src/store/eviction.ts";

const OOM = `-${OOM_ERROR}\r\n`;
/** Bytes of a 3-byte key (`k00`, `p1x` ...) holding a 100-byte string, in the model. */
const KEY_COST = KEY_OVERHEAD + 3 + STRING_OVERHEAD + 100;
const k = (i: number) => `k${String(i).padStart(2, "0")}`;
const VALUE = "v".repeat(100);

Deno.test("the memory model counts bytes plus per-object overheads", () => {
  assertEquals(valueBytes("abc"), STRING_OVERHEAD + 3);
  const list = new ListValue();
  for (const s of ["ab", "cd", "ef"]) list.pushBack(s);
  assertEquals(valueBytes(list), CONTAINER_OVERHEAD + 3 * (ELEMENT_OVERHEAD + 2));
  const big = new ListValue();
  for (let i = 0; i < 100_000; i++) big.pushBack(`m${i % 10}`.padEnd(10));
  assertEquals(valueBytes(big), CONTAINER_OVERHEAD + 100_000 * (ELEMENT_OVERHEAD + 10));
  const keyspace = new Keyspace(2, new ManualClock());
  const db = keyspace.dbs[1];
  db.set("key", "value");
  assertEquals(keyBytes(db, "key"), KEY_OVERHEAD + 3 + STRING_OVERHEAD + 5);
  db.setExpiry("key", Date.now() + 1000);
  assertEquals(keyBytes(db, "key"), KEY_OVERHEAD + 3 + EXPIRE_OVERHEAD + STRING_OVERHEAD + 5);
  assertEquals(datasetBytes(keyspace), keyBytes(db, "key"));
  assertEquals(keyBytes(db, "missing"), 0);
});

Deno.test("noeviction refuses growing commands with Redis's OOM error, reads and DEL go on", async () => {
  await using redis = await startRedis(["--maxmemory", "1"]);
  using r = await RawClient.connect(redis.port);
  assertEquals(await r.call("SET", "k", "v"), OOM, "the text is Redis's");

  await using server = startTestServer({ maxmemory: 10 * KEY_COST, clock: new ManualClock() });
  using c = await RawClient.connect(server.port);
  for (let i = 0; i < 10; i++) assertEquals(await c.call("SET", k(i), VALUE), "+OK\r\n");
  assertEquals(await c.call("SET", k(10), VALUE), "+OK\r\n", "at the limit, not over it");
  assertEquals(await c.call("SET", k(11), VALUE), OOM);
  assertEquals(await c.call("INCR", "n"), OOM);
  assertEquals(await c.call("RPUSH", "l", "x"), OOM);
  assertEquals(await c.call("GET", k(0)), `$100\r\n${VALUE}\r\n`, "reads still work");
  assertEquals(await c.call("DBSIZE"), ":11\r\n", "nothing was evicted");
  assertEquals(await c.call("DEL", k(0), k(1)), ":2\r\n", "DEL is not denyoom");
  assertEquals(await c.call("SET", k(11), VALUE), "+OK\r\n", "freed memory is usable again");
  assertEquals(await c.call("FLUSHALL"), "+OK\r\n");
  assertEquals(await c.call("SET", k(12), VALUE), "+OK\r\n", "FLUSHALL is counted at once");
  assertEquals(server.memory.evictedKeys, 0);
});

Deno.test("allkeys-lru evicts the least recently used keys first", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({
    maxmemory: 10 * KEY_COST,
    maxmemoryPolicy: "allkeys-lru",
    maxmemorySamples: 16, // every key is sampled: the approximation is exact here
    clock,
  });
  using c = await RawClient.connect(server.port);
  // LRU times have Redis's resolution, one second: the clock moves a second per access
  const call = (...args: string[]) => (clock.advance(1000), c.call(...args));
  for (let i = 0; i < 10; i++) assertEquals(await call("SET", k(i), VALUE), "+OK\r\n");
  assertEquals(await call("GET", k(0)), `$100\r\n${VALUE}\r\n`, "k0 is now the most recent");
  assertEquals(await call("SET", k(1), VALUE), "+OK\r\n", "an overwrite is an access too");
  for (let i = 10; i < 14; i++) assertEquals(await call("SET", k(i), VALUE), "+OK\r\n");
  await call("PING"); // eviction runs before each command, as in Redis
  const alive = [];
  for (let i = 0; i < 14; i++) if ((await c.call("EXISTS", k(i))) === ":1\r\n") alive.push(i);
  assertEquals(alive, [0, 1, 6, 7, 8, 9, 10, 11, 12, 13]);
  assertEquals(server.memory.evictedKeys, 4);
  assert(server.memory.used() <= 10 * KEY_COST);
});

Deno.test("allkeys-lfu evicts the least frequently used keys, volatile-lru only keys with a TTL", async () => {
  await using server = startTestServer({
    maxmemory: 6 * KEY_COST,
    maxmemoryPolicy: "allkeys-lfu",
    maxmemorySamples: 16,
    lfuLogFactor: 0, // every access adds one
    clock: new ManualClock(),
  });
  using c = await RawClient.connect(server.port);
  for (let i = 0; i < 6; i++) assertEquals(await c.call("SET", k(i), VALUE), "+OK\r\n");
  for (let i = 0; i < 6; i++) {
    for (let n = 0; n < i; n++) await c.call("GET", k(i)); // k(i) read i times
  }
  assertEquals(await c.call("OBJECT", "FREQ", k(3)), ":8\r\n", "5 to start, 3 reads");
  assertEquals(await c.call("SET", k(6), VALUE), "+OK\r\n");
  assertEquals(await c.call("SET", k(7), VALUE), "+OK\r\n");
  await c.call("PING");
  const db = server.keyspace.dbs[0];
  // the lowest counters go: k0 (5, never read), then k6 (5, new) or k1 (6)
  assertEquals(db.contains(k(0)), false);
  assertEquals(db.contains(k(5)) && db.contains(k(4)) && db.contains(k(3)), true);
  assertEquals(server.memory.evictedKeys, 2);

  server.config.maxmemoryPolicy = "volatile-lru";
  server.config.maxmemory = 100 * KEY_COST;
  assertEquals(await c.call("FLUSHALL"), "+OK\r\n");
  server.config.maxmemory = 4 * KEY_COST + 2 * 32; // two of them with a TTL
  for (const key of ["p1x", "p2x", "t1x", "t2x"]) {
    const ttl = key.startsWith("t") ? ["EX", "100"] : [];
    assertEquals(await c.call("SET", key, VALUE, ...ttl), "+OK\r\n");
  }
  assertEquals(await c.call("SET", "p3x", VALUE), "+OK\r\n");
  assertEquals(await c.call("SET", "p4x", VALUE), "+OK\r\n");
  assertEquals(await c.call("SET", "p5x", VALUE), "+OK\r\n");
  assertEquals(await c.call("SET", "p6x", VALUE), OOM, "no key with a TTL left to evict");
  assertEquals(await c.call("EXISTS", "p1x", "p2x", "p3x", "p4x", "p5x"), ":5\r\n");
  assertEquals(await c.call("EXISTS", "t1x", "t2x"), ":0\r\n");
});

Deno.test("volatile-ttl evicts the keys expiring soonest and never keys without a TTL", async () => {
  await using server = startTestServer({
    maxmemory: 6 * KEY_COST,
    maxmemoryPolicy: "volatile-ttl",
    clock: new ManualClock(),
  });
  using c = await RawClient.connect(server.port);
  for (const k of ["p1x", "p2x", "p3x"]) assertEquals(await c.call("SET", k, VALUE), "+OK\r\n");
  assertEquals(await c.call("SET", "t1x", VALUE, "EX", "100"), "+OK\r\n");
  assertEquals(await c.call("SET", "t2x", VALUE, "EX", "50"), "+OK\r\n");
  assertEquals(await c.call("SET", "t3x", VALUE, "EX", "200"), "+OK\r\n");
  // Over the limit now (TTLs cost EXPIRE_OVERHEAD each). Eviction runs before every
  // command, so the keys are looked at directly, without a command in between.
  const db = server.keyspace.dbs[0];
  const alive = (...keys: string[]) => keys.filter((key) => db.contains(key)).join(",");
  assertEquals(await c.call("SET", "p4x", VALUE), "+OK\r\n");
  assertEquals(alive("t1x", "t2x", "t3x"), "t1x,t3x", "t2 expires first");
  assertEquals(await c.call("SET", "p5x", VALUE), "+OK\r\n");
  assertEquals(alive("t1x", "t3x"), "t3x");
  assertEquals(await c.call("SET", "p6x", VALUE), "+OK\r\n");
  assertEquals(alive("t3x"), "");
  assertEquals(await c.call("SET", "p7x", VALUE), "+OK\r\n", "at the limit, not over it");
  assertEquals(await c.call("SET", "p8x", VALUE), OOM, "no volatile key left to evict");
  const persistent = ["p1x", "p2x", "p3x", "p4x", "p5x", "p6x", "p7x"];
  assertEquals(await c.call("EXISTS", ...persistent), ":7\r\n");
  assertEquals(server.memory.evictedKeys, 3);
});

Deno.test("the running estimate under a limit matches a full count after mixed writes", async () => {
  await using server = startTestServer({ maxmemory: 1 << 30, clock: new ManualClock() });
  using c = await RawClient.connect(server.port);
  const script: string[][] = [
    ["SET", "s", "hello"],
    ["APPEND", "s", " world"],
    ["RPUSH", "l", "a", "bb", "ccc"],
    ["LPUSH", "l", "dddd"],
    ["INCR", "n"],
    ["INCRBY", "n", "1000000"],
    ["SET", "t", "x", "EX", "100"],
    ["SET", "t", "longer value", "KEEPTTL"],
    ["MSET", "m1", "1", "m2", "22"],
    ["DEL", "m1", "nope"],
    ["SELECT", "3"],
    ["SET", "other", "db"],
    ["SELECT", "0"],
    ["GETDEL", "s"],
  ];
  for (const args of script) {
    const reply = await c.call(...args);
    assert(!reply.startsWith("-"), `${args.join(" ")}: ${reply}`);
    assertEquals(server.memory.used(), datasetBytes(server.keyspace), args.join(" "));
  }
});

Deno.test("INFO reports the estimate, the limit and evictions", async () => {
  await using server = startTestServer({ maxmemory: 2 * KEY_COST, maxmemoryPolicy: "allkeys-lru" });
  using c = await RawClient.connect(server.port);
  for (let i = 0; i < 4; i++) await c.call("SET", k(i), VALUE);
  await c.call("PING");
  const info = await c.call("INFO");
  assert(info.includes(`\r\nused_memory:${server.memory.used()}\r\n`), info);
  assert(info.includes(`\r\nmaxmemory:${2 * KEY_COST}\r\n`));
  assert(info.includes("\r\nmaxmemory_policy:allkeys-lru\r\n"));
  assert(info.includes("\r\nevicted_keys:2\r\n"), info);
});

Deno.test("without a limit INFO still reports the dataset estimate, counted afresh", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const usedMemory = async () =>
    /\r\nused_memory:(\d+)\r\n/.exec(await c.call("INFO", "memory"))![1];
  assertEquals(await usedMemory(), "0");
  await c.call("SET", "key", "value");
  assertEquals(await usedMemory(), String(datasetBytes(server.keyspace)));
  assertEquals(await usedMemory(), String(KEY_OVERHEAD + 3 + STRING_OVERHEAD + 5));
});
