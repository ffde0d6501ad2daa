/**
 * Client-side caching beyond what the differential sequences can compare: the bound of
 * tracking-table-max-keys (Redis drops random keys, respd the oldest, so the two cannot be
 * compared byte for byte), INFO's tracking figures, and a WebSocket write invalidating a
 * TCP client's read.
 */

import { assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";

const text = new TextDecoder();

/** Sends a command on a WebSocket raw client; its reply as text. */
async function wsCall(c: WsRawClient, ...args: string[]): Promise<string> {
  await c.sendCommand(...args);
  return text.decode(await c.readReplyBytes());
}

const push = (...keys: string[]) =>
  `>2\r\n$10\r\ninvalidate\r\n*${keys.length}\r\n` +
  keys.map((k) => `$${k.length}\r\n${k}\r\n`).join("");

Deno.test("past tracking-table-max-keys the oldest tracked keys are invalidated", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.call("HELLO", "3");
  assertEquals(await c.call("CONFIG", "SET", "tracking-table-max-keys", "2"), "+OK\r\n");
  assertEquals(
    await c.call("CONFIG", "GET", "tracking-table-max-keys"),
    "%1\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n2\r\n",
  );
  assertEquals(await c.call("CLIENT", "TRACKING", "on"), "+OK\r\n");
  for (const k of ["a", "b", "c"]) assertEquals(await c.call("GET", k), "_\r\n");
  // before the next command the table is brought back to two keys
  assertEquals(await c.call("PING"), push("a"));
  assertEquals(await c.readText(), "+PONG\r\n");
  const stats = await c.call("INFO", "stats");
  assertEquals(/tracking_total_keys:(\d+)/.exec(stats)?.[1], "2");
  assertEquals(/tracking_total_items:(\d+)/.exec(stats)?.[1], "2");
  const clients = await c.call("INFO", "clients");
  assertEquals(/tracking_clients:(\d+)/.exec(clients)?.[1], "1");
});

Deno.test("a WebSocket client's write invalidates a TCP client's read, and the reverse", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using tcp = await RawClient.connect(server.port);
  await using ws = await WsRawClient.connect(server.wsPort);
  await tcp.call("HELLO", "3");
  await wsCall(ws, "HELLO", "3");
  assertEquals(await tcp.call("CLIENT", "TRACKING", "on"), "+OK\r\n");
  assertEquals(await wsCall(ws, "CLIENT", "TRACKING", "on"), "+OK\r\n");
  assertEquals(await tcp.call("GET", "k"), "_\r\n");
  assertEquals(await wsCall(ws, "GET", "j"), "_\r\n");
  assertEquals(await wsCall(ws, "SET", "k", "from-ws"), "+OK\r\n");
  assertEquals(await tcp.readText(), push("k"));
  assertEquals(await tcp.call("SET", "j", "from-tcp"), "+OK\r\n");
  assertEquals(text.decode(await ws.readReplyBytes()), push("j"));
});
