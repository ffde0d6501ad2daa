/**
 * Expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX XX GT LT, TTL PTTL EXPIRETIME
 * PEXPIRETIME PERSIST, lazy expiry on access and the background sweep. Time is a
 * ManualClock: no test sleeps. Replies and errors were checked against redis-server 7.0.15.
 */

import { assertEquals } from "./support/assert.ts";
import { expectReplies, RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";
import { Keyspace } from "../src/store/keyspace.ts";
import { ExpirySweeper } from "../src/store/expiry_sweeper.ts";

const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";

Deno.test("EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT set TTLs that TTL and PTTL report", async () => {
  const clock = new ManualClock(1_700_000_000_250);
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  const nowS = Math.floor(clock.time / 1000);
  await c.call("MSET", "a", "1", "b", "2", "c", "3", "d", "4");
  await expectReplies(c, [
    [["EXPIRE", "a", "100"], ":1\r\n"],
    [["TTL", "a"], ":100\r\n"],
    [["PTTL", "a"], ":100000\r\n"],
    [["PEXPIRE", "b", "1499"], ":1\r\n"],
    [["TTL", "b"], ":1\r\n"],
    [["PEXPIRE", "b", "1500"], ":1\r\n"],
    [["TTL", "b"], ":2\r\n"],
    [["EXPIREAT", "c", String(nowS + 10)], ":1\r\n"],
    [["EXPIRETIME", "c"], `:${nowS + 10}\r\n`],
    [["PEXPIRETIME", "c"], `:${(nowS + 10) * 1000}\r\n`],
    [["PEXPIREAT", "d", String(clock.time + 1234)], ":1\r\n"],
    [["PTTL", "d"], ":1234\r\n"],
    [["PEXPIRETIME", "d"], `:${clock.time + 1234}\r\n`],
    [["EXPIRE", "nokey", "10"], ":0\r\n"],
    [["TTL", "nokey"], ":-2\r\n"],
    [["PTTL", "nokey"], ":-2\r\n"],
    [["EXPIRETIME", "nokey"], ":-2\r\n"],
    [["SET", "e", "5"], "+OK\r\n"],
    [["TTL", "e"], ":-1\r\n"],
    [["PEXPIRETIME", "e"], ":-1\r\n"],
  ]);
  clock.advance(1234);
  await expectReplies(c, [
    [["GET", "d"], "$-1\r\n"],
    [["PTTL", "b"], ":266\r\n"],
    [["TTL", "d"], ":-2\r\n"],
  ]);
});

Deno.test("NX, XX, GT and LT decide whether the TTL changes, as in Redis", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await c.call("SET", "k", "v");
  await expectReplies(c, [
    [["EXPIRE", "k", "100", "XX"], ":0\r\n"],
    [["EXPIRE", "k", "100", "GT"], ":0\r\n"],
    [["EXPIRE", "k", "100", "LT"], ":1\r\n"],
    [["EXPIRE", "k", "50", "NX"], ":0\r\n"],
    [["EXPIRE", "k", "200", "LT"], ":0\r\n"],
    [["EXPIRE", "k", "100", "GT"], ":0\r\n"],
    [["EXPIRE", "k", "150", "gt"], ":1\r\n"],
    [["EXPIRE", "k", "120", "xx", "lt"], ":1\r\n"],
    [["TTL", "k"], ":120\r\n"],
    [["PERSIST", "k"], ":1\r\n"],
    [["EXPIRE", "k", "10", "NX"], ":1\r\n"],
    [
      ["EXPIRE", "k", "10", "NX", "XX"],
      "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
    ],
    [
      ["EXPIRE", "k", "10", "NX", "GT"],
      "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
    ],
    [
      ["EXPIRE", "k", "10", "GT", "LT"],
      "-ERR GT and LT options at the same time are not compatible\r\n",
    ],
    [["EXPIRE", "k", "10", "foo"], "-ERR Unsupported option foo\r\n"],
    [["EXPIRE", "k", "abc", "foo"], "-ERR Unsupported option foo\r\n"],
    [["EXPIRE", "k", "abc"], NOT_INTEGER],
    [["EXPIRE", "nokey", "abc"], NOT_INTEGER],
    [["EXPIRE", "k"], "-ERR wrong number of arguments for 'expire' command\r\n"],
  ]);
});

Deno.test("a time in the past deletes the key; overflowing times are refused", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await c.call("MSET", "a", "1", "b", "2", "c", "3", "big", "4");
  await expectReplies(c, [
    [["EXPIRE", "a", "-1"], ":1\r\n"],
    [["EXISTS", "a"], ":0\r\n"],
    [["PEXPIRE", "b", "0"], ":1\r\n"],
    [["EXISTS", "b"], ":0\r\n"],
    [["EXPIREAT", "c", "1"], ":1\r\n"],
    [["EXISTS", "c"], ":0\r\n"],
    [["EXPIRE", "big", "9223372036854775"], "-ERR invalid expire time in 'expire' command\r\n"],
    [["EXPIRE", "big", "-9223372036854775808"], "-ERR invalid expire time in 'expire' command\r\n"],
    [
      ["PEXPIRE", "big", "9223372036854775807"],
      "-ERR invalid expire time in 'pexpire' command\r\n",
    ],
    [["EXPIREAT", "big", "9223372036854776"], "-ERR invalid expire time in 'expireat' command\r\n"],
    [
      ["PEXPIRE", "nokey", "9223372036854775807"],
      "-ERR invalid expire time in 'pexpire' command\r\n",
    ],
    [["PEXPIREAT", "big", "9223372036854775000"], ":1\r\n"],
    [["PEXPIRETIME", "big"], ":9223372036854775000\r\n"],
    [["EXPIRETIME", "big"], ":9223372036854775\r\n"],
    [["PTTL", "big"], `:${9223372036854775000n - BigInt(clock.time)}\r\n`],
    [["EXPIREAT", "big", "9223372036854775", "GT"], ":0\r\n"],
    [["PEXPIREAT", "big", "9223372036854775001", "GT"], ":1\r\n"],
    [["PEXPIRETIME", "big"], ":9223372036854775001\r\n"],
    [["EXISTS", "big"], ":1\r\n"],
  ]);
});

Deno.test("writes clear or keep the TTL exactly where Redis does", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  const ttlAfter = async (setup: string[][]) => {
    await c.call("SET", "k", "5", "EX", "100");
    for (const cmd of setup) await c.call(...cmd);
    return await c.call("TTL", "k");
  };
  assertEquals(await ttlAfter([["SET", "k", "v"]]), ":-1\r\n");
  assertEquals(await ttlAfter([["GETSET", "k", "v"]]), ":-1\r\n");
  assertEquals(await ttlAfter([["MSET", "k", "v"]]), ":-1\r\n");
  assertEquals(await ttlAfter([["SETEX", "k", "7", "v"]]), ":7\r\n");
  assertEquals(await ttlAfter([["INCR", "k"]]), ":100\r\n");
  assertEquals(await ttlAfter([["INCRBYFLOAT", "k", "1.5"]]), ":100\r\n");
  assertEquals(await ttlAfter([["APPEND", "k", "x"]]), ":100\r\n");
  assertEquals(await ttlAfter([["SETRANGE", "k", "0", "x"]]), ":100\r\n");
  assertEquals(await ttlAfter([["SET", "k", "v", "KEEPTTL"]]), ":100\r\n");
  assertEquals(await ttlAfter([["PERSIST", "k"]]), ":-1\r\n");
  assertEquals(await ttlAfter([["DEL", "k"], ["SET", "k", "v"]]), ":-1\r\n");
  assertEquals(await c.call("PERSIST", "k"), ":0\r\n");
  assertEquals(await c.call("PERSIST", "nokey"), ":0\r\n");
});

Deno.test("an expired key is gone for every command as soon as its time passes", async () => {
  const clock = new ManualClock();
  // no active expiry: its timer could reclaim the keys before the first DBSIZE looks
  await using server = startTestServer({ clock, activeExpire: false });
  using c = await RawClient.connect(server.port);
  await c.call("SET", "k", "v", "PX", "100");
  await c.call("RPUSH", "l", "x");
  await c.call("PEXPIRE", "l", "100");
  clock.advance(99);
  assertEquals(await c.call("GET", "k"), "$1\r\nv\r\n");
  clock.advance(1);
  await expectReplies(c, [
    [["DBSIZE"], ":2\r\n"], // not reclaimed until touched or swept, as in Redis
    [["GET", "k"], "$-1\r\n"],
    [["EXISTS", "k", "l"], ":0\r\n"],
    [["TYPE", "l"], "+none\r\n"],
    [["LLEN", "l"], ":0\r\n"],
    [["DBSIZE"], ":0\r\n"],
    [["SETNX", "k", "new"], ":1\r\n"],
    [["TTL", "k"], ":-1\r\n"],
    [["RENAME", "l", "x"], "-ERR no such key\r\n"],
  ]);
});

Deno.test("the background sweep reclaims expired keys nobody touches, and nothing else", () => {
  const clock = new ManualClock();
  const keyspace = new Keyspace(16, clock);
  const sweeper = new ExpirySweeper(keyspace);
  const [db0, db5] = [keyspace.dbs[0], keyspace.dbs[5]];
  for (let i = 0; i < 20_000; i++) {
    db0.set(`t:${i}`, "x".repeat(16));
    db0.setExpiry(`t:${i}`, clock.now() + 1000 + (i % 2) * 10_000);
    db5.set(`u:${i}`, "y");
    db5.setExpiry(`u:${i}`, clock.now() + 500);
  }
  for (let i = 0; i < 1000; i++) db0.set(`keep:${i}`, "z");
  // Nothing is due yet: a tick examines a bounded number of keys and removes none.
  assertEquals(sweeper.tick(), 0);
  clock.advance(1000);
  // Everything in db 5 and half of db 0 is due. Ticks reclaim it without any access.
  let removed = 0;
  for (let i = 0; i < 1000 && removed < 30_000; i++) removed += sweeper.tick();
  assertEquals(removed, 30_000);
  assertEquals(db5.size, 0);
  assertEquals(db5.expires.size, 0);
  assertEquals(db0.size, 10_000 + 1000);
  assertEquals(db0.expires.size, 10_000);
  // One bounded round reclaims at most its budget per database.
  clock.advance(10_000);
  assertEquals(sweeper.sweep(100), 100);
  let rest = 0;
  for (let i = 0; i < 1000 && rest < 9_900; i++) rest += sweeper.tick();
  assertEquals(rest, 9_900);
  assertEquals(db0.size, 1000);
  assertEquals(db0.expires.size, 0);
});

Deno.test("the sweep follows databases across SWAPDB and FLUSHALL", () => {
  const clock = new ManualClock();
  const keyspace = new Keyspace(2, clock);
  const sweeper = new ExpirySweeper(keyspace);
  for (let i = 0; i < 3000; i++) {
    keyspace.dbs[0].set(`k${i}`, "v");
    keyspace.dbs[0].setExpiry(`k${i}`, clock.now() + 10);
  }
  sweeper.sweep(10); // leaves a cursor part-way through database 0
  keyspace.swap(0, 1);
  clock.advance(10);
  let removed = 0;
  for (let i = 0; i < 100 && removed < 3000; i++) removed += sweeper.tick();
  assertEquals(removed, 3000);
  assertEquals(keyspace.dbs[1].size, 0);
  keyspace.dbs[1].set("x", "v");
  keyspace.dbs[1].setExpiry("x", clock.now() + 1);
  keyspace.flushAll();
  assertEquals(sweeper.tick(), 0);
});
