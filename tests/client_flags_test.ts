/**
 * CLIENT NO-EVICT and NO-TOUCH, and what CLIENT LIST shows of a client: its flags (O for
 * MONITOR, e, T), watch=, multi-mem, and transport= (ws for a browser's WebSocket).
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { connectResp } from "./support/ws_raw_client.ts";
import { startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";

const text = (reply: string) => reply.replace(/^\$\d+\r\n/, "").replace(/\r\n$/, "");

Deno.test("CLIENT NO-TOUCH leaves a key's idle time alone; TOUCH still touches", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await c.call("SET", "k", "v");
  clock.advance(10_000);
  assertEquals(await c.call("CLIENT", "NO-TOUCH", "ON"), "+OK\r\n");
  await c.call("GET", "k");
  assertEquals(await c.call("OBJECT", "IDLETIME", "k"), ":10\r\n");
  await c.call("TOUCH", "k");
  assertEquals(await c.call("OBJECT", "IDLETIME", "k"), ":0\r\n");
  clock.advance(5_000);
  assertEquals(await c.call("CLIENT", "NO-TOUCH", "OFF"), "+OK\r\n");
  await c.call("GET", "k");
  assertEquals(await c.call("OBJECT", "IDLETIME", "k"), ":0\r\n");
  assertEquals(await c.call("CLIENT", "NO-TOUCH", "maybe"), "-ERR syntax error\r\n");
  assertEquals(
    await c.call("CLIENT", "NO-TOUCH"),
    "-ERR wrong number of arguments for 'client|no-touch' command\r\n",
  );
});

Deno.test("CLIENT LIST shows no-evict, no-touch, monitor, watches, MULTI memory and the transport", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using c = await RawClient.connect(server.port);
  using monitor = await RawClient.connect(server.port);
  using observer = await RawClient.connect(server.port);
  const ws = await connectResp("ws", server.wsPort);
  try {
    assertEquals(await c.call("CLIENT", "NO-EVICT", "on"), "+OK\r\n");
    assertEquals(await c.call("CLIENT", "NO-TOUCH", "on"), "+OK\r\n");
    await c.call("WATCH", "a", "b");
    await c.call("MULTI");
    await c.call("SET", "a", "xxxxxxxxxx");
    assertEquals(await monitor.call("MONITOR"), "+OK\r\n");
    await ws.sendCommand("PING");
    await ws.readReplyBytes();
    const line = text(await observer.call("CLIENT", "LIST")).split("\n").find((l) =>
      / flags=xeT /.test(l)
    ) ?? "";
    assert(/ flags=xeT /.test(line), line);
    assert(/ multi=1 watch=2 /.test(line), line);
    assert(/ multi-mem=(\d+) /.test(line) && Number(/multi-mem=(\d+)/.exec(line)![1]) >= 14, line);
    assert(line.endsWith(" transport=tcp"), line);
    await c.call("DISCARD");
    const list = text(await c.call("CLIENT", "LIST")).split("\n").filter((l) => l !== "");
    assertEquals(list.length, 4);
    assert(list.some((l) => / flags=O /.test(l) && l.endsWith("transport=tcp")), list.join("\n"));
    assert(list.some((l) => / cmd=ping /.test(l) && l.endsWith("transport=ws")), list.join("\n"));
    assertEquals(await c.call("RESET"), "+RESET\r\n");
    assert(/ flags=N /.test(text(await c.call("CLIENT", "INFO"))));
  } finally {
    await ws.end();
  }
});
