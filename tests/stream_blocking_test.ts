/**
 * XREAD BLOCK and XREADGROUP BLOCK: scenarios of several connections played against a
 * real redis-server and respd, replies compared byte for byte in RESP2 and RESP3 (served
 * by the XADD that adds an entry, FIFO among waiters, timeouts, `$` as the last id at
 * block time, `>` through a group, a destroyed group); then a WebSocket client following
 * a stream that a TCP client appends to.
 */

import { assertEquals } from "./support/assert.ts";
import { type Action, blocked, call, play, read, send } from "./support/blocking_scenarios.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { until } from "./support/eventually.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";

const SCENARIOS: Record<string, Action[]> = {
  "XREAD BLOCK is served by the XADD that adds an entry": [
    send(1, "XREAD BLOCK 0 STREAMS s $"),
    blocked(1),
    call(2, "XADD s 1-1 f v"),
    read(1),
    blocked(0),
  ],
  "every client blocked on a stream gets the entry, in the order they blocked": [
    call(4, "XADD s 1-0 a b"),
    send(1, "XREAD BLOCK 0 STREAMS s $"),
    blocked(1),
    send(2, "XREAD BLOCK 0 COUNT 5 STREAMS s 1-0"),
    blocked(2),
    send(3, "XREAD BLOCK 0 STREAMS s $"),
    blocked(3),
    call(4, "XADD s 2-0 c d"),
    read(1),
    read(2),
    read(3),
  ],
  "$ means after the last id when the client blocked": [
    call(2, "XADD s 1-0 old x"),
    send(1, "XREAD BLOCK 0 STREAMS s $"),
    blocked(1),
    call(2, "XADD s 2-0 new y"),
    read(1),
  ],
  "a timeout ends the wait with a null reply": [
    send(1, "XREAD BLOCK 30 STREAMS s $"),
    read(1),
    call(1, "XADD s 1-1 f v"),
    send(1, "XREAD BLOCK 20 STREAMS s $"),
    read(1),
    call(1, "PING"),
  ],
  "a client blocked on several streams gets the one that got an entry": [
    send(1, "XREAD BLOCK 0 STREAMS a b c $ $ $"),
    blocked(1),
    call(2, "XADD b 5-0 x 1"),
    read(1),
  ],
  "an entry at or below the client's id does not serve it": [
    send(1, "XREAD BLOCK 0 STREAMS s 5-0"),
    blocked(1),
    call(2, "XADD s 3-0 f v"),
    call(2, "XADD s 5-0 f v"),
    blocked(1),
    call(2, "XADD s 6-0 f v"),
    read(1),
  ],
  "writes of another type, deletes and trims do not serve a stream reader": [
    send(1, "XREAD BLOCK 0 STREAMS s $"),
    blocked(1),
    call(2, "SET s x"),
    call(2, "DEL s"),
    call(2, "XGROUP CREATE s g $ MKSTREAM"),
    blocked(1),
    call(2, "XADD s 1-0 f v"),
    read(1),
  ],
  "XREADGROUP BLOCK: one new entry goes to one consumer, FIFO": [
    call(3, "XGROUP CREATE s g $ MKSTREAM"),
    send(1, "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >"),
    blocked(1),
    send(2, "XREADGROUP GROUP g bob BLOCK 0 STREAMS s >"),
    blocked(2),
    call(3, "XADD s 1-0 job 1"),
    read(1),
    blocked(1),
    call(3, "XADD s 2-0 job 2"),
    read(2),
    call(3, "XPENDING s g"),
    call(3, "XINFO GROUPS s"),
  ],
  "XREADGROUP BLOCK with NOACK and COUNT": [
    call(3, "XGROUP CREATE s g $ MKSTREAM"),
    send(1, "XREADGROUP GROUP g alice COUNT 1 NOACK BLOCK 0 STREAMS s >"),
    blocked(1),
    call(3, "XADD s 1-0 job 1"),
    read(1),
    call(3, "XPENDING s g"),
  ],
  "XREADGROUP BLOCK ends with NOGROUP when the group is destroyed": [
    call(3, "XGROUP CREATE s g $ MKSTREAM"),
    send(1, "XREADGROUP GROUP g alice BLOCK 0 STREAMS s >"),
    blocked(1),
    call(3, "XGROUP DESTROY s g"),
    read(1),
  ],
  "XREADGROUP BLOCK times out with a null reply, and its consumer exists": [
    call(3, "XGROUP CREATE s g $ MKSTREAM"),
    send(1, "XREADGROUP GROUP g alice BLOCK 20 STREAMS s >"),
    read(1),
    call(3, "XINFO GROUPS s"),
  ],
  "requests sent after XREAD BLOCK wait for it, and then run": [
    { pipeline: ["XREAD BLOCK 0 STREAMS s $", "SET after 1", "GET after"], c: 1 },
    blocked(1),
    call(2, "EXISTS after"),
    call(2, "XADD s 1-0 f v"),
    read(1),
    read(1),
    read(1),
  ],
  "a client that disconnects while blocked leaves the others waiting": [
    send(1, "XREAD BLOCK 0 STREAMS s $"),
    blocked(1),
    send(2, "XREAD BLOCK 0 STREAMS s $"),
    blocked(2),
    { close: 1 },
    blocked(1),
    call(3, "XADD s 1-0 f v"),
    read(2),
  ],
  "timeouts are checked as Redis does": [
    call(1, "XREAD BLOCK -1 STREAMS s $"),
    call(1, "XREAD BLOCK abc STREAMS s $"),
    call(1, "XREAD BLOCK 1.5 STREAMS s $"),
    call(1, "XREAD BLOCK 9223372036854775808 STREAMS s $"),
  ],
};

for (const [name, actions] of Object.entries(SCENARIOS)) {
  Deno.test(`XREAD/XREADGROUP BLOCK as redis-server: ${name}`, async () => {
    await using redis = await startRedis();
    await using server = startTestServer();
    for (const protocol of [2, 3] as const) {
      const expected = await play(redis.port, protocol, actions);
      const actual = await play(server.port, protocol, actions);
      assertEquals(actual, expected, `RESP${protocol}`);
    }
  });
}

Deno.test("a WebSocket client follows a stream with XREAD BLOCK while a TCP client appends", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  using tcp = await RawClient.connect(server.port);
  assertEquals(await tcp.call("XADD", "feed", "1-0", "msg", "before"), "$3\r\n1-0\r\n");
  let last = "$";
  for (let i = 1; i <= 3; i++) {
    await ws.sendCommand("XREAD", "BLOCK", "0", "STREAMS", "feed", last);
    await until(() => server.blocking.blockedCount === 1, "the WebSocket reader to block");
    const id = `${i + 1}-0`;
    assertEquals(await tcp.call("XADD", "feed", id, "msg", `m${i}`), `$3\r\n${id}\r\n`);
    assertEquals(
      await ws.readText(),
      `*1\r\n*2\r\n$4\r\nfeed\r\n*1\r\n*2\r\n$3\r\n${id}\r\n*2\r\n$3\r\nmsg\r\n$2\r\nm${i}\r\n`,
    );
    last = id;
  }
});
