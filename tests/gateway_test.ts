/**
 * respd as a gateway in front of one real redis-server (`--upstream`): the differential
 * sequences give the same replies through the gateway as straight from Redis, real
 * clients (ioredis, node-redis) work through it, pub/sub fans out (one upstream
 * subscription per channel however many local subscribers, across transports), and
 * respd's own checks still apply before a command leaves.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { RawClient } from "./support/raw_client.ts";
import { connectResp, type RespConn } from "./support/ws_raw_client.ts";
import { freePort, startGatewayPair, startRedis, startTestServer } from "./support/servers.ts";
import { makeTestCerts } from "./support/tls_certs.ts";
import { until } from "./support/eventually.ts";
import { DifferentialRig, type Sequence } from "./support/differential.ts";
import { sequences as binary } from "./differential/binary.ts";
import { sequences as connection } from "./differential/connection.ts";
import { sequences as databases } from "./differential/databases.ts";
import { sequences as errors } from "./differential/errors.ts";
import { sequences as expiry } from "./differential/expiry.ts";
import { sequences as keyspace } from "./differential/keyspace.ts";
import { sequences as lists } from "./differential/lists.ts";
import { objectSequences, sequences as listEdits } from "./differential/list_edits.ts";
import { sequences as bitmaps } from "./differential/bitmaps.ts";
import { sequences as lcs } from "./differential/lcs.ts";
import { onOtherTypes as sortOtherTypes, sequences as sort } from "./differential/sort.ts";
import { sequences as pipelines } from "./differential/pipelines.ts";
import { sequences as pubsub } from "./differential/pubsub.ts";
import { sequences as strings } from "./differential/strings.ts";
import { sequences as hashes } from "./differential/hashes.ts";
import { sequences as sets } from "./differential/sets.ts";
import { sequences as zsets } from "./differential/zsets.ts";
import { sequences as streams } from "./differential/streams.ts";
import { sequences as scripting } from "./differential/scripting.ts";
import { sequences as transactions } from "./differential/transactions.ts";
import { listMoves, listPops, zsetPops } from "./differential/blocking.ts";
import { keyMisses, sequences as notifications } from "./differential/notifications.ts";
import { sequences as tracking } from "./differential/tracking.ts";

const families: Record<string, Sequence[]> = {
  strings,
  keyspace,
  expiry,
  databases,
  lists,
  hashes,
  sets,
  zsets,
  listEdits: [...listEdits, ...objectSequences],
  bitmaps,
  lcs,
  sort: [...sort, ...sortOtherTypes],
  connection,
  errors,
  binary,
  pipelines,
  pubsub,
  scripting,
  streams,
  transactions,
  listPops,
  listMoves,
  zsetPops,
  notifications,
  keyMisses,
  tracking,
};

/**
 * Sequences whose replies differ through a gateway by design, with the reason. The gateway
 * holds one upstream subscription per channel for all its clients, so Redis counts the
 * gateway once in PUBSUB NUMSUB/SHARDNUMSUB (and PUBLISH's receivers).
 */
const DIFFER_BY_DESIGN = new Set([
  "PUBSUB SHARDCHANNELS and SHARDNUMSUB", // two local subscribers count as one upstream
]);

const filter = Deno.env.get("DIFF_FILTER");

Deno.test("the differential sequences answer the same through the gateway as from Redis", async (t) => {
  await using rig = await DifferentialRig.startGateway();
  for (const [family, all] of Object.entries(families)) {
    const chosen = all.filter((s) =>
      !DIFFER_BY_DESIGN.has(s.name) && (!filter || s.name.includes(filter))
    );
    if (chosen.length === 0) continue;
    await t.step(`${family}: ${chosen.length} sequences`, async () => {
      const mismatches = await rig.runAll(chosen);
      const report = mismatches.map((m) => m.report).join("\n");
      assert.equal(mismatches.length, 0, `${mismatches.length} mismatches:\n${report}`);
    });
  }
});

/** The text of one reply frame (CRLFs kept), read from a RESP connection. */
async function replyText(c: RespConn): Promise<string> {
  return new TextDecoder().decode(await c.readReplyBytes(10_000));
}

Deno.test("ioredis and node-redis work through the gateway as against one Redis", async () => {
  await using pair = await startGatewayPair();
  for (const protocol of [2, 3] as const) {
    const opts = { host: "127.0.0.1", port: pair.gateway.port, lazyConnect: true, protocol };
    const io = new Redis({ ...opts, maxRetriesPerRequest: 0 });
    const other = new Redis({ ...opts, maxRetriesPerRequest: 0 });
    try {
      await io.connect();
      await other.connect();
      assertEquals(await io.set(`k${protocol}`, "v"), "OK");
      assertEquals(await io.get(`k${protocol}`), "v");
      const piped = await io.pipeline().incr("n").incr("n").hset(`h${protocol}`, "f", "1").hgetall(
        `h${protocol}`,
      )
        .exec();
      assertEquals(piped?.map(([e, v]) => [e, v]).slice(2), [[null, 1], [null, { f: "1" }]]);
      const tx = await io.multi().set("t", "1").incr("t").exec();
      assertEquals(tx, [[null, "OK"], [null, 2]]);
      await io.watch("w");
      await other.set("w", "changed");
      assertEquals(await io.multi().set("w", "mine").exec(), null);
      // a blocking pop served by another client's push, through the same gateway
      const popped = io.blpop(`q${protocol}`, 5);
      await other.lpush(`q${protocol}`, "job");
      assertEquals(await popped, [`q${protocol}`, "job"]);
    } finally {
      io.disconnect();
      other.disconnect();
    }
  }
  for (const RESP of [2, 3] as const) {
    const socket = {
      host: "127.0.0.1",
      port: pair.gateway.port,
      reconnectStrategy: false as const,
    };
    const client = createClient({ socket, RESP });
    client.on("error", () => {});
    await client.connect();
    const sub = client.duplicate();
    sub.on("error", () => {});
    await sub.connect();
    try {
      assertEquals(await client.set("nr", "1"), "OK");
      assertEquals(await client.mGet(["nr", "none"]), ["1", null]);
      assertEquals(await client.multi().incr("nr").get("nr").exec(), [2, "2"]);
      const got = new Promise<string>((resolve) => sub.subscribe("ch", (m) => resolve(m)));
      await until(async () => (await client.publish("ch", "hello")) > 0, "a subscriber upstream");
      assertEquals(await got, "hello");
    } finally {
      await sub.close();
      await client.close();
    }
  }
});

Deno.test("many local subscribers over TCP and WebSocket cost the upstream one subscription", async () => {
  await using pair = await startGatewayPair({ wsPort: 0 });
  const subscribers: RespConn[] = [];
  await using upstream = {
    raw: await RawClient.connect(pair.upstream.port),
    [Symbol.asyncDispose]() {
      this.raw.close();
      return Promise.resolve();
    },
  };
  try {
    for (let i = 0; i < 10; i++) {
      for (const kind of ["tcp", "ws"] as const) {
        const c = await connectResp(kind, kind === "tcp" ? pair.gateway.port : pair.gateway.wsPort);
        subscribers.push(c);
        await c.sendCommand("SUBSCRIBE", "news");
        assertEquals(await replyText(c), "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
      }
    }
    // the confirmation came after upstream's: a publish straight to Redis reaches all 20
    assertEquals(
      await upstream.raw.call("PUBSUB", "NUMSUB", "news"),
      "*2\r\n$4\r\nnews\r\n:1\r\n",
    );
    assertEquals(await upstream.raw.call("PUBLISH", "news", "hi"), ":1\r\n");
    for (const c of subscribers) {
      assertEquals(await replyText(c), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    }
    // patterns and shard channels alike
    await subscribers[0].sendCommand("PSUBSCRIBE", "n*");
    await replyText(subscribers[0]);
    await subscribers[1].sendCommand("SSUBSCRIBE", "shard");
    await replyText(subscribers[1]);
    assertEquals(await upstream.raw.call("PUBLISH", "nx", "p"), ":1\r\n");
    assertEquals(
      await replyText(subscribers[0]),
      "*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$2\r\nnx\r\n$1\r\np\r\n",
    );
    assertEquals(await upstream.raw.call("SPUBLISH", "shard", "s"), ":1\r\n");
    assertEquals(
      await replyText(subscribers[1]),
      "*3\r\n$8\r\nsmessage\r\n$5\r\nshard\r\n$1\r\ns\r\n",
    );
  } finally {
    for (const c of subscribers) await c.end();
  }
  // the last local subscriber gone, the upstream subscription goes too
  await until(async () => {
    const reply = await upstream.raw.call("PUBSUB", "NUMSUB", "news");
    return reply === "*2\r\n$4\r\nnews\r\n:0\r\n";
  }, "the upstream subscription to end");
});

Deno.test("respd's own checks apply before a command leaves for the upstream", async () => {
  await using pair = await startGatewayPair({
    requirepass: "secret",
    wsPort: 0,
    wsCommands: ["@read", "auth"],
  });
  using direct = await RawClient.connect(pair.upstream.port);
  using tcp = await RawClient.connect(pair.gateway.port);
  assertEquals(await tcp.call("SET", "k", "v"), "-NOAUTH Authentication required.\r\n");
  assertEquals(await direct.call("EXISTS", "k"), ":0\r\n");
  assertEquals(await tcp.call("AUTH", "secret"), "+OK\r\n");
  assertEquals(await tcp.call("SET", "k", "v"), "+OK\r\n");
  const ws = await connectResp("ws", pair.gateway.wsPort);
  try {
    await ws.sendCommand("AUTH", "secret");
    assertEquals(await replyText(ws), "+OK\r\n");
    await ws.sendCommand("GET", "k");
    assertEquals(await replyText(ws), "$1\r\nv\r\n");
    await ws.sendCommand("DEL", "k");
    assert((await replyText(ws)).startsWith("-NOPERM"), "DEL refused over WebSocket");
  } finally {
    await ws.end();
  }
  assertEquals(await direct.call("EXISTS", "k"), ":1\r\n");
});

Deno.test("a client blocked upstream holds a connection of its own, closed when it leaves", async () => {
  await using pair = await startGatewayPair();
  using direct = await RawClient.connect(pair.upstream.port);
  const blocked = await RawClient.connect(pair.gateway.port);
  await blocked.sendCommand("BLPOP", "never", "0");
  await until(
    async () => (await direct.call("INFO", "clients")).includes("blocked_clients:1"),
    "BLPOP upstream",
  );
  // the pool still serves everyone else meanwhile
  using other = await RawClient.connect(pair.gateway.port);
  assertEquals(await other.call("SET", "a", "1"), "+OK\r\n");
  const info = await other.call("INFO", "gateway");
  assert(info.includes("upstream_own_connections:1"), info);
  // CLIENT LIST says which clients share the pool and which hold a connection of their own
  const list = await other.call("CLIENT", "LIST");
  assert(list.includes(" upstream=own(1)") && list.includes(" upstream=pool"), list);
  blocked.close();
  await until(
    async () => (await direct.call("INFO", "clients")).includes("blocked_clients:0"),
    "the upstream wait to end",
  );
});

Deno.test("a rediss:// upstream: TLS to a redis-server with --tls-port, client certificate shown", async () => {
  await using certs = await makeTestCerts();
  const tlsPort = freePort();
  await using upstream = await startRedis([
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    certs.serverCert,
    "--tls-key-file",
    certs.serverKey,
    "--tls-ca-cert-file",
    certs.caCert,
    "--tls-auth-clients",
    "yes",
  ]);
  using direct = await RawClient.connect(upstream.port);
  const gateway = startTestServer({
    upstream: `rediss://127.0.0.1:${tlsPort}`,
    upstreamTlsCaCertFile: certs.caCert,
    upstreamTlsCertFile: certs.clientCert,
    upstreamTlsKeyFile: certs.clientKey,
  });
  // without the test CA the upstream's certificate is not trusted: an error, no crash
  const untrusting = startTestServer({ upstream: `rediss://127.0.0.1:${tlsPort}` });
  try {
    using c = await RawClient.connect(gateway.port);
    assertEquals(await c.call("SET", "over-tls", "yes"), "+OK\r\n");
    assertEquals(await c.call("GET", "over-tls"), "$3\r\nyes\r\n");
    await c.sendCommand("HELLO", "3");
    await c.readReplyBytes();
    assertEquals(await c.call("HGETALL", "none"), "%0\r\n");
    assertEquals(await direct.call("GET", "over-tls"), "$3\r\nyes\r\n");
    // the gateway's connections are the ones on the TLS port
    const clients = await direct.call("CLIENT", "LIST");
    assert(clients.includes(`laddr=127.0.0.1:${tlsPort}`), clients);
    using u = await RawClient.connect(untrusting.port);
    const refused = await u.call("GET", "over-tls");
    assert(refused.startsWith("-ERR upstream 127.0.0.1:"), refused);
  } finally {
    await gateway.shutdown();
    await untrusting.shutdown();
  }
});
