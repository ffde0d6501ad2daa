/**
 * Hashes, sets and sorted sets through real clients' typed APIs: ioredis (RESP3 and RESP2)
 * and node-redis (RESP3 and RESP2) each run a session a BullMQ-like job store would (a
 * job hash, a set of ids, a delayed-jobs sorted set) and must get what Redis gives them;
 * then the browser client over WebSocket decodes RESP3 maps, sets and doubles.
 */

import { Redis } from "ioredis";
import { createClient } from "redis";
import { assert, assertEquals } from "./support/assert.ts";
import { startTestServer } from "./support/servers.ts";
import { connect } from "../src/web/client.ts";

for (const protocol of [3, 2] as const) {
  Deno.test(`ioredis (protocol ${protocol}) uses hashes, sets and sorted sets`, async () => {
    await using server = startTestServer();
    const redis = new Redis({
      host: "127.0.0.1",
      port: server.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      protocol,
    });
    try {
      await redis.connect();
      assertEquals(await redis.hset("job:1", { name: "send", attempts: "0", data: "{}" }), 3);
      assertEquals(await redis.hget("job:1", "name"), "send");
      assertEquals(await redis.hincrby("job:1", "attempts", 2), 2);
      assertEquals(await redis.hincrbyfloat("job:1", "progress", 10.5), "10.5");
      assertEquals(await redis.hgetall("job:1"), {
        name: "send",
        attempts: "2",
        data: "{}",
        progress: "10.5",
      });
      assertEquals(await redis.hmget("job:1", "name", "nope"), ["send", null]);
      assertEquals(await redis.hkeys("job:1"), ["name", "attempts", "data", "progress"]);
      assertEquals(await redis.hlen("job:1"), 4);
      assertEquals(await redis.hdel("job:1", "data", "nope"), 1);
      assertEquals(await redis.hexists("job:1", "data"), 0);

      assertEquals(await redis.sadd("ids", "3", "1", "2"), 3);
      assertEquals(await redis.smembers("ids"), ["1", "2", "3"]);
      assertEquals(await redis.sismember("ids", "2"), 1);
      assertEquals(await redis.smismember("ids", "2", "9"), [1, 0]);
      assertEquals(await redis.sinter("ids", "ids"), ["1", "2", "3"]);
      assertEquals(await redis.scard("ids"), 3);
      const popped = await redis.spop("ids", 2);
      assertEquals(popped.length, 2);
      assertEquals(await redis.scard("ids"), 1);

      assertEquals(await redis.zadd("delayed", 300, "c", 100, "a", 200.5, "b"), 3);
      assertEquals(await redis.zrange("delayed", 0, "-1"), ["a", "b", "c"]);
      assertEquals(await redis.zrange("delayed", 0, "1", "WITHSCORES"), ["a", "100", "b", "200.5"]);
      assertEquals(await redis.zrangebyscore("delayed", "(100", "+inf"), ["b", "c"]);
      assertEquals(await redis.zscore("delayed", "b"), "200.5");
      assertEquals(await redis.zincrby("delayed", 1.1, "a"), "101.09999999999999");
      assertEquals(await redis.zrank("delayed", "c"), 2);
      assertEquals(await redis.zcard("delayed"), 3);
      assertEquals(await redis.zpopmin("delayed"), ["a", "101.09999999999999"]);
      assertEquals(await redis.zrem("delayed", "b", "nope"), 1);
      const results = await redis.pipeline().zadd("q", 1, "x").zcount("q", "-inf", "+inf")
        .hset("h", "f", "v").sadd("s", "m").exec();
      assertEquals(results, [[null, 1], [null, 1], [null, 1], [null, 1]]);
      const [cursor, fields] = await redis.hscan("job:1", 0);
      assertEquals(cursor, "0");
      assertEquals(fields, ["name", "send", "attempts", "2", "progress", "10.5"]);
    } finally {
      await redis.quit();
    }
  });
}

for (const RESP of [3, 2] as const) {
  Deno.test(`node-redis (RESP${RESP}) uses hashes, sets and sorted sets`, async () => {
    await using server = startTestServer();
    const client = createClient({
      socket: { host: "127.0.0.1", port: server.port, reconnectStrategy: false },
      RESP,
    });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.hSet("user:1", { name: "alice", visits: "1" }), 2);
      assertEquals(await client.hIncrBy("user:1", "visits", 4), 5);
      assertEquals({ ...await client.hGetAll("user:1") }, { name: "alice", visits: "5" });
      assertEquals(await client.hGet("user:1", "name"), "alice");
      assertEquals(await client.hVals("user:1"), ["alice", "5"]);

      assertEquals(await client.sAdd("tags", ["red", "green", "blue"]), 3);
      assertEquals((await client.sMembers("tags")).sort(), ["blue", "green", "red"]);
      assertEquals(await client.sIsMember("tags", "red"), 1);
      assertEquals((await client.sUnion(["tags", "none"])).length, 3);
      assertEquals(await client.sMove("tags", "other", "red"), 1);
      assertEquals(await client.sCard("tags"), 2);

      assertEquals(
        await client.zAdd("board", [{ score: 10, value: "ann" }, { score: 7.5, value: "bob" }]),
        2,
      );
      assertEquals(await client.zRangeWithScores("board", 0, -1), [
        { value: "bob", score: 7.5 },
        { value: "ann", score: 10 },
      ]);
      assertEquals(await client.zScore("board", "bob"), 7.5);
      assertEquals(await client.zRank("board", "ann"), 1);
      assertEquals(await client.zRange("board", "+inf", "-inf", { BY: "SCORE", REV: true }), [
        "ann",
        "bob",
      ]);
      assertEquals(await client.zPopMax("board"), { value: "ann", score: 10 });
      assertEquals(await client.zCard("board"), 1);
      const batch = await Promise.all([
        client.zIncrBy("board", 0.5, "bob"),
        client.zmScore("board", ["bob", "nobody"]),
        client.hLen("user:1"),
      ]);
      assertEquals(batch, [8, [8, null], 2]);
    } finally {
      await client.close();
    }
  });
}

Deno.test("the browser client decodes RESP3 maps, sets and doubles from the new types", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using db = await connect(`ws://127.0.0.1:${server.wsPort}/ws`, { protocol: 3 });
  await db.send("HSET", "h", "a", "1", "b", "2");
  assertEquals(await db.send("HGETALL", "h"), { a: "1", b: "2" });
  await db.send("SADD", "s", "3", "1", "2");
  assertEquals(await db.send("SMEMBERS", "s"), ["1", "2", "3"]);
  await db.send("ZADD", "z", "1.5", "x", "inf", "y");
  assertEquals(await db.send("ZSCORE", "z", "x"), 1.5);
  assertEquals(await db.send("ZRANGE", "z", 0, -1, "WITHSCORES"), [["x", 1.5], ["y", Infinity]]);
  const frame = await db.sendFrame("SMEMBERS", "s");
  assert(frame.kind === "set", frame.kind);
});
