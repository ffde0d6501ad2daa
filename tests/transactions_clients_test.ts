/**
 * Transactions through real, unmodified client libraries against respd on port 0:
 * ioredis's multi() and watch(), node-redis's multi() and WATCH on a connection of its
 * own (node-redis 5's replacement for executeIsolated), and the mset paths of keyv
 * (@keyv/redis, which writes through MULTI) and cache-manager on top of it. These are the
 * libraries that stopped at `ERR unknown command 'MULTI'` before transactions existed.
 */

import { Redis } from "ioredis";
import { createClient } from "redis";
import Keyv from "keyv";
import KeyvRedis from "@keyv/redis";
import { createCache } from "cache-manager";
import { assert, assertEquals } from "./support/assert.ts";
import { startTestServer } from "./support/servers.ts";

for (const protocol of [3, 2] as const) {
  Deno.test(`ioredis (protocol ${protocol}) multi() and watch() behave as with Redis`, async () => {
    await using server = startTestServer();
    const opts = { host: "127.0.0.1", port: server.port, lazyConnect: true, protocol };
    const a = new Redis({ ...opts, maxRetriesPerRequest: 0 });
    const b = new Redis({ ...opts, maxRetriesPerRequest: 0 });
    try {
      await a.connect();
      await b.connect();
      const results = await a.multi().set("k", "1").incr("k").get("k").lpush("k", "x").exec();
      assertEquals(results?.slice(0, 3), [[null, "OK"], [null, 2], [null, "2"]]);
      const [err] = results![3];
      assert(err instanceof Error && /WRONGTYPE/.test(err.message), String(err));
      // optimistic locking: an untouched key commits, a key changed by B aborts (null)
      await a.watch("balance");
      assertEquals(await a.multi().set("balance", "10").exec(), [[null, "OK"]]);
      await a.watch("balance");
      await b.set("balance", "99");
      assertEquals(await a.multi().set("balance", "20").exec(), null);
      assertEquals(await a.get("balance"), "99");
      // a queue-time error rejects the whole transaction
      await assertRejects(
        () => a.multi().set("x", "1").call("nosuch").exec(),
        /EXECABORT/,
      );
      assertEquals(await a.exists("x"), 0);
    } finally {
      await a.quit();
      await b.quit();
    }
  });
}

for (const RESP of [3, 2] as const) {
  Deno.test(`node-redis (RESP${RESP}) multi() and WATCH behave as with Redis`, async () => {
    await using server = startTestServer();
    const socket = { host: "127.0.0.1", port: server.port, reconnectStrategy: false as const };
    const client = createClient({ socket, RESP });
    client.on("error", () => {});
    await client.connect();
    const isolated = client.duplicate();
    isolated.on("error", () => {});
    await isolated.connect();
    try {
      const replies = await client.multi().set("k", "1").incr("k").get("k").exec();
      assertEquals(replies, ["OK", 2, "2"]);
      await isolated.watch("stock");
      const stock = Number(await isolated.get("stock") ?? "5");
      assertEquals(await isolated.multi().set("stock", String(stock - 1)).exec(), ["OK"]);
      await isolated.watch("stock");
      await client.set("stock", "100");
      await assertRejects(
        () => isolated.multi().set("stock", "3").exec(),
        /watched keys has been changed/,
      );
      assertEquals(await client.get("stock"), "100");
    } finally {
      await isolated.close();
      await client.close();
    }
  });
}

Deno.test("keyv's @keyv/redis and cache-manager write many keys through MULTI", async () => {
  await using server = startTestServer();
  const url = `redis://127.0.0.1:${server.port}`;
  const store = new KeyvRedis(url);
  const keyv = new Keyv({ store, namespace: "app" });
  const cache = createCache({ stores: [keyv] });
  try {
    await keyv.setMany([{ key: "a", value: 1 }, { key: "b", value: { x: 2 }, ttl: 60_000 }]);
    assertEquals(await keyv.get("a"), 1);
    assertEquals(await keyv.get("b"), { x: 2 });
    assertEquals(await keyv.hasMany(["a", "b", "c"]), [true, true, false]);
    await cache.mset<unknown>([{ key: "c", value: "three" }, {
      key: "d",
      value: [4],
      ttl: 60_000,
    }]);
    assertEquals(await cache.mget(["c", "d", "zz"]), ["three", [4], undefined]);
    assertEquals(await keyv.deleteMany(["a", "b"]), true);
    assertEquals(await keyv.get("a"), undefined);
  } finally {
    await cache.disconnect();
  }
});

async function assertRejects(fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e: unknown) {
    assert(e instanceof Error && message.test(e.message), String(e));
    return;
  }
  throw new Error(`expected a rejection matching ${message}`);
}
