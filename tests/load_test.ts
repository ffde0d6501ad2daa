/**
 * Load (issue 5): 1,000 concurrent clients, half over TCP and half over WebSocket, against
 * one in-process respd for a bounded time. Workers pipeline rounds of mixed commands on
 * their own keys, so every reply is known in advance and compared byte for byte; some
 * also PUBLISH, and subscribers on both transports must get every message exactly once,
 * in each publisher's order. Afterwards every connection is gone and the heap (after a
 * forced GC) is back near its baseline. Figures are printed.
 */

import v8 from "node:v8";
import vm from "node:vm";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { assert, assertEquals } from "./support/assert.ts";
import { startTestServer } from "./support/servers.ts";
import { connectResp, type RespConn } from "./support/ws_raw_client.ts";
import { latin1 } from "./support/fuzz_frames.ts";

const CLIENTS = 1000;
/** Subscribers among the clients, half on each transport. */
const SUBSCRIBERS = 100;
/** One worker in this many also publishes each round. */
const PUBLISH_EVERY = 20;
const LOAD_MS = 3000;
const CHANNEL = "load:chan";
/** Allowed growth of heap + external memory once everything is closed. */
const MEMORY_SLACK = 24 * 1024 * 1024;

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

/** Heap and ArrayBuffer memory after full collections (backing stores are freed lazily). */
async function settledMemory(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

interface Round {
  request: Uint8Array;
  replies: string[];
}

/** Round `r` of worker `id`: the commands and the exact reply to each. */
function round(id: number, r: number, subscribers: number): Round {
  const s = `load:${id}:s`, n = `load:${id}:n`, l = `load:${id}:l`;
  const value = `v${id}.${r}`;
  const payload = String.fromCharCode(id % 256, 0, 13, 10, 255, r % 256);
  const cmds: string[][] = [
    ["SET", s, value],
    ["GET", s],
    ["INCR", n],
    ["RPUSH", l, String(r)],
    ["LLEN", l],
    ["ECHO", payload],
    ["MGET", s, `load:${id}:missing`],
    ["PING"],
  ];
  const replies = [
    "+OK\r\n",
    bulk(value),
    `:${r + 1}\r\n`,
    `:${r + 1}\r\n`,
    `:${r + 1}\r\n`,
    bulk(payload),
    `*2\r\n${bulk(value)}$-1\r\n`,
    "+PONG\r\n",
  ];
  if (id % PUBLISH_EVERY === 0) {
    cmds.push(["PUBLISH", CHANNEL, `${id}:${r}`]);
    replies.push(`:${subscribers}\r\n`);
  }
  const parts = cmds.map((c) => encodeCommand(c.map(latin1)));
  const request = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let p = 0;
  for (const part of parts) {
    request.set(part, p);
    p += part.length;
  }
  return { request, replies };
}

async function expectReply(c: RespConn, want: string, what: string): Promise<void> {
  const got = await c.readReplyBytes(20_000);
  const text = String.fromCharCode(...got);
  if (text !== want) {
    throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(text)}`);
  }
}

/** Runs rounds until the deadline; returns how many. Then deletes the worker's keys. */
async function work(c: RespConn, id: number, deadline: number): Promise<number> {
  let r = 0;
  do {
    const { request, replies } = round(id, r, SUBSCRIBERS);
    await c.send(request);
    for (let i = 0; i < replies.length; i++) {
      await expectReply(c, replies[i], `worker ${id} round ${r}`);
    }
    r++;
  } while (performance.now() < deadline);
  await c.sendCommand("DEL", `load:${id}:s`, `load:${id}:n`, `load:${id}:l`);
  await expectReply(c, ":3\r\n", `worker ${id} DEL`);
  return r;
}

/**
 * Reads messages until the reply to a PING sent after all publishing: a publisher's
 * messages are queued to subscribers before its PUBLISH returns, so that reply comes last.
 * Each publisher's messages must arrive once each, in order. Returns how many arrived.
 */
async function listen(c: RespConn, publishingDone: Promise<void>): Promise<number> {
  const next = new Map<number, number>();
  let got = 0;
  const pinged = publishingDone.then(() => c.sendCommand("PING"));
  for (;;) {
    const frame = String.fromCharCode(...await c.readReplyBytes(20_000));
    if (frame === "*2\r\n$4\r\npong\r\n$0\r\n\r\n") break;
    const m = /^\*3\r\n\$7\r\nmessage\r\n\$9\r\nload:chan\r\n\$\d+\r\n(\d+):(\d+)\r\n$/.exec(frame);
    if (!m) throw new Error(`unexpected push ${JSON.stringify(frame)}`);
    const [publisher, r] = [Number(m[1]), Number(m[2])];
    const expected = next.get(publisher) ?? 0;
    if (r !== expected) {
      throw new Error(`message ${publisher}:${r} arrived, expected ${publisher}:${expected}`);
    }
    next.set(publisher, r + 1);
    got++;
  }
  await pinged;
  return got;
}

/** The open-file limit this process inherited (each client costs two descriptors here). */
async function fileLimit(): Promise<number> {
  const out = await new Deno.Command("sh", { args: ["-c", "ulimit -n"], stdout: "piped" }).output();
  const text = new TextDecoder().decode(out.stdout).trim();
  return text === "unlimited" ? Infinity : Number(text);
}

Deno.test("1,000 TCP and WebSocket clients get every reply right, lose no message, and leave memory near baseline", async () => {
  const limit = await fileLimit();
  assert(
    limit >= 2 * CLIENTS + 200,
    `ulimit -n is ${limit}: run with at least ${2 * CLIENTS + 200} (scripts/test.sh raises it)`,
  );
  await using server = startTestServer({ wsPort: 0 });
  const baseline = await settledMemory();
  const clients: { conn: RespConn; kind: "tcp" | "ws" }[] = [];
  try {
    for (let i = 0; i < CLIENTS; i += 100) {
      const batch = Array.from({ length: 100 }, (_, j) => (i + j) % 2 === 0 ? "tcp" : "ws") as (
        | "tcp"
        | "ws"
      )[];
      const conns = await Promise.all(
        batch.map((k) => connectResp(k, k === "tcp" ? server.port : server.wsPort)),
      );
      conns.forEach((conn, j) => clients.push({ conn, kind: batch[j] }));
    }
    assertEquals(server.sessions.size, CLIENTS);

    const subscribers = clients.slice(0, SUBSCRIBERS);
    const workers = clients.slice(SUBSCRIBERS);
    await Promise.all(subscribers.map(async ({ conn }) => {
      await conn.sendCommand("SUBSCRIBE", CHANNEL);
      await expectReply(conn, `*3\r\n$9\r\nsubscribe\r\n${bulk(CHANNEL)}:1\r\n`, "SUBSCRIBE");
    }));

    const started = performance.now();
    let published = 0;
    const { promise: publishingDone, resolve: publishersFinished } = Promise.withResolvers<void>();
    const listening = subscribers.map(({ conn }) => listen(conn, publishingDone));
    const rounds = await Promise.all(workers.map(async ({ conn }, i) => {
      const id = i + SUBSCRIBERS;
      const r = await work(conn, id, started + LOAD_MS);
      if (id % PUBLISH_EVERY === 0) published += r;
      return r;
    }));
    publishersFinished();
    const received = await Promise.all(listening);
    const elapsed = performance.now() - started;
    const peak = Deno.memoryUsage();

    const spread = (kind: "tcp" | "ws") => {
      const mine = rounds.filter((_, i) => workers[i].kind === kind);
      return `${Math.min(...mine)}–${Math.max(...mine)}`;
    };
    const commands = rounds.reduce((a, r) => a + r * 8, 0) + published + workers.length;
    assert(received.every((n) => n === published), `subscribers got ${received} of ${published}`);
    console.log(
      `load: ${CLIENTS} clients (${CLIENTS / 2} TCP, ${CLIENTS / 2} WebSocket), ` +
        `${commands} commands in ${(elapsed / 1000).toFixed(1)} s ` +
        `(${Math.round(commands / (elapsed / 1000))}/s), ${published} messages × ${SUBSCRIBERS} ` +
        `subscribers delivered; rounds per worker: TCP ${spread("tcp")}, WebSocket ${spread("ws")}`,
    );
    assertEquals(server.keyspace.dbs[0].size, 0);
    console.log(
      `load: memory baseline ${MB(baseline)}, under load ${MB(peak.heapUsed + peak.external)}`,
    );
  } finally {
    await Promise.all(clients.map(({ conn }) => conn.end()));
  }
  // The server notices each close on its own; give it a bounded while.
  for (let i = 0; i < 500 && server.sessions.size > 0; i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assertEquals(server.sessions.size, 0);
  const after = await settledMemory();
  console.log(`load: memory after closing everything ${MB(after)} (baseline ${MB(baseline)})`);
  assert(after - baseline < MEMORY_SLACK, `memory grew by ${MB(after - baseline)}`);
});
