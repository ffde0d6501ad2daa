/**
 * Fair service (issue #20), bounded: 200 clients connect to a child respd and then each
 * runs 50 requests one at a time (GET and SET of 100-byte values) while a few others
 * pipeline 64 requests per batch. Every client must finish, and no request may wait 1 s or
 * more (the issue's floor), however busy the others keep the server. The latency figures
 * against Redis are `deno task bench:latency`'s job; this only guards against starvation.
 *
 * Not in CI yet: respd does not meet it (slowest request 0.9–1.1 s on a loaded 2-core
 * host, issue #20 open), and a red test would block everyone. Run it with
 * RESPD_FAIRNESS=1 deno test -A tests/fairness_test.ts.
 */

import { assert } from "./support/assert.ts";
import { ChildServer } from "./support/child_server.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";

const CLIENTS = 200;
const REQUESTS = 50;
const PIPELINERS = 4;
const WAIT_BOUND_MS = 1000;

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

Deno.test({
  name: "200 clients are all served, none waits a second, while others pipeline",
  ignore: Deno.env.get("RESPD_FAIRNESS") !== "1",
}, async () => {
  await using respd = await ChildServer.start(["--ws-port", "off"]);
  const conns: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < CLIENTS + PIPELINERS; i++) {
      conns.push(await Deno.connect({ hostname: "127.0.0.1", port: respd.port }));
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
    const started = performance.now();
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
    console.log(
      `${CLIENTS} clients × ${REQUESTS} requests beside ${PIPELINERS} pipeliners in ` +
        `${(performance.now() - started).toFixed(0)} ms; slowest request ${worst.toFixed(1)} ms`,
    );
    assert(worst < WAIT_BOUND_MS, `a request waited ${worst.toFixed(0)} ms`);
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // closed already
      }
    }
  }
});
