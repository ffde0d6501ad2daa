/**
 * Pub/sub: replies byte for byte against a real redis-server (RESP2 subscribed mode and
 * RESP3 pushes), messages crossing transports (ioredis over TCP and a WebSocket client,
 * both ways), patterns, PUBSUB counts, and cleanup on disconnect and RESET.
 */

import { Redis } from "ioredis";
import { assert, assertEquals } from "./support/assert.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { RawClient } from "./support/raw_client.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { eventually } from "./support/eventually.ts";
import type { CommandArg } from "../src/protocol/frame_codec.ts";
import type { Server } from "../src/server.ts";

const decoder = new TextDecoder();

/** A request and how many reply frames it produces (one per channel for SUBSCRIBE...). */
type Step = [args: CommandArg[], replies: number];

/** Runs `steps` on one connection to `port`; returns every reply frame's exact bytes. */
async function transcript(port: number, steps: Step[]): Promise<string[]> {
  using client = await RawClient.connect(port);
  const out: string[] = [];
  for (const [args, replies] of steps) {
    await client.sendCommand(...args);
    for (let i = 0; i < replies; i++) out.push(`${args[0]} → ${await client.readText()}`);
  }
  return out;
}

/** Compares respd's transcript with redis-server's for the same steps. */
async function sameAsRedis(steps: Step[]): Promise<void> {
  await using redis = await startRedis();
  await using server = startTestServer();
  const expected = await transcript(redis.port, steps);
  const actual = await transcript(server.port, steps);
  assertEquals(actual, expected);
}

Deno.test("RESP2 subscribe, unsubscribe and subscribed mode reply as redis-server", async () => {
  await sameAsRedis([
    [["UNSUBSCRIBE"], 1],
    [["PUNSUBSCRIBE"], 1],
    [["SUBSCRIBE", "a", "b", "a"], 3],
    [["PSUBSCRIBE", "h*", "a"], 2],
    [["GET", "x"], 1],
    [["CLIENT", "ID"], 1],
    [["PUBLISH", "a", "m"], 1],
    [["PING"], 1],
    [["PING", "hi"], 1],
    [["PING", "a", "b"], 1],
    [["SUBSCRIBE"], 1],
    [["NOSUCHCOMMAND"], 1],
    [["UNSUBSCRIBE", "x", "a"], 2],
    [["PUNSUBSCRIBE"], 2],
    [["UNSUBSCRIBE"], 1],
    [["GET", "x"], 1],
    [["PING"], 1],
    [["SUBSCRIBE", "z"], 1],
    [["RESET"], 1],
    [["PING"], 1],
    [["PUBSUB", "NUMSUB", "z"], 1],
  ]);
});

// Where Redis walks a hash table (PUBSUB CHANNELS, UNSUBSCRIBE without arguments over
// several channels) its order is unspecified, so these scripts avoid depending on it.
Deno.test("RESP3 confirmations and messages are push frames, as redis-server", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  const steps: Step[] = [
    [["UNSUBSCRIBE"], 1],
    [["SUBSCRIBE", "a", "b"], 2],
    [["GET", "x"], 1],
    [["PING"], 1],
    [["PUBLISH", "a", "hello"], 2],
    [["PSUBSCRIBE", "*"], 1],
    [["PUBLISH", "a", "again"], 3],
    [["PUBSUB", "NUMSUB", "a", "b", "c"], 1],
    [["PUBSUB", "CHANNELS", "[a]"], 1],
    [["PUBSUB", "NUMPAT"], 1],
    [["UNSUBSCRIBE", "b"], 1],
    [["UNSUBSCRIBE"], 1],
    [["PUNSUBSCRIBE"], 1],
    [["PUNSUBSCRIBE"], 1],
  ];
  const run = async (port: number) => {
    // HELLO's reply carries the client id, which differs: compare only what follows it.
    const withHello: Step[] = [[["HELLO", "3"], 1], ...steps];
    return (await transcript(port, withHello)).slice(1);
  };
  assertEquals(await run(server.port), await run(redis.port));
});

Deno.test("PUBSUB subcommands and their errors reply as redis-server", async () => {
  await sameAsRedis([
    [["PUBSUB", "NUMSUB"], 1],
    [["PUBSUB", "CHANNELS", "x", "y"], 1],
    [["pubsub", "channels", "x", "y"], 1],
    [["PUBSUB", "FOO"], 1],
    [["PUBSUB"], 1],
    [["PUBSUB", "NUMPAT", "x"], 1],
    [["PUBLISH", "a"], 1],
    [["PUBLISH", "nobody", "m"], 1],
    [["PSUBSCRIBE"], 1],
  ]);
});

/** An ioredis client connected to `server`; `end()` waits until its socket is closed. */
async function ioredis(server: Server): Promise<Redis & { end(): Promise<void> }> {
  const client = new Redis({ host: "127.0.0.1", port: server.port, lazyConnect: true });
  await client.connect();
  const ended = new Promise<void>((resolve) => client.once("end", () => resolve()));
  return Object.assign(client, {
    async end() {
      await client.quit();
      await ended;
    },
  });
}

Deno.test("a WebSocket client receives what ioredis publishes over TCP", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  await ws.sendCommand("SUBSCRIBE", "news");
  assertEquals(
    decoder.decode(await ws.readReplyBytes()),
    "*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n",
  );
  const pub = await ioredis(server);
  try {
    assertEquals(await pub.publish("news", "from tcp"), 1);
    assertEquals(
      decoder.decode(await ws.readReplyBytes()),
      "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$8\r\nfrom tcp\r\n",
    );
  } finally {
    await pub.end();
  }
});

Deno.test("ioredis over TCP receives what a WebSocket client publishes", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const sub = await ioredis(server);
  try {
    const got = Promise.withResolvers<[string, string]>();
    sub.on("message", (channel: string, message: string) => got.resolve([channel, message]));
    await sub.subscribe("alerts");
    await using ws = await WsRawClient.connect(server.wsPort);
    await ws.sendCommand("PUBLISH", "alerts", "from the browser");
    assertEquals(decoder.decode(await ws.readReplyBytes()), ":1\r\n");
    assertEquals(await got.promise, ["alerts", "from the browser"]);
  } finally {
    await sub.end();
  }
});

Deno.test("PUBLISH counts receivers on both transports, patterns included", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using tcp = await RawClient.connect(server.port);
  await using ws = await WsRawClient.connect(server.wsPort);
  await using ws3 = await WsRawClient.connect(server.wsPort);
  assertEquals(
    await tcp.call("SUBSCRIBE", "news.tech"),
    "*3\r\n$9\r\nsubscribe\r\n$9\r\nnews.tech\r\n:1\r\n",
  );
  await ws.sendCommand("PSUBSCRIBE", "news.*");
  assertEquals(
    decoder.decode(await ws.readReplyBytes()),
    "*3\r\n$10\r\npsubscribe\r\n$6\r\nnews.*\r\n:1\r\n",
  );
  await ws3.sendCommand("HELLO", "3");
  await ws3.readReplyBytes();
  await ws3.sendCommand("SUBSCRIBE", "news.tech");
  assertEquals(
    decoder.decode(await ws3.readReplyBytes()),
    ">3\r\n$9\r\nsubscribe\r\n$9\r\nnews.tech\r\n:1\r\n",
  );

  using pub = await RawClient.connect(server.port);
  assertEquals(await pub.call("PUBLISH", "news.tech", "chips"), ":3\r\n");
  assertEquals(await tcp.readText(), "*3\r\n$7\r\nmessage\r\n$9\r\nnews.tech\r\n$5\r\nchips\r\n");
  assertEquals(
    decoder.decode(await ws.readReplyBytes()),
    "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$9\r\nnews.tech\r\n$5\r\nchips\r\n",
  );
  assertEquals(
    decoder.decode(await ws3.readReplyBytes()),
    ">3\r\n$7\r\nmessage\r\n$9\r\nnews.tech\r\n$5\r\nchips\r\n",
  );
  assertEquals(await pub.call("PUBLISH", "news.sport", "goal"), ":1\r\n");
  assertEquals(await pub.call("PUBLISH", "weather", "rain"), ":0\r\n");
  assertEquals(
    decoder.decode(await ws.readReplyBytes()),
    "*4\r\n$8\r\npmessage\r\n$6\r\nnews.*\r\n$10\r\nnews.sport\r\n$4\r\ngoal\r\n",
  );

  assertEquals(
    await pub.call("PUBSUB", "NUMSUB", "news.tech", "news.*"),
    "*4\r\n$9\r\nnews.tech\r\n:2\r\n$6\r\nnews.*\r\n:0\r\n",
  );
  assertEquals(await pub.call("PUBSUB", "NUMPAT"), ":1\r\n");
  assertEquals(await pub.call("PUBSUB", "CHANNELS", "news.*"), "*1\r\n$9\r\nnews.tech\r\n");
});

Deno.test("messages are binary-safe across transports", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  await ws.sendCommand("SUBSCRIBE", "bin");
  await ws.readReplyBytes();
  const payload = new Uint8Array(256).map((_, i) => i);
  using pub = await RawClient.connect(server.port);
  await pub.sendCommand("PUBLISH", "bin", payload);
  assertEquals(await pub.readText(), ":1\r\n");
  const got = await ws.readReplyBytes();
  const head = new TextEncoder().encode("*3\r\n$7\r\nmessage\r\n$3\r\nbin\r\n$256\r\n");
  assertEquals(got.subarray(0, head.length), head);
  assertEquals(got.subarray(head.length, head.length + 256), payload);
});

/** Polls a PUBSUB NUMSUB count until it is `want` (closing is asynchronous), bounded. */
async function waitForNumsub(client: RawClient, channel: string, want: number): Promise<void> {
  const expected = `*2\r\n$${channel.length}\r\n${channel}\r\n:${want}\r\n`;
  const done = () => client.call("PUBSUB", "NUMSUB", channel).then((r) => r === expected);
  if (!(await eventually(done, 200))) throw new Error(`NUMSUB ${channel} never became ${want}`);
}

Deno.test("a client's subscriptions end when it disconnects, on either transport", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using probe = await RawClient.connect(server.port);
  const tcp = await RawClient.connect(server.port);
  await tcp.call("SUBSCRIBE", "room");
  const ws = await WsRawClient.connect(server.wsPort);
  await ws.sendCommand("SUBSCRIBE", "room");
  await ws.readReplyBytes();
  await waitForNumsub(probe, "room", 2);
  tcp.close();
  await waitForNumsub(probe, "room", 1);
  await ws.end();
  await waitForNumsub(probe, "room", 0);
  assertEquals(await probe.call("PUBLISH", "room", "anyone?"), ":0\r\n");
});

Deno.test("RESET leaves subscribed mode and drops the client's subscriptions", async () => {
  await using server = startTestServer();
  using client = await RawClient.connect(server.port);
  await client.call("SUBSCRIBE", "a");
  await client.call("PSUBSCRIBE", "b*");
  assertEquals(await client.call("RESET"), "+RESET\r\n");
  assertEquals(await client.call("PUBSUB", "NUMSUB", "a"), "*2\r\n$1\r\na\r\n:0\r\n");
  assertEquals(await client.call("PUBSUB", "NUMPAT"), ":0\r\n");
  assertEquals(await client.call("PUBLISH", "a", "m"), ":0\r\n");
  assert((await client.call("SET", "k", "v")) === "+OK\r\n");
});
