/**
 * MONITOR: a scripted session goes to a real redis-server and to respd while a third
 * connection monitors each; the two feeds must be the same lines once the timestamps and
 * client ports are masked (what is shown, in which order, which database, AUTH redacted,
 * script commands as `[0 lua]`, arguments quoted as Redis quotes them). Then the feed over
 * WebSocket: a browser-transport client's commands are shown, and it can monitor.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { connectResp, type RespConn } from "./support/ws_raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { bin } from "./support/differential.ts";
import type { CommandArg } from "../src/protocol/frame_codec.ts";

const decoder = new TextDecoder("latin1");

const SESSION: CommandArg[][] = [
  ["CLIENT", "SETNAME", "probe"],
  ["SET", "k", "12"],
  ["GET", "k"],
  ["AUTH", "secret"], // an error, still shown, its password redacted
  ["HELLO", "2", "AUTH", "default", "pw"],
  ["GET"], // refused before it runs: not shown
  ["NOSUCH", "a"], // unknown: not shown
  ["CONFIG", "GET", "port"], // admin: not shown
  ["SLOWLOG", "LEN"], // admin: not shown
  ["SELECT", "3"], // shown with the database it selected
  ["SET", "sp ace", bin('quo"te\\\x01\n\r\t\x07\x08\xff')],
  ["SELECT", "0"],
  ["MULTI"],
  ["INCR", "n"],
  ["LPUSH", "k", "x"],
  ["EXEC"], // shown after the commands it ran
  ["EVAL", "redis.call('set','a','b') return redis.call('get','a')", "0"],
  ["BLPOP", "nolist", "0.01"],
  ["PING"],
  ["ECHO", "done"],
];

/** The feed lines, with times and ports masked. */
async function feedOf(port: number): Promise<string[]> {
  using monitor = await RawClient.connect(port);
  assertEquals(await monitor.call("MONITOR"), "+OK\r\n");
  using c = await RawClient.connect(port);
  for (const cmd of SESSION) {
    await c.sendCommand(...cmd);
    await c.readReplyBytes();
  }
  const lines: string[] = [];
  while (!/"echo" "done"$/i.test(lines.at(-1) ?? "")) {
    const line = decoder.decode(
      await monitor.readReplyBytes().catch((e) => {
        throw new Error(`${e.message} after:\n${lines.join("\n")}`);
      }),
    );
    lines.push(
      line.replace(/\r\n$/, "").replace(/^\+\d{10}\.\d{6} /, "+T ").replace(
        /127\.0\.0\.1:\d+/g,
        "127.0.0.1:P",
      ),
    );
  }
  return lines;
}

Deno.test("MONITOR shows a scripted session as redis-server shows it", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const expected = await feedOf(redis.port);
  const actual = await feedOf(respd.port);
  assertEquals(actual, expected);
  assert(expected.some((l) => l.includes('[0 lua] "set" "a" "b"')), expected.join("\n"));
});

Deno.test("MONITOR errors and replies as Redis: no reply to a second MONITOR, none in MULTI", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  for (const port of [redis.port, respd.port]) {
    using c = await RawClient.connect(port);
    assertEquals(await c.call("MULTI"), "+OK\r\n");
    assertEquals(await c.call("MONITOR"), "+QUEUED\r\n");
    assertEquals(
      await c.call("EXEC"),
      "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
    );
    assertEquals(await c.call("MONITOR"), "+OK\r\n");
    await c.sendCommand("MONITOR"); // no reply; the PING after it answers next
    assertEquals(await c.call("PING"), "+PONG\r\n");
    // the monitor sees its own commands too
    assert((await c.readText()).endsWith(' "PING"\r\n'));
  }
});

Deno.test("MONITOR works across transports: WebSocket commands are fed, a WebSocket client monitors", async () => {
  await using respd = startTestServer({ wsPort: 0 });
  const conns: RespConn[] = [];
  try {
    const wsMonitor = await connectResp("ws", respd.wsPort);
    const tcpMonitor = await connectResp("tcp", respd.port);
    const ws = await connectResp("ws", respd.wsPort);
    conns.push(wsMonitor, tcpMonitor, ws);
    for (const m of [wsMonitor, tcpMonitor]) {
      await m.sendCommand("MONITOR");
      assertEquals(decoder.decode(await m.readReplyBytes()), "+OK\r\n");
    }
    await ws.sendCommand("SET", "from", "browser");
    await ws.readReplyBytes();
    for (const m of [wsMonitor, tcpMonitor]) {
      const line = decoder.decode(await m.readReplyBytes());
      assert(
        /^\+\d{10}\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "from" "browser"\r\n$/.test(line),
        line,
      );
    }
    const clients = respd.sessions.size;
    assertEquals(clients, 3);
  } finally {
    for (const c of conns) await c.end();
  }
});
