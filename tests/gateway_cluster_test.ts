/**
 * respd as a gateway in front of a Redis Cluster (3 masters, 1 replica each, started by
 * the test): the differential sequences answer as one Redis does, except where Redis
 * Cluster's rules say -CROSSSLOT; two gateways on one cluster share its data and its
 * pub/sub (a WebSocket subscriber on gateway A receives a TCP publish through B);
 * ioredis (not in cluster mode) sees one Redis; Chromium on gateway A gets a TCP client's
 * publish through B; a pipeline keeps its order while its slot migrates; CLIENT TRACKING
 * and SELECT answer as the cluster does. Last, a master is killed under load and clients
 * carry on once its replica took over (GATEWAY_FAILOVER=1: longer).
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
import { sequences as tracking } from "./differential/tracking.ts";
import { RawClient } from "./support/raw_client.ts";
import { connectResp } from "./support/ws_raw_client.ts";
import {
  freePort,
  type RedisCluster,
  run,
  startRedis,
  startRedisCluster,
  startTestServer,
} from "./support/servers.ts";
import { makeTestCerts, type TestCerts } from "./support/tls_certs.ts";
import { until } from "./support/eventually.ts";
import { keySlot } from "../src/gateway/cluster_slots.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { launchChromium, TIMEOUT_MS } from "./support/chromium.ts";
import type { Server } from "../src/server.ts";

/** One node as CLUSTER NODES lists it. */
interface NodeLine {
  id: string;
  port: number;
  master: boolean;
  slots: [number, number][];
}

async function clusterNodes(port: number): Promise<NodeLine[]> {
  const out = await run("redis-cli", ["-p", String(port), "CLUSTER", "NODES"]);
  return out.stdout.trim().split("\n").map((line) => {
    const f = line.split(" ");
    const slots = f.slice(8).filter((r) => /^\d/.test(r)).map((r) => {
      const [lo, hi] = r.split("-").map(Number);
      return [lo, hi ?? lo] as [number, number];
    });
    return {
      id: f[0],
      port: Number(f[1].split("@")[0].split(":").pop()),
      master: f[2].includes("master"),
      slots,
    };
  });
}

/** A number field of INFO gateway. */
function gatewayField(info: string, field: string): number {
  return Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1] ?? NaN);
}

function concat(x: Uint8Array, y: Uint8Array): Uint8Array {
  const out = new Uint8Array(x.length + y.length);
  out.set(x);
  out.set(y, x.length);
  return out;
}

function gatewayOn(cluster: RedisCluster, wsPort: number | null = null): Server {
  const seeds = cluster.ports.slice(0, 2).map((p) => `127.0.0.1:${p}`).join(",");
  return startTestServer({ upstreamCluster: seeds, wsPort });
}

/**
 * What a cluster answers differently from one Redis, by design: -CROSSSLOT, database 0
 * only (Redis Cluster's own errors for SELECT, MOVE, COPY … DB), SCAN cursors that carry
 * the master they walk, PUBSUB SHARDNUMSUB counting the gateway once, CLIENT TRACKING
 * REDIRECT (refused), and invalidations from several masters in their arrival order.
 */
function allowed(report: string): boolean {
  const step = report.split("\n")[0];
  return report.includes('respd: "-CROSSSLOT') || report.includes("not allowed in cluster mode") ||
    /step \d+: (\w: )?SCAN /.test(step) || step.includes("SHARDNUMSUB") ||
    report.includes('respd: "-ERR CLIENT TRACKING REDIRECT is not supported') ||
    // an MSET split over two masters: their invalidations come in the order they answer
    report.includes('"RESP3: every key of MGET is tracked"');
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
  tracking,
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
        // a script loaded through the gateway runs on whichever master its key is on
        const sha = (await c.call("SCRIPT", "LOAD", "return redis.call('INCR', KEYS[1])"))
          .split("\r\n")[1];
        for (const k of ["a", "b", "c"]) {
          assertEquals(await c.call("EVALSHA", sha, "1", k), ":1\r\n", `EVALSHA on ${k}`);
        }
        assertEquals(await c.call("DEL", "a", "b", "c"), ":3\r\n");
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
        const pusher = io.duplicate();
        try {
          await pusher.lpush("jobs", "j1");
        } finally {
          pusher.disconnect();
        }
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

    await t.step("SELECT and CLIENT TRACKING as a Redis Cluster answers them", async () => {
      using c = await RawClient.connect(a.port);
      using node = await RawClient.connect(cluster.ports[0]);
      for (const db of ["0", "1", "15", "x"]) {
        assertEquals(await c.call("SELECT", db), await node.call("SELECT", db), `SELECT ${db}`);
      }
      // a RESP3 client tracks keys on every master; writes through gateway B invalidate them
      using tb = await RawClient.connect(b.port);
      await c.sendCommand("HELLO", "3");
      await c.readReplyBytes();
      assertEquals(await c.call("CLIENT", "TRACKING", "on"), "+OK\r\n");
      const keys = ["track:a", "track:b", "track:c", "track:d"];
      assert(new Set(keys.map((k) => keySlot(k))).size === 4);
      for (const k of keys) assertEquals(await c.call("GET", k), "_\r\n");
      for (const k of keys) {
        assertEquals(await tb.call("SET", k, "v"), "+OK\r\n");
        assertEquals(
          await c.readText(),
          `>2\r\n$10\r\ninvalidate\r\n*1\r\n$${k.length}\r\n${k}\r\n`,
        );
      }
      assertEquals(await c.call("CLIENT", "GETREDIR"), ":0\r\n");
      assert(
        (await c.call("CLIENT", "TRACKING", "on", "REDIRECT", "1")).startsWith(
          "-ERR CLIENT TRACKING REDIRECT is not supported",
        ),
      );
      assertEquals(await c.call("CLIENT", "TRACKING", "off"), "+OK\r\n");
      assertEquals(await c.call("GET", "track:a"), "$1\r\nv\r\n");
      assertEquals(await tb.call("SET", "track:a", "w"), "+OK\r\n");
      assertEquals(await c.call("PING"), "+PONG\r\n"); // no invalidation came first
      assertEquals(await c.call("CLIENT", "GETREDIR"), ":-1\r\n");
    });

    await t.step(
      "a slot migrating, then moved: redirected commands keep their place in a pipeline",
      async () => {
        using c = await RawClient.connect(a.port);
        const slot = keySlot("mig");
        const nodes = await clusterNodes(cluster.ports[0]);
        const source = nodes.find((n) =>
          n.master && n.slots.some(([lo, hi]) => lo <= slot && slot <= hi)
        )!;
        const target = nodes.find((n) => n.master && n.id !== source.id)!;
        const cli = (port: number, ...args: string[]) =>
          run("redis-cli", ["-p", String(port), ...args]).then((r) => r.stdout.trim());
        // keys of the slot and of other slots, and a pipeline that mixes them
        assertEquals(await c.call("MSET", "{mig}a", "1", "{mig}b", "2", "{mig}c", "3"), "+OK\r\n");
        assertEquals(await c.call("SET", "elsewhere", "e"), "+OK\r\n");
        const pipeline = async (round: number) => {
          const commands: [string[], string][] = [
            [["INCR", "{mig}a"], `:${round + 2}\r\n`],
            [["GET", "elsewhere"], "$1\r\ne\r\n"],
            [["GET", "{mig}b"], "$1\r\n2\r\n"],
            [["APPEND", "{mig}c", "x"], `:${round + 2}\r\n`],
            [["PING"], "+PONG\r\n"],
            [["GET", "{mig}c"], `$${round + 2}\r\n3${"x".repeat(round + 1)}\r\n`],
            // (one key per slot: a part with a key missing from a migrating slot is -TRYAGAIN)
            [["EXISTS", "elsewhere", "{mig}a"], ":2\r\n"],
            [["MGET", "{mig}b", "elsewhere"], "*2\r\n$1\r\n2\r\n$1\r\ne\r\n"],
          ];
          await c.send(commands.map(([args]) => encodeCommand(args)).reduce(concat));
          for (const [args, expected] of commands) {
            assertEquals(await c.readText(), expected, `round ${round}: ${args.join(" ")}`);
          }
        };
        await pipeline(0);
        // migrating: {mig}a and {mig}b move first, so the source answers -ASK for them
        assertEquals(
          await cli(target.port, "CLUSTER", "SETSLOT", String(slot), "IMPORTING", source.id),
          "OK",
        );
        assertEquals(
          await cli(source.port, "CLUSTER", "SETSLOT", String(slot), "MIGRATING", target.id),
          "OK",
        );
        assertEquals(
          await cli(
            source.port,
            "MIGRATE",
            "127.0.0.1",
            String(target.port),
            "",
            "0",
            "5000",
            "KEYS",
            "{mig}a",
            "{mig}b",
          ),
          "OK",
        );
        const before = gatewayField(await c.call("INFO", "gateway"), "upstream_redirects");
        await pipeline(1);
        const asked = gatewayField(await c.call("INFO", "gateway"), "upstream_redirects");
        assert(asked > before, `no -ASK followed (${before} -> ${asked})`);
        // moved: the rest goes, the slot is the target's; the gateway's map is stale (-MOVED)
        assertEquals(
          await cli(
            source.port,
            "MIGRATE",
            "127.0.0.1",
            String(target.port),
            "",
            "0",
            "5000",
            "KEYS",
            "{mig}c",
          ),
          "OK",
        );
        for (const n of nodes.filter((n) => n.master)) {
          assertEquals(
            await cli(n.port, "CLUSTER", "SETSLOT", String(slot), "NODE", target.id),
            "OK",
          );
        }
        await pipeline(2);
        await pipeline(3);
      },
    );

    await t.step(
      "Chromium on gateway A gets what a TCP client publishes through B; writes cross too",
      async () => {
        await using browser = await launchChromium();
        using tb = await RawClient.connect(b.port);
        const page = await browser.context.newPage();
        page.setDefaultTimeout(TIMEOUT_MS);
        try {
          await page.goto(`http://127.0.0.1:${a.wsPort}/`);
          // the page's own client (/client.js from gateway A): a write, then a subscription
          await page.evaluate(async (port: number) => {
            const { connect } = await import(`http://127.0.0.1:${port}/client.js`);
            const db = await connect(`ws://127.0.0.1:${port}/ws`, { protocol: 3 });
            const sub = await connect(`ws://127.0.0.1:${port}/ws`, { protocol: 2 });
            const state = globalThis as unknown as { db: unknown; got: string[] };
            state.db = db;
            state.got = [];
            await db.send("SET", "{browser}written", "from chromium via A");
            await sub.subscribe(
              ["alerts", "{s}shard-news"],
              (m: { channel: string; message: string }) => {
                state.got.push(`${m.channel}: ${m.message}`);
              },
            );
          }, a.wsPort);
          assertEquals(await tb.call("GET", "{browser}written"), "$19\r\nfrom chromium via A\r\n");
          assertEquals(await tb.call("SET", "{browser}answer", "from tcp via B"), "+OK\r\n");
          const read = await page.evaluate(() => {
            const db = (globalThis as unknown as { db: { send(...a: string[]): Promise<unknown> } })
              .db;
            return db.send("GET", "{browser}answer");
          });
          assertEquals(read, "from tcp via B");
          assertEquals(await tb.call("PUBLISH", "alerts", "one"), ":1\r\n");
          assertEquals(await tb.call("PUBLISH", "{s}shard-news", "two"), ":1\r\n");
          await page.waitForFunction(() =>
            (globalThis as unknown as { got: string[] }).got.length === 2
          );
          assertEquals(
            await page.evaluate(() => (globalThis as unknown as { got: string[] }).got),
            ["alerts: one", "{s}shard-news: two"],
          );
        } finally {
          await page.close();
        }
      },
    );

    // Last: the cluster has one master fewer afterwards. The quick form (CI) asks for 200
    // writes after the kill; GATEWAY_FAILOVER=1 for 5,000.
    {
      const after = Deno.env.get("GATEWAY_FAILOVER") === "1" ? 5000 : 200;
      await t.step("a master killed under load: errors during the election, then on", async () => {
        const io = new Redis({ host: "127.0.0.1", port: a.port, maxRetriesPerRequest: 0 });
        const acked = new Map<string, string>();
        let errors = 0;
        // writes in a row without an error: keys hash to every master, so a long streak
        // means the killed master's slots are served again
        let streak = 0;
        let stop = false;
        const load = (async () => {
          for (let i = 0; !stop; i++) {
            try {
              await io.set(`load:${i}`, String(i));
              acked.set(`load:${i}`, String(i));
              streak++;
            } catch {
              streak = 0;
              errors++;
              await new Promise((r) => setTimeout(r, 20));
            }
          }
        })();
        let lost = 0;
        try {
          await until(() => acked.size > 200, "load before the failover", 10_000, 10);
          await cluster.kill(cluster.ports[0]);
          streak = 0;
          await until(
            () => streak > after,
            "writes to carry on after the failover",
            30_000,
            20,
          );
          stop = true;
          await load;
          for (const [k, v] of acked) if ((await io.get(k)) !== v) lost++;
        } finally {
          stop = true;
          await load;
          io.disconnect();
        }
        console.log(`failover: ${acked.size} acknowledged writes, ${errors} errors, ${lost} lost`);
        assert(lost <= errors + 50, `${lost} acknowledged writes lost`);
      });
    }
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
});

/**
 * A Redis Cluster of 3 masters (no replicas) that speaks TLS to clients and on its bus
 * (`--tls-cluster yes`), each node also on a plain port for the test's own checks. Its
 * nodes announce their TLS ports to TLS clients, so a gateway given `rediss://` seeds
 * reaches every master over TLS with the seeds' certificates.
 */
async function startTlsCluster(
  certs: TestCerts,
): Promise<{ plain: number[]; tls: number[] } & AsyncDisposable> {
  const tlsArgs = [
    ...["--tls-cert-file", certs.serverCert, "--tls-key-file", certs.serverKey],
    ...["--tls-ca-cert-file", certs.caCert, "--tls-cluster", "yes"],
    // the bus's outgoing connections show a client certificate (the server's is not one)
    ...["--tls-client-cert-file", certs.clientCert, "--tls-client-key-file", certs.clientKey],
  ];
  const nodes: AsyncDisposable[] = [];
  const plain: number[] = [];
  const tls: number[] = [];
  const stop = async () => {
    for (const n of nodes) await n[Symbol.asyncDispose]();
  };
  try {
    for (let i = 0; i < 3; i++) {
      const tlsPort = freePort();
      const node = await startRedis([
        ...["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"],
        ...["--cluster-node-timeout", "2000", "--tls-port", String(tlsPort), ...tlsArgs],
      ]);
      nodes.push(node);
      plain.push(node.port);
      tls.push(tlsPort);
    }
    const created = await run("redis-cli", [
      ...["--tls", "--cacert", certs.caCert, "--cert", certs.clientCert, "--key", certs.clientKey],
      ...["--cluster", "create", ...tls.map((p) => `127.0.0.1:${p}`), "--cluster-yes"],
    ]);
    if (created.code !== 0) throw new Error(`cluster create failed: ${created.stdout}`);
    for (const port of plain) {
      await until(
        async () => {
          const info = await run("redis-cli", ["-p", String(port), "CLUSTER", "INFO"]);
          return info.stdout.includes("cluster_state:ok");
        },
        `node ${port} to report cluster_state:ok`,
        10_000,
        50,
      );
    }
    return { plain, tls, [Symbol.asyncDispose]: stop };
  } catch (e: unknown) {
    await stop();
    throw e;
  }
}

Deno.test("a cluster reached over TLS (rediss:// seeds): every master over its TLS port", async () => {
  await using certs = await makeTestCerts();
  await using cluster = await startTlsCluster(certs);
  const gateway = startTestServer({
    upstreamCluster: `rediss://127.0.0.1:${cluster.tls[0]}`,
    upstreamTlsCaCertFile: certs.caCert,
    upstreamTlsCertFile: certs.clientCert,
    upstreamTlsKeyFile: certs.clientKey,
  });
  try {
    using c = await RawClient.connect(gateway.port);
    // keys on every master: a cross-slot MSET is split, MGET merged
    const keys = ["a", "b", "c", "d", "e", "f"];
    const masters = new Set(keys.map((k) => Math.floor(keySlot(k) / 5462)));
    assertEquals(masters.size, 3, "the keys cover the three masters");
    assertEquals(await c.call("MSET", ...keys.flatMap((k) => [k, `v${k}`])), "+OK\r\n");
    assertEquals(
      await c.call("MGET", ...keys),
      `*6\r\n${keys.map((k) => `$2\r\nv${k}\r\n`).join("")}`,
    );
    for (let i = 0; i < 3; i++) {
      using direct = await RawClient.connect(cluster.plain[i]);
      // the gateway's connection to this node is on its TLS port
      const clients = await direct.call("CLIENT", "LIST");
      assert(clients.includes(`laddr=127.0.0.1:${cluster.tls[i]}`), clients);
      const owned = keys.filter((k) => Math.floor(keySlot(k) / 5462) === i);
      for (const k of owned) {
        assertEquals(await direct.call("GET", k), `$2\r\nv${k}\r\n`, `${k} on node ${i}`);
      }
    }
  } finally {
    await gateway.shutdown();
  }
});
