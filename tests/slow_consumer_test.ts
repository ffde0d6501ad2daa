/**
 * Slow consumers (issue 5): clients that stop reading must be cut off at their output
 * limit (client-output-buffer-limit), over TCP and over WebSocket alike, without hurting
 * anyone else. The slow WebSocket client is a hand-made one (tests/support/raw_websocket.ts)
 * because the WebSocket API always drains its socket. Bounds on latency are generous: they
 * catch a server that stalls behind a slow client, not a busy machine.
 */

import type { LogLevel } from "../src/config.ts";
import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { RawWebSocket } from "./support/raw_websocket.ts";
import { startTestServer } from "./support/servers.ts";
import { latin1 } from "./support/fuzz_frames.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { drainUntilClosed } from "./support/drain.ts";

const LIMIT = 1024 * 1024;
const PAYLOAD = "x".repeat(64 * 1024);
/** Far more than the limit plus every kernel buffer on the way: reaching it is a failure. */
const MAX_PUBLISHES = 3000;
const LATENCY_BOUND_MS = 1500;

const subscribed = (channel: string) =>
  `*3\r\n$9\r\nsubscribe\r\n$${channel.length}\r\n${channel}\r\n:1\r\n`;

Deno.test("subscribers that never read, over TCP and WebSocket, are cut off at the pubsub limit while others keep low latency", async () => {
  const warnings: string[] = [];
  await using server = startTestServer({
    wsPort: 0,
    clientOutputBufferLimit: {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      pubsub: { hard: LIMIT, soft: 0, softSeconds: 0 },
    },
    logger: (level: LogLevel, message: string) => {
      if (level === "warning") warnings.push(message);
    },
  });

  // The slow ones read their SUBSCRIBE confirmation, then never read again.
  const slowTcp = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  using slowWs = await RawWebSocket.connect(server.wsPort);
  using publisher = await RawClient.connect(server.port);
  using pinger = await RawClient.connect(server.port);
  try {
    await slowTcp.write(encodeCommand(["SUBSCRIBE", "news"]));
    const confirm = new Uint8Array(64);
    let got = 0;
    while (got < subscribed("news").length) {
      const n = await slowTcp.read(confirm.subarray(got));
      assert(n !== null);
      got += n;
    }
    assertEquals(String.fromCharCode(...confirm.subarray(0, got)), subscribed("news"));
    await slowWs.send(encodeCommand(["SUBSCRIBE", "news"]));
    assertEquals(String.fromCharCode(...await slowWs.readMessage()), subscribed("news"));

    let publishes = 0;
    let receivers = 2;
    let worst = 0;
    const message = latin1(PAYLOAD);
    while (receivers > 0 && publishes < MAX_PUBLISHES) {
      await publisher.sendCommand("PUBLISH", "news", message);
      const reply = await publisher.readText();
      const m = /^:(\d+)\r\n$/.exec(reply);
      assert(m, `PUBLISH answered ${JSON.stringify(reply)}`);
      receivers = Number(m[1]);
      publishes++;
      const t0 = performance.now();
      assertEquals(await pinger.call("PING"), "+PONG\r\n");
      worst = Math.max(worst, performance.now() - t0);
    }
    assertEquals(receivers, 0, `still ${receivers} receivers after ${publishes} publishes`);
    // TCP: the server closes the socket. WebSocket: it sends a close frame (1008, policy
    // violation) behind what was already buffered, and closes the socket CLOSE_TIMEOUT_MS
    // later if the peer has not answered: a peer that reads only now may find it gone.
    const [tcpBytes, wsClose] = await Promise.all([
      drainUntilClosed(slowTcp, 10_000, 2000),
      slowWs.readUntilClose().catch(() => ({ code: 0, reason: "", skipped: 0 })),
    ]);
    if (wsClose.code !== 0) {
      assertEquals([wsClose.code, wsClose.reason], [1008, "output buffer limit reached"]);
      await slowWs.sendClose(1008).catch(() => {});
    }
    await drainUntilClosed(slowWs.conn, 10_000, 2000);
    console.log(
      `slow consumers: both cut off after ${publishes} publishes of 64 KiB ` +
        `(${(publishes * 64 / 1024).toFixed(1)} MiB sent, limit ${LIMIT / 1024 / 1024} MiB; ` +
        `buffered on the way: TCP ${(tcpBytes / 1024 / 1024).toFixed(1)} MiB, WebSocket ` +
        `${(wsClose.skipped / 1024 / 1024).toFixed(1)} MiB); ` +
        `worst PING latency meanwhile ${worst.toFixed(1)} ms`,
    );
    assert(worst < LATENCY_BOUND_MS, `a PING took ${worst.toFixed(0)} ms`);
    assertEquals(server.sessions.size, 2);
    const cut = warnings.filter((w) => w.includes("output buffer limits"));
    assertEquals(cut.length, 2, warnings.join("\n"));
    assert(
      cut.some((w) => w.includes("transport=tcp")) && cut.some((w) => w.includes("transport=ws")),
    );
    // The publisher and the pinger are unaffected.
    assertEquals(await publisher.call("PUBLISH", "news", "after"), ":0\r\n");
    assertEquals(await pinger.call("PING"), "+PONG\r\n");
  } finally {
    try {
      slowTcp.close();
    } catch {
      // closed by the server already
    }
  }
});

Deno.test("a client that pipelines big replies without reading is cut off at the normal limit", async () => {
  const warnings: string[] = [];
  await using server = startTestServer({
    clientOutputBufferLimit: {
      normal: { hard: LIMIT, soft: 0, softSeconds: 0 },
      pubsub: { hard: 0, soft: 0, softSeconds: 0 },
    },
    logger: (level: LogLevel, message: string) => {
      if (level === "warning") warnings.push(message);
    },
  });
  using other = await RawClient.connect(server.port);
  assertEquals(await other.call("SET", "big", PAYLOAD), "+OK\r\n");
  const greedy = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    // 64 GETs of 64 KiB in one write: 4 MiB of replies to one batch, four times the limit.
    const request = encodeCommand(["GET", "big"]);
    const batch = new Uint8Array(request.length * 64);
    for (let i = 0; i < 64; i++) batch.set(request, i * request.length);
    await greedy.write(batch);
    await drainUntilClosed(greedy, 10_000, 2000);
    assert(warnings.some((w) => w.includes("output buffer limits")), warnings.join("\n"));
    const t0 = performance.now();
    assertEquals(await other.call("EXISTS", "big"), ":1\r\n");
    assert(performance.now() - t0 < LATENCY_BOUND_MS);
    // The session is forgotten just after its socket closes; allow it a bounded moment.
    for (let i = 0; i < 200 && server.sessions.size > 1; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    assertEquals(server.sessions.size, 1);
  } finally {
    try {
      greedy.close();
    } catch {
      // closed by the server already
    }
  }
});
