/**
 * ioredis and node-redis, through their typed APIs, calling the list edits, list moves,
 * bit commands, BITFIELD, LCS and SORT: each client runs the same session against respd and
 * against a real redis-server, and what the client hands back must be equal, in RESP2 and
 * RESP3. (Replies are compared as the clients decode them, so shapes the client parses —
 * LMPOP's pair, LCS IDX's map — are exercised.)
 */

import { Redis } from "ioredis";
import { createClient } from "redis";
import { assertEquals } from "./support/assert.ts";
import { startRedis, startTestServer } from "./support/servers.ts";

async function ioredisSession(port: number, protocol: 2 | 3): Promise<unknown[]> {
  const r = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    protocol,
  });
  await r.connect();
  try {
    const out: unknown[] = [];
    out.push(await r.rpush("l", "a", "b", "c", "a"));
    out.push(await r.linsert("l", "BEFORE", "b", "x"));
    out.push(await r.lset("l", 0, "first"));
    out.push(await r.lrem("l", 0, "a"));
    out.push(await r.lpushx("l", "p"), await r.rpushx("nolist", "q"));
    out.push(await r.lpos("l", "x"), await r.lpos("l", "x", "RANK", -1, "COUNT", 0));
    out.push(await r.ltrim("l", 0, 3));
    out.push(await r.lmove("l", "m", "LEFT", "RIGHT"), await r.rpoplpush("l", "m"));
    out.push(await r.lmpop(2, "nokey", "m", "RIGHT", "COUNT", 5));
    out.push(await r.lrange("l", 0, -1), await r.exists("m"));
    out.push(await r.setbit("b", 7, 1), await r.getbit("b", 7), await r.bitcount("b"));
    out.push(await r.set("s", "foobar"), await r.bitcount("s", 1, 1), await r.bitpos("s", 1, 2));
    out.push(await r.bitop("XOR", "d", "s", "b"), await r.getBuffer("d"));
    out.push(await r.bitfield("f", "SET", "i8", 0, 100));
    out.push(await r.bitfield("f", "INCRBY", "i8", 0, 100));
    out.push(await r.bitfield("f", "GET", "u4", "#1"));
    out.push(await r.bitfield("f", "OVERFLOW", "FAIL", "INCRBY", "u2", 0, 9));
    out.push(await r.call("BITFIELD_RO", "f", "GET", "i8", 0));
    out.push(await r.mset("k1", "ohmytext", "k2", "mynewtext"));
    out.push(await r.lcs("k1", "k2"), await r.lcs("k1", "k2", "LEN"));
    out.push(await r.lcs("k1", "k2", "IDX", "MINMATCHLEN", 2, "WITHMATCHLEN"));
    out.push(await r.substr("s", 1, 3));
    out.push(await r.rpush("nums", "10", "2", "33", "1"), await r.mset("w_10", "b", "w_2", "a"));
    out.push(await r.sort("nums"), await r.sort("nums", "BY", "w_*", "LIMIT", 0, 2, "ALPHA"));
    out.push(await r.sort("nums", "DESC", "STORE", "sorted"));
    out.push(await r.lrange("sorted", 0, -1), await r.sort_ro("nums", "GET", "w_*"));
    out.push(await r.sadd("set", "c", "a", "b"), await r.sort("set", "ALPHA", "STORE", "fromset"));
    out.push(await r.zadd("z", 2, "x", 1, "y"), await r.sort("z", "BY", "nosort", "DESC"));
    out.push(await r.hset("h_y", "w", "9"), await r.sort("z", "BY", "h_*->w", "GET", "h_*->w"));
    return out;
  } finally {
    await r.quit();
  }
}

async function nodeRedisSession(port: number, RESP: 2 | 3): Promise<unknown[]> {
  const c = createClient({ socket: { host: "127.0.0.1", port, reconnectStrategy: false }, RESP });
  c.on("error", () => {});
  await c.connect();
  try {
    const out: unknown[] = [];
    out.push(await c.rPush("l", ["a", "b", "c", "a"]));
    out.push(await c.lInsert("l", "AFTER", "b", "x"));
    out.push(await c.lSet("l", -1, "last"));
    out.push(await c.lRem("l", 1, "a"));
    out.push(await c.lPushX("l", "p"), await c.rPushX("nolist", ["q"]));
    out.push(await c.lPos("l", "x", { RANK: 1 }), await c.lPosCount("l", "b", 0, { MAXLEN: 3 }));
    out.push(await c.lTrim("l", 1, -1));
    out.push(await c.lMove("l", "m", "RIGHT", "LEFT"), await c.rPopLPush("l", "m"));
    out.push(await c.lmPop(["nokey", "m"], "LEFT", { COUNT: 1 }));
    out.push(await c.lRange("l", 0, -1));
    out.push(await c.setBit("b", 100, 1), await c.getBit("b", 100));
    out.push(await c.set("s", "foobar"), await c.bitCount("s", { start: 5, end: 30, mode: "BIT" }));
    out.push(await c.bitPos("s", 0, 1, -1, "BIT"), await c.bitOp("NOT", "d", "s"));
    out.push(
      await c.bitField("f", [
        { operation: "OVERFLOW", behavior: "SAT" },
        { operation: "INCRBY", encoding: "u8", offset: "#2", increment: 300 },
        { operation: "SET", encoding: "i64", offset: 3, value: -7 },
        { operation: "GET", encoding: "i64", offset: 3 },
      ]),
    );
    out.push(await c.bitFieldRo("f", [{ encoding: "u8", offset: "#2" }]));
    out.push(await c.mSet({ k1: "ohmytext", k2: "mynewtext" }));
    out.push(await c.lcs("k1", "k2"), await c.lcsLen("k1", "k2"));
    out.push(
      await c.lcsIdx("k1", "k2"),
      await c.lcsIdxWithMatchLen("k1", "k2", { MINMATCHLEN: 3 }),
    );
    out.push(await c.rPush("nums", ["10", "2", "33", "1"]), await c.mSet({ w_10: "b", w_2: "a" }));
    out.push(
      await c.sort("nums"),
      await c.sort("nums", { BY: "w_*", ALPHA: true, LIMIT: { offset: 0, count: 2 } }),
    );
    out.push(await c.sortStore("nums", "sorted", { DIRECTION: "DESC", GET: ["#", "w_*"] }));
    out.push(
      await c.lRange("sorted", 0, -1),
      await c.sortRo("nums", { ALPHA: true, DIRECTION: "DESC" }),
    );
    out.push(await c.sAdd("set", ["c", "a", "b"]), await c.sort("set", { ALPHA: true }));
    out.push(await c.zAdd("z", [{ score: 2, value: "x" }, { score: 1, value: "y" }]));
    out.push(await c.sort("z", { BY: "nosort", DIRECTION: "DESC" }));
    return out;
  } finally {
    await c.close();
  }
}

for (const protocol of [2, 3] as const) {
  Deno.test(`ioredis (protocol ${protocol}) gets Redis's answers for lists, bits, LCS and SORT`, async () => {
    await using respd = startTestServer();
    await using redis = await startRedis();
    const ours = await ioredisSession(respd.port, protocol);
    assertEquals(ours, await ioredisSession(redis.port, protocol));
  });

  Deno.test(`node-redis (RESP${protocol}) gets Redis's answers for lists, bits, LCS and SORT`, async () => {
    await using respd = startTestServer();
    await using redis = await startRedis();
    const ours = await nodeRedisSession(respd.port, protocol);
    assertEquals(ours, await nodeRedisSession(redis.port, protocol));
  });
}
