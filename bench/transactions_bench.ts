/**
 * MULTI/EXEC against a real redis-server, on this machine, now: starts both on free loopback
 * ports; CLIENTS connections each run ROUNDS transactions of three commands, every
 * transaction sent as one write (MULTI, SET, INCR, GET, EXEC) and its five replies awaited
 * before the next. Reports, per server and interleaved over RUNS runs, the server's CPU per
 * transaction (all threads, from /proc) and the ratio respd/redis; the client's own time is
 * not counted. For scale, the same five round trips' worth of work without a transaction
 * (PING, SET, INCR, GET, PING in one write) is measured alike.
 *
 *   deno task bench:tx [--runs 3] [--clients 8] [--rounds 5000] [--server "CMD {port}"]
 *                         [--also "CMD {port}" ...]
 *
 * `--server` runs another command in respd's place; each `--also` is one more server measured
 * in the same interleaved runs, e.g. this bench's floor (bench/floor_canned_server.ts), to tell
 * the runtime's cost from respd's in this exact bench.
 */

import { parseArgs } from "node:util";
import { benchTargets, compareInterleaved, cpuOf, startRedisAndRespd } from "./processes.ts";
import { RawClient } from "../tests/support/raw_client.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    clients: { type: "string", default: "8" },
    rounds: { type: "string", default: "5000" },
    server: { type: "string" },
    also: { type: "string", multiple: true, default: [] },
  },
});
const RUNS = Number(values.runs);
const CLIENTS = Number(values.clients);
const ROUNDS = Number(values.rounds);

function batch(i: number, multi: boolean): Uint8Array {
  const parts = [
    [multi ? "MULTI" : "PING"],
    ["SET", `key:${i}`, "value"],
    ["INCR", `counter:${i}`],
    ["GET", `key:${i}`],
    [multi ? "EXEC" : "PING"],
  ].map((c) => encodeCommand(c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs the load; server CPU ns per batch of five commands. */
async function load(port: number, pid: number, multi: boolean): Promise<number> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, () => RawClient.connect(port)),
  );
  try {
    const payloads = clients.map((_, i) => batch(i, multi));
    const before = cpuOf(pid).total;
    await Promise.all(clients.map(async (c, i) => {
      for (let r = 0; r < ROUNDS; r++) {
        await c.send(payloads[i]);
        for (let k = 0; k < 5; k++) await c.readReplyBytes(10_000);
      }
    }));
    return (cpuOf(pid).total - before) / (CLIENTS * ROUNDS);
  } finally {
    for (const c of clients) c.close();
  }
}

await using servers = await startRedisAndRespd(values.server, values.also);
const targets = benchTargets(servers, values.server, values.also);
for (const multi of [true, false]) {
  console.log(
    multi
      ? `MULTI, SET, INCR, GET, EXEC: ${CLIENTS} clients x ${ROUNDS} transactions, ${RUNS} runs`
      : `PING, SET, INCR, GET, PING (no transaction), likewise`,
  );
  await compareInterleaved(
    servers.redis,
    targets,
    RUNS,
    "batch",
    (s) => load(s.port, s.pid, multi),
  );
}
