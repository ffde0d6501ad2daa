/**
 * Streams end to end: ids XADD `*` takes from the server's clock (which never go
 * backwards), and the stream APIs of ioredis and node-redis, unmodified, in RESP2 and
 * RESP3 (their reply parsers must read respd's stream replies as Redis's).
 */

import { Redis } from "ioredis";
import { createClient } from "redis";
import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";

async function call(c: RawClient, ...args: string[]): Promise<string> {
  await c.sendCommand(...args);
  return new TextDecoder().decode(await c.readReplyBytes(3000));
}

/** DUMP's payload for `key`: the bulk reply's bytes. */
async function dumpPayload(c: RawClient, key: string): Promise<Uint8Array> {
  await c.sendCommand("DUMP", key);
  const dump = await c.readReplyBytes(3000);
  const header = new TextDecoder().decode(dump.subarray(0, dump.indexOf(13)));
  return dump.subarray(header.length + 2, header.length + 2 + Number(header.slice(1)));
}

Deno.test("consecutive XADDs served from one read share a clock reading; anything else ends the run", async () => {
  let time = 1_700_000_000_000;
  // every reading a millisecond later: ids show which XADDs read the clock
  await using server = startTestServer({ clock: { now: () => time++ } });
  using c = await RawClient.connect(server.port);
  const xadd = encodeCommand(["XADD", "s", "*", "f", "v"]);
  const ping = encodeCommand(["PING"]);
  const batch = new Uint8Array([...xadd, ...xadd, ...xadd, ...ping, ...xadd, ...xadd]);
  await c.send(batch); // one write of 6 requests: one read, one batch
  const replies: string[] = [];
  for (let i = 0; i < 6; i++) replies.push(await c.readText());
  const idOf = (reply: string) => reply.replace(/^\$\d+\r\n/, "").trim().split("-").map(Number);
  assertEquals(replies[3], "+PONG\r\n");
  const ids = replies.filter((r) => r[0] === "$").map(idOf);
  const [first, , , after] = ids;
  assertEquals(ids.slice(0, 3), [[first[0], 0], [first[0], 1], [first[0], 2]]);
  assert(after[0] > first[0], "PING ended the run: the next XADD read the clock again");
  assertEquals(ids[4], [after[0], 1]);
  const next = idOf(await c.call("XADD", "s", "*", "f", "v"));
  assert(next[0] > after[0], "a new batch reads the clock again");
  assertEquals(next[1], 0);
});

Deno.test("XADD * takes ids from the clock, bumps the sequence, never goes backwards", async () => {
  const clock = new ManualClock(1_700_000_000_000);
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  assertEquals(await call(c, "XADD", "s", "*", "f", "v"), "$15\r\n1700000000000-0\r\n");
  assertEquals(await call(c, "XADD", "s", "*", "f", "v"), "$15\r\n1700000000000-1\r\n");
  clock.advance(5);
  assertEquals(await call(c, "XADD", "s", "*", "f", "v"), "$15\r\n1700000000005-0\r\n");
  clock.advance(-1000); // the clock steps back: ids keep growing from the last one
  assertEquals(await call(c, "XADD", "s", "*", "f", "v"), "$15\r\n1700000000005-1\r\n");
  assertEquals(
    await call(c, "XADD", "s", "1700000000007-*", "f", "v"),
    "$15\r\n1700000000007-0\r\n",
  );
  assertEquals(await call(c, "XADD", "s", "*", "f", "v"), "$15\r\n1700000000007-1\r\n");
  clock.advance(2000);
  assertEquals(await call(c, "XADD", "s", "*", "f", "v"), "$15\r\n1700000001005-0\r\n");
  assertEquals(await call(c, "XLEN", "s"), ":7\r\n");
});

for (const protocol of [3, 2] as const) {
  Deno.test(`ioredis (protocol ${protocol}) streams and consumer groups`, async () => {
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
      const id = await redis.xadd("events", "*", "type", "login", "user", "7");
      assert(/^\d+-\d+$/.test(String(id)), String(id));
      assertEquals(
        await redis.xadd("events", "MAXLEN", "~", "1000", "*", "type", "logout"),
        (
          await redis.xrevrange("events", "+", "-", "COUNT", 1)
        )[0][0],
      );
      assertEquals(await redis.xlen("events"), 2);
      const range = await redis.xrange("events", "-", "+");
      assertEquals(range.map(([, fields]) => fields), [["type", "login", "user", "7"], [
        "type",
        "logout",
      ]]);
      assertEquals(await redis.xgroup("CREATE", "events", "workers", "0"), "OK");
      const read = await redis.xreadgroup(
        "GROUP",
        "workers",
        "alice",
        "COUNT",
        1,
        "STREAMS",
        "events",
        ">",
      ) as [string, [string, string[]][]][];
      assertEquals(read, [["events", [[String(id), ["type", "login", "user", "7"]]]]]);
      const pending = await redis.xpending("events", "workers");
      assertEquals(pending, [1, String(id), String(id), [["alice", "1"]]]);
      assertEquals(await redis.xack("events", "workers", String(id)), 1);
      const claimed = await redis.xautoclaim("events", "workers", "bob", 0, "0");
      assertEquals(claimed, ["0-0", [], []]);
      const plain = await redis.xread("COUNT", 5, "STREAMS", "events", "0");
      assertEquals(plain?.[0][1].length, 2);
      const info = await redis.xinfo("STREAM", "events") as unknown[];
      assertEquals(info.slice(0, 2), ["length", 2]);
      assertEquals(await redis.xtrim("events", "MAXLEN", 0), 2);
      assertEquals(await redis.type("events"), "stream");
    } finally {
      await redis.quit();
    }
  });
}

for (const RESP of [3, 2] as const) {
  Deno.test(`node-redis (RESP${RESP}) streams and consumer groups`, async () => {
    await using server = startTestServer();
    const client = createClient({
      socket: { host: "127.0.0.1", port: server.port, reconnectStrategy: false },
      RESP,
    });
    client.on("error", () => {});
    await client.connect();
    try {
      assertEquals(await client.xAdd("orders", "1-1", { item: "book", qty: "2" }), "1-1");
      assertEquals(await client.xAdd("orders", "2-1", { item: "pen" }), "2-1");
      assertEquals(await client.xLen("orders"), 2);
      const range = await client.xRange("orders", "-", "+");
      assertEquals(range!.map((e) => [e!.id, { ...e!.message }]), [
        ["1-1", { item: "book", qty: "2" }],
        ["2-1", { item: "pen" }],
      ]);
      assertEquals(await client.xGroupCreate("orders", "billing", "0"), "OK");
      const batch = await client.xReadGroup("billing", "c1", { key: "orders", id: ">" }, {
        COUNT: 10,
      });
      const entries = Array.isArray(batch)
        ? (batch as { messages: { id: string }[] }[])[0].messages
        : Object.values(batch as unknown as Record<string, { id: string }[]>)[0];
      assertEquals(entries.map((m) => m.id), ["1-1", "2-1"]);
      assertEquals(await client.xAck("orders", "billing", ["1-1"]), 1);
      const pending = await client.xPending("orders", "billing");
      assertEquals(pending.pending, 1);
      assertEquals(pending.firstId, "2-1");
      const stream = await client.xInfoStream("orders");
      assertEquals(stream.length, 2);
      assertEquals(stream["last-generated-id"], "2-1");
      const groups = await client.xInfoGroups("orders");
      assertEquals(groups.length, 1);
      assertEquals(groups[0].name, "billing");
      assertEquals(await client.xDel("orders", "1-1"), 1);
      assertEquals(await client.xTrim("orders", "MAXLEN", 0), 1);
    } finally {
      await client.close();
    }
  });
}

Deno.test("RESTORE of a DUMPed stream keeps its nodes and tombstones (XINFO and ~ trims agree)", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  for (let i = 1; i <= 250; i++) await c.sendCommand("XADD", "s", `${i}-0`, "f", String(i));
  for (let i = 1; i <= 250; i++) await c.readReplyBytes(3000);
  assertEquals(await call(c, "XDEL", "s", "2-0", "150-0"), ":2\r\n");
  const payload = await dumpPayload(c, "s");
  await c.sendCommand("RESTORE", "t", "0", payload);
  assertEquals(new TextDecoder().decode(await c.readReplyBytes(3000)), "+OK\r\n");
  const info = (key: string) => call(c, "XINFO", "STREAM", key);
  assertEquals(await info("t"), await info("s"));
  assertEquals(
    await call(c, "XTRIM", "t", "MAXLEN", "~", "10"),
    await call(c, "XTRIM", "s", "MAXLEN", "~", "10"),
  );
  assertEquals(await call(c, "XRANGE", "t", "-", "+"), await call(c, "XRANGE", "s", "-", "+"));
});

Deno.test("a stream DUMPed by a Redis with stream-node-max-bytes 0 (one ~200 KB node) RESTOREs whole", async () => {
  await using redis = await startRedis(["--stream-node-max-bytes", "0"]);
  await using server = startTestServer();
  using r = await RawClient.connect(redis.port);
  using c = await RawClient.connect(server.port);
  const big = "x".repeat(2000);
  for (let i = 0; i < 100; i++) {
    await r.sendCommand("XADD", "s", `7-${i}`, "payload", `${i}:${big}`);
  }
  for (let i = 0; i < 100; i++) await r.readReplyBytes(3000);
  assertEquals(await call(r, "XDEL", "s", "7-4", "7-90"), ":2\r\n");
  const payload = await dumpPayload(r, "s");
  await c.sendCommand("RESTORE", "s", "0", payload);
  assertEquals(new TextDecoder().decode(await c.readReplyBytes(3000)), "+OK\r\n");
  assertEquals(await call(c, "XLEN", "s"), ":98\r\n");
  assertEquals(await call(c, "XRANGE", "s", "-", "+"), await call(r, "XRANGE", "s", "-", "+"));
  assertEquals(
    await call(c, "XREVRANGE", "s", "+", "-"),
    await call(r, "XREVRANGE", "s", "+", "-"),
  );
});
