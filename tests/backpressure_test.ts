/**
 * Slow and greedy clients, on both transports: a subscriber that never reads is cut off at
 * its client-output-buffer-limit (hard, or soft held for longer than its seconds) while
 * other clients keep being answered; a normal client whose reply exceeds the normal limit
 * is disconnected; a WebSocket client that stops reading is no longer read until it reads.
 *
 * Nothing here waits for time to pass: each test pushes bytes until a condition holds
 * (bounded), and the soft limit's seconds run on a manual clock.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { startTestServer } from "./support/servers.ts";
import { RawClient } from "./support/raw_client.ts";
import { RawWebSocket } from "./support/raw_websocket.ts";
import { eventually } from "./support/eventually.ts";
import { checkFrame, encodeCommand } from "../src/protocol/frame_codec.ts";
import { INCOMPLETE } from "../src/protocol/frame.ts";
import { ManualClock } from "../src/store/clock.ts";
import type { OutputLimit } from "../src/config.ts";
import type { Server } from "../src/server.ts";
import type { Session } from "../src/session.ts";

const decoder = new TextDecoder();
const OFF: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };
const MESSAGE = "m".repeat(64 * 1024);
/** Publishes per batch: 1 MiB of messages. */
const BATCH = 16;
/** Enough to fill loopback socket buffers many times over; the tests stop far earlier. */
const MAX_BATCHES = 256;

const CUT_OFF_LOG = "closed for overcoming of output buffer limits";

function limits(pubsub: OutputLimit, normal: OutputLimit = OFF) {
  return { clientOutputBufferLimit: { normal, pubsub } };
}

/** One pipelined batch of PUBLISHes; returns the receiver count of the last one. */
async function publishBatch(pub: RawClient, channel: string): Promise<number> {
  const one = encodeCommand(["PUBLISH", channel, MESSAGE]);
  const batch = new Uint8Array(one.length * BATCH);
  for (let i = 0; i < BATCH; i++) batch.set(one, i * one.length);
  await pub.send(batch);
  let last = "";
  for (let i = 0; i < BATCH; i++) last = await pub.readText();
  return Number(last.slice(1, -2));
}

/**
 * Floods `channel` until nobody receives it, checking between batches that a bystander's
 * commands are answered correctly. Returns how many batches it took.
 */
async function floodUntilCutOff(server: Server, channel: string): Promise<number> {
  using pub = await RawClient.connect(server.port);
  using bystander = await RawClient.connect(server.port);
  for (let batch = 1; batch <= MAX_BATCHES; batch++) {
    const receivers = await publishBatch(pub, channel);
    assertEquals(await bystander.call("INCR", "bystander"), `:${batch}\r\n`);
    if (receivers === 0) return batch;
  }
  throw new Error(`the subscriber was not cut off after ${MAX_BATCHES} MiB`);
}

function subscriberSession(server: Server): Session {
  const found = [...server.sessions.values()].find((s) => s.subscriptions.count > 0);
  if (found === undefined) throw new Error("no subscribed session");
  return found;
}

Deno.test("a TCP subscriber that never reads is cut off at the pubsub hard limit", async () => {
  const logs: string[] = [];
  await using server = startTestServer({
    ...limits({ hard: 1024 * 1024, soft: 0, softSeconds: 0 }),
    logger: (_, m) => logs.push(m),
  });
  using sub = await RawClient.connect(server.port);
  assertEquals(
    await sub.call("SUBSCRIBE", "flood"),
    "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n",
  );
  // From here on the subscriber reads nothing.
  await floodUntilCutOff(server, "flood");
  assert(logs.some((m) => m.includes(CUT_OFF_LOG) && m.includes("pubsub class")), logs.join("\n"));
  assert(await sub.closedByPeer());
});

Deno.test("a WebSocket subscriber that never reads is cut off at the pubsub hard limit", async () => {
  const logs: string[] = [];
  await using server = startTestServer({
    wsPort: 0,
    ...limits({ hard: 1024 * 1024, soft: 0, softSeconds: 0 }),
    logger: (_, m) => logs.push(m),
  });
  using sub = await RawWebSocket.connect(server.wsPort);
  await sub.send(encodeCommand(["SUBSCRIBE", "flood"]));
  assertEquals(
    decoder.decode(await sub.readMessage()),
    "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n",
  );
  const session = subscriberSession(server);
  await floodUntilCutOff(server, "flood");
  assert(logs.some((m) => m.includes(CUT_OFF_LOG) && m.includes("transport=ws")), logs.join("\n"));
  assert(session.closed);
});

Deno.test("a subscriber over the soft limit is cut off only after its seconds", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({
    clock,
    ...limits({ hard: 0, soft: 512 * 1024, softSeconds: 5 }),
  });
  using sub = await RawClient.connect(server.port);
  await sub.call("SUBSCRIBE", "slow");
  const session = subscriberSession(server);
  using pub = await RawClient.connect(server.port);
  let batches = 0;
  while (session.pendingOutput < 512 * 1024) {
    if (++batches > MAX_BATCHES) throw new Error("the subscriber's output never grew");
    assertEquals(await publishBatch(pub, "slow"), 1);
  }
  // Over the soft limit: the timer starts; 5 seconds later it is still within its time.
  assertEquals(await publishBatch(pub, "slow"), 1);
  clock.advance(5000);
  assertEquals(await publishBatch(pub, "slow"), 1);
  assert(!session.closed);
  clock.advance(1);
  await publishBatch(pub, "slow");
  assert(session.closed);
  assert(await sub.closedByPeer());
});

Deno.test("a client whose reply exceeds the normal hard limit is disconnected, others not", async () => {
  await using server = startTestServer({
    wsPort: 0,
    ...limits(OFF, { hard: 1024 * 1024, soft: 0, softSeconds: 0 }),
  });
  using writer = await RawClient.connect(server.port);
  assertEquals(await writer.call("SET", "big", "b".repeat(2 * 1024 * 1024)), "+OK\r\n");
  assertEquals(await writer.call("SET", "small", "s"), "+OK\r\n");

  using greedy = await RawClient.connect(server.port);
  await greedy.sendCommand("GET", "big");
  assert(await greedy.closedByPeer());
  assertEquals(greedy.pending.length, 0);

  const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}/ws`);
  ws.binaryType = "arraybuffer";
  const closed = new Promise<CloseEvent>((resolve) => (ws.onclose = resolve));
  let received = 0;
  ws.onmessage = () => received++;
  ws.onopen = () => ws.send(encodeCommand(["GET", "big"]));
  const event = await closed;
  assertEquals([event.code, event.reason, received], [1008, "output buffer limit reached", 0]);

  assertEquals(await writer.call("GET", "small"), "$1\r\ns\r\n");
});

/** Splits received WebSocket payload bytes into RESP frames; returns how many are whole. */
function countFrames(bytes: Uint8Array): number {
  let n = 0;
  let at = 0;
  for (;;) {
    const end = at < bytes.length ? checkFrame(bytes, at, bytes.length) : INCOMPLETE;
    if (end === INCOMPLETE) return n;
    n++;
    at = end;
  }
}

Deno.test("a WebSocket client that stops reading is not read until it drains", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using writer = await RawClient.connect(server.port);
  const value = "v".repeat(256 * 1024);
  assertEquals(await writer.call("SET", "v", value), "+OK\r\n");

  using ws = await RawWebSocket.connect(server.wsPort);
  const get = encodeCommand(["GET", "v"]);
  let sent = 0;
  let session: Session | undefined;
  // A reply the socket does not take stays in flight: the session waits for it to go.
  const paused = () => (session?.pendingOutput ?? 0) >= value.length;
  // One GET at a time, each run before the next is sent, until its replies back up.
  for (;;) {
    if (sent === 400) throw new Error("100 MiB of replies never backed up");
    const ran = server.stats.commands;
    await ws.send(get);
    sent++;
    session ??= [...server.sessions.values()].find((s) => s.transport.kind === "ws");
    assert(await eventually(() => server.stats.commands > ran || paused()));
    // A write merely in progress finishes at once; a stuck one is still there 50 ms later.
    if (paused() && !(await eventually(() => !paused(), 5))) break;
  }
  // Paused: requests sent now stay unread (not even read from the socket) while its
  // reply cannot be written.
  const ranBefore = server.stats.commands;
  for (let i = 0; i < 10; i++) await ws.send(get);
  sent += 10;
  await eventually(() => server.stats.commands > ranBefore, 10);
  assert(paused());
  assertEquals(server.stats.commands, ranBefore);

  // Reading again lets every request through, in order.
  const reply = `$${value.length}\r\n${value}\r\n`;
  let frames = 0;
  let bytes = 0;
  while (frames < sent) {
    const payload = await ws.readMessage();
    frames += countFrames(payload);
    bytes += payload.length;
    assertEquals(decoder.decode(payload.subarray(0, 16)), reply.slice(0, 16));
  }
  assertEquals([frames, bytes], [sent, reply.length * sent]);
});
