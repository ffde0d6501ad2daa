/**
 * respd as a gateway in front of a Redis Cluster (3 masters, 1 replica each, started by
 * the test): the differential sequences answer as one Redis does, except where Redis
 * Cluster's rules say -CROSSSLOT; two gateways on one cluster share its data and its
 * pub/sub (a WebSocket subscriber on gateway A receives a TCP publish through B);
 * ioredis (not in cluster mode) sees one Redis. With GATEWAY_FAILOVER=1, a master is
 * killed under load and clients carry on once its replica took over.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { Redis } from "ioredis";
import { DifferentialRig, type Sequence } from "./support/differential.ts";
import { sequences as strings } from "./differential/strings.ts";
import { sequences as keyspace } from "./differential/keyspace.ts";
import { sequences as hashes } from "./differential/hashes.ts";
import { sequences as lists } from "./differential/lists.ts";
import { sequences as sets } from "./differential/sets.ts";
import { sequences as zsets } from "./differential/zsets.ts";
import { sequences as pipelines } from "./differential/pipelines.ts";
import { sequences as transactions } from "./differential/transactions.ts";
import { sequences as pubsub } from "./differential/pubsub.ts";
import { RawClient } from "./support/raw_client.ts";
import { connectResp } from "./support/ws_raw_client.ts";
import {
  type RedisCluster,
  startRedis,
  startRedisCluster,
  startTestServer,
} from "./support/servers.ts";
import { until } from "./support/eventually.ts";
import type { Server } from "../src/server.ts";

function gatewayOn(cluster: RedisCluster, wsPort: number | null = null): Server {
  const seeds = cluster.ports.slice(0, 2).map((p) => `127.0.0.1:${p}`).join(",");
  return startTestServer({ upstreamCluster: seeds, wsPort });
}

/**
 * What a cluster answers differently from one Redis, by design: -CROSSSLOT, database 0
 * only (Redis Cluster's own errors for SELECT, MOVE, COPY … DB), SCAN cursors that carry
 * the master they walk, and PUBSUB SHARDNUMSUB counting the gateway once.
 */
function allowed(report: string): boolean {
  const step = report.split("\n")[0];
  return report.includes('respd: "-CROSSSLOT') || report.includes("not allowed in cluster mode") ||
    /step \d+: (\w: )?SCAN /.test(step) || step.includes("SHARDNUMSUB");
}

const families: Record<string, Sequence[]> = {
  strings,
  keyspace,
  hashes,
  lists,
  sets,
  zsets,
  pipelines,
  transactions,
  pubsub,
};

Deno.test("through a cluster gateway", async (t) => {
  await using cluster = await startRedisCluster();
  const a = gatewayOn(cluster, 0);
  const b = gatewayOn(cluster);
  try {
    await t.step("the differential sequences answer as one Redis, or -CROSSSLOT", async () => {
      const reference = await startRedis();
      const rig = DifferentialRig.against(reference, { port: a.port, shutdown: async () => {} });
      try {
        const failures: string[] = [];
        for (const all of Object.values(families)) {
          for (const m of await rig.runAll(all)) if (!allowed(m.report)) failures.push(m.report);
        }
        assertEquals(failures.length, 0, failures.join("\n"));
      } finally {
        await rig[Symbol.asyncDispose]();
      }
    });

    await t.step(
      "keys in several slots: MGET MSET DEL EXISTS split, KEYS DBSIZE SCAN fan out",
      async () => {
        using c = await RawClient.connect(a.port);
        assertEquals(await c.call("FLUSHALL"), "+OK\r\n");
        assertEquals(await c.call("MSET", "a", "1", "b", "2", "c", "3", "{a}x", "4"), "+OK\r\n");
        assertEquals(
          await c.call("MGET", "c", "a", "nope", "b", "{a}x"),
          "*5\r\n$1\r\n3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n$1\r\n4\r\n",
        );
        assertEquals(await c.call("EXISTS", "a", "b", "c", "zz"), ":3\r\n");
        assertEquals(await c.call("DBSIZE"), ":4\r\n");
        const keys = await c.call("KEYS", "*");
        for (const k of ["a", "b", "c", "{a}x"]) assert(keys.includes(`\r\n${k}\r\n`), keys);
        const seen = new Set<string>();
        let cursor = "0";
        do {
          await c.sendCommand("SCAN", cursor, "COUNT", "1");
          const reply = new TextDecoder().decode(await c.readReplyBytes());
          const lines = reply.split("\r\n");
          cursor = lines[2];
          for (let i = 5; i < lines.length - 1; i += 2) seen.add(lines[i]);
        } while (cursor !== "0");
        assertEquals([...seen].sort(), ["a", "b", "c", "{a}x"]);
        assertEquals(
          await c.call("SUNIONSTORE", "dst", "a", "b"),
          "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
        );
        assertEquals(await c.call("DEL", "a", "b", "c", "{a}x"), ":4\r\n");
        // a transaction on one slot (hash tags) runs on that slot's master
        assertEquals(await c.call("MULTI"), "+OK\r\n");
        assertEquals(await c.call("SET", "{u1}name", "ann"), "+QUEUED\r\n");
        assertEquals(await c.call("INCR", "{u1}visits"), "+QUEUED\r\n");
        assertEquals(await c.call("EXEC"), "*2\r\n+OK\r\n:1\r\n");
      },
    );

    await t.step("ioredis (not in cluster mode) sees one Redis through gateway B", async () => {
      const io = new Redis({
        host: "127.0.0.1",
        port: b.port,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
      });
      try {
        await io.connect();
        await io.mset({ x1: "1", x2: "2", x3: "3" });
        assertEquals(await io.mget("x1", "x2", "x3"), ["1", "2", "3"]);
        const piped = await io.pipeline().incr("n1").incr("n2").get("x1").exec();
        assertEquals(piped?.map(([, v]) => v), [1, 1, "1"]);
        assertEquals(await io.multi().set("{t}a", "1").incr("{t}b").exec(), [[null, "OK"], [
          null,
          1,
        ]]);
        const popped = io.blpop("jobs", 5);
        await io.duplicate().lpush("jobs", "j1");
        assertEquals(await popped, ["jobs", "j1"]);
      } finally {
        io.disconnect();
      }
    });

    await t.step(
      "two gateways: a write through A is read through B; a WebSocket subscriber on A gets B's publish",
      async () => {
        using ta = await RawClient.connect(a.port);
        using tb = await RawClient.connect(b.port);
        assertEquals(await ta.call("SET", "shared", "from-a"), "+OK\r\n");
        assertEquals(await tb.call("GET", "shared"), "$6\r\nfrom-a\r\n");
        const ws = await connectResp("ws", a.wsPort);
        try {
          await ws.sendCommand("SUBSCRIBE", "news");
          assertEquals(
            new TextDecoder().decode(await ws.readReplyBytes()),
            "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
          );
          await ws.sendCommand("SSUBSCRIBE", "{s}room");
          await ws.readReplyBytes();
          assertEquals(await tb.call("PUBLISH", "news", "hello"), ":1\r\n");
          assertEquals(
            new TextDecoder().decode(await ws.readReplyBytes()),
            "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$5\r\nhello\r\n",
          );
          assertEquals(await tb.call("SPUBLISH", "{s}room", "hi"), ":1\r\n");
          assertEquals(
            new TextDecoder().decode(await ws.readReplyBytes()),
            "*3\r\n$8\r\nsmessage\r\n$7\r\n{s}room\r\n$2\r\nhi\r\n",
          );
        } finally {
          await ws.end();
        }
      },
    );

    if (Deno.env.get("GATEWAY_FAILOVER") === "1") {
      await t.step("a master killed under load: errors during the election, then on", async () => {
        const io = new Redis({ host: "127.0.0.1", port: a.port, maxRetriesPerRequest: 0 });
        const acked = new Map<string, string>();
        let errors = 0;
        let stop = false;
        const load = (async () => {
          for (let i = 0; !stop; i++) {
            try {
              await io.set(`load:${i}`, String(i));
              acked.set(`load:${i}`, String(i));
            } catch {
              errors++;
              await new Promise((r) => setTimeout(r, 20));
            }
          }
        })();
        await until(() => acked.size > 200, "load before the failover", 2000, 10);
        await cluster.kill(cluster.ports[0]);
        const before = acked.size;
        await until(
          () => acked.size > before + 500,
          "writes to carry on after the failover",
          3000,
          20,
        );
        stop = true;
        await load;
        let lost = 0;
        for (const [k, v] of acked) if ((await io.get(k)) !== v) lost++;
        io.disconnect();
        console.log(`failover: ${acked.size} acknowledged writes, ${errors} errors, ${lost} lost`);
        assert(lost <= errors + 50, `${lost} acknowledged writes lost`);
      });
    }
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
});
