/**
 * Fair service (issue #20).
 *
 * In CI, structural and timing-free: a client whose requests are all buffered already (a
 * long pipeline, a WebSocket carrying many frames) must not hold the server until its
 * pipeline is done. A session reading such a stream never waits for I/O, so before the
 * per-turn budget (session.ts, turns.ts) it served 2.4 MB of INCRs in one chain of
 * microtasks and a request that arrived meanwhile was answered after all of them. Here the
 * light client's request arrives in the first macrotask after the heavy client's first
 * reply, and its INCR must count only a few budgets' worth of the heavy client's INCRs;
 * so must a request arriving over TCP, which only the I/O driver can see (turns.ts).
 *
 * The timed form (200 clients one request at a time beside 4 pipeliners, respd against a
 * real redis-server on the same host) is opt-in, as a loaded 2-core host decides its
 * figures: RESPD_FAIRNESS=1 deno test -A tests/fairness_test.ts.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { ChildServer } from "./support/child_server.ts";
import { startRedis } from "./support/servers.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { messageStream } from "../src/protocol/message_stream.ts";
import { Server } from "../src/server.ts";
import { TURN_BUDGET_BYTES } from "../src/session.ts";
import type { Transport } from "../src/transport/transport.ts";

const decoder = new TextDecoder();

/** An in-memory transport: `push` delivers request bytes, `replies` collects each write. */
function memoryTransport(onWrite: (text: string) => void = () => {}) {
  const stream = messageStream();
  const writes: string[] = [];
  const transport: Transport = {
    kind: "ws",
    readable: stream.readable,
    write(bytes: Uint8Array): Promise<void> {
      const text = decoder.decode(bytes);
      writes.push(text);
      onWrite(text);
      return Promise.resolve();
    },
    close: () => stream.end(),
    abort: () => stream.end(),
    closed: Promise.resolve(),
    remoteAddress: "memory:1",
    localAddress: "memory:2",
  };
  return { transport, stream, writes };
}

/** Integer replies (`:n\r\n`) in a reply text. */
function integers(text: string): number[] {
  return [...text.matchAll(/:(\d+)\r\n/g)].map((m) => Number(m[1]));
}

Deno.test("a client with a long buffered pipeline yields to a request that arrives meanwhile", async () => {
  await using server = new Server({ wsPort: null });
  const INCR = encodeCommand(["INCR", "h"]);
  const HEAVY = 100_000; // 2.4 MB of requests, buffered before the session reads any
  const pipeline = new Uint8Array(INCR.length * HEAVY);
  for (let i = 0; i < HEAVY; i++) pipeline.set(INCR, i * INCR.length);

  const light = memoryTransport();
  let lightSent = false;
  const heavy = memoryTransport(() => {
    if (lightSent) return;
    lightSent = true;
    // A request arriving from outside, as a socket's bytes do: in a macrotask.
    setTimeout(() => light.stream.push(INCR), 0);
  });
  heavy.stream.push(pipeline);
  server.accept(light.transport);
  server.accept(heavy.transport);

  const lightReply = Promise.withResolvers<number>();
  const poll = setInterval(() => {
    const got = integers(light.writes.join(""));
    if (got.length > 0) lightReply.resolve(got[0]);
  }, 5);
  let before: number;
  try {
    before = await lightReply.promise - 1;
  } finally {
    clearInterval(poll);
  }
  // The heavy client's pipeline is still being served: let it finish.
  while (integers(heavy.writes.join("")).length < HEAVY) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  const perTurn = Math.ceil(TURN_BUDGET_BYTES / INCR.length);
  console.log(
    `light INCR answered after ${before} of ${HEAVY} heavy INCRs (budget: ${perTurn} per turn); ` +
      `heavy replies in ${heavy.writes.length} writes`,
  );
  assert(before < HEAVY / 10, `the light client waited for ${before} of ${HEAVY} requests`);
  // Each turn's replies still leave in one write, and a turn serves at most the budget.
  const perWrite = heavy.writes.map((w) => integers(w).length);
  assertEquals(perWrite.reduce((a, b) => a + b, 0), HEAVY);
  assert(Math.max(...perWrite) <= perTurn, `a write held ${Math.max(...perWrite)} replies`);
  light.stream.end();
  heavy.stream.end();
});

Deno.test("a TCP request is read within a few turns while a buffered pipeline is served", async () => {
  // The heavy client's bytes are all in JavaScript already, so serving it never waits for
  // I/O: each turn ends on an immediate, and Deno's I/O driver would look at the sockets
  // only every 61st turn of such a chain (turns.ts). The TCP client's request must be read
  // within a few turns all the same.
  await using server = new Server({ port: 0, wsPort: null, bind: "127.0.0.1" });
  server.listen();
  const INCR = encodeCommand(["INCR", "h"]);
  const HEAVY = 400_000;
  const pipeline = new Uint8Array(INCR.length * HEAVY);
  for (let i = 0; i < HEAVY; i++) pipeline.set(INCR, i * INCR.length);
  const firstReply = Promise.withResolvers<void>();
  const heavy = memoryTransport(() => firstReply.resolve());
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
  try {
    heavy.stream.push(pipeline);
    server.accept(heavy.transport);
    await firstReply.promise;
    await conn.write(INCR);
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    const before = integers(decoder.decode(buf.subarray(0, n ?? 0)))[0] - 1;
    const turns = heavy.writes.length;
    while (integers(heavy.writes.at(-1) ?? "").at(-1) !== HEAVY + 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    console.log(`the TCP INCR was read after ${turns} turns (${before} of ${HEAVY} heavy INCRs)`);
    // Measured: 4–8 turns, once 31 on a loaded host; 117–118 when every turn ended on an
    // immediate (the driver's 61-turn interval, twice: the request's write, then its read).
    const perTurn = Math.ceil(TURN_BUDGET_BYTES / INCR.length);
    assert(before < 48 * perTurn, `the TCP request waited for ${before} of ${HEAVY} requests`);
  } finally {
    conn.close();
    heavy.stream.end();
  }
});

const CLIENTS = 200;
const REQUESTS = 50;
const PIPELINERS = 4;

/** Reads until `count` replies (lines starting +, $ with its body, or :) have arrived. */
async function readReplies(conn: Deno.Conn, count: number, buf: Uint8Array): Promise<void> {
  let seen = 0;
  let pending = "";
  while (seen < count) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("the server closed the connection");
    pending += String.fromCharCode(...buf.subarray(0, n));
    for (;;) {
      if (pending.startsWith("$")) {
        const eol = pending.indexOf("\r\n");
        if (eol < 0) break;
        const len = Number(pending.slice(1, eol));
        const total = len < 0 ? eol + 2 : eol + 2 + len + 2;
        if (pending.length < total) break;
        pending = pending.slice(total);
      } else {
        const eol = pending.indexOf("\r\n");
        if (eol < 0) break;
        pending = pending.slice(eol + 2);
      }
      seen++;
    }
  }
}

/** 200 clients × 50 requests one at a time beside 4 pipeliners; the slowest request in ms. */
async function slowestRequest(port: number): Promise<number> {
  const conns: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < CLIENTS + PIPELINERS; i++) {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
    }
    const value = "v".repeat(100);
    let stop = false;
    const pipeliners = conns.slice(CLIENTS).map(async (conn, i) => {
      const batch = new Uint8Array(
        Array.from({ length: 64 }, (_, j) => [...encodeCommand(["SET", `p${i}:${j}`, value])])
          .flat(),
      );
      const buf = new Uint8Array(64 * 1024);
      while (!stop) {
        await conn.write(batch);
        await readReplies(conn, 64, buf);
      }
    });
    let worst = 0;
    await Promise.all(
      conns.slice(0, CLIENTS).map(async (conn, i) => {
        const buf = new Uint8Array(4096);
        for (let r = 0; r < REQUESTS; r++) {
          const key = `k${(i * REQUESTS + r) % 1000}`;
          const request = r % 2 === 0
            ? encodeCommand(["SET", key, value])
            : encodeCommand(["GET", key]);
          const t0 = performance.now();
          await conn.write(request);
          await readReplies(conn, 1, buf);
          worst = Math.max(worst, performance.now() - t0);
        }
      }),
    );
    stop = true;
    await Promise.all(pipeliners);
    return worst;
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // closed already
      }
    }
  }
}

Deno.test({
  name: "200 clients beside 4 pipeliners: respd's slowest request against redis-server's",
  ignore: Deno.env.get("RESPD_FAIRNESS") !== "1",
}, async () => {
  await using redis = await startRedis();
  await using respd = await ChildServer.start(["--ws-port", "off"]);
  const redisWorst = await slowestRequest(redis.port);
  const respdWorst = await slowestRequest(respd.port);
  console.log(
    `slowest request: redis-server ${redisWorst.toFixed(1)} ms, respd ${respdWorst.toFixed(1)} ms`,
  );
  assert(respdWorst < 1000, `a request waited ${respdWorst.toFixed(0)} ms`);
  assert(
    respdWorst < Math.max(3 * redisWorst, 100),
    `respd's slowest ${respdWorst.toFixed(0)} ms against redis-server's ${redisWorst.toFixed(0)}`,
  );
});
