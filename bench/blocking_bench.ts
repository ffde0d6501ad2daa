/**
 * A woken BLPOP against a real redis-server, on this machine, now. PAIRS pairs of clients
 * play ping-pong through two lists: each client, once its BLPOP is served, sends one write
 * holding `LPUSH <other's list> x` and its next `BLPOP <own list> 0`. The server runs the
 * whole write before anything is sent back, so the other client is always blocked when the
 * push arrives: every BLPOP here waits and is woken by a push. Reports the server's CPU
 * (all threads, /proc) per exchange (one LPUSH plus one woken BLPOP), median of RUNS
 * interleaved runs, and the ratio respd/redis.
 *
 *   deno task bench:blocking [--runs 3] [--pairs 4] [--rounds 5000] [--server "CMD {port}"]
 *                               [--also "CMD {port}" ...]
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
    pairs: { type: "string", default: "4" },
    rounds: { type: "string", default: "5000" },
    server: { type: "string" },
    also: { type: "string", multiple: true, default: [] },
  },
});
const RUNS = Number(values.runs);
const PAIRS = Number(values.pairs);
const ROUNDS = Number(values.rounds);

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * One side of a pair: each round waits for its pop (the starter skips the first), then
 * pushes to the other's list and blocks again, in one write.
 */
async function player(c: RawClient, own: string, other: string, starter: boolean) {
  const next = join(encodeCommand(["LPUSH", other, "x"]), encodeCommand(["BLPOP", own, "0"]));
  for (let r = 0; r < ROUNDS; r++) {
    if (!starter || r > 0) await c.readReplyBytes(30_000); // woken: the pop
    await c.send(next);
    await c.readReplyBytes(30_000); // LPUSH's count
  }
}

let run = 0;

/** Runs the load; server CPU ns per exchange (a push and the woken pop). */
async function load(port: number, pid: number): Promise<number> {
  run++;
  const clients = await Promise.all(
    Array.from({ length: PAIRS * 2 }, () => RawClient.connect(port)),
  );
  try {
    const before = cpuOf(pid).total;
    await Promise.all(Array.from({ length: PAIRS }, async (_, i) => {
      const a = clients[2 * i], b = clients[2 * i + 1];
      const qa = `qa:${run}:${i}`, qb = `qb:${run}:${i}`;
      // a blocks first (its reply can only come after b's push); b starts the rally
      await a.send(encodeCommand(["BLPOP", qa, "0"]));
      await Promise.all([player(a, qa, qb, false), player(b, qb, qa, true)]);
    }));
    return (cpuOf(pid).total - before) / (PAIRS * (2 * ROUNDS - 1));
  } finally {
    for (const c of clients) c.close();
  }
}

await using servers = await startRedisAndRespd(values.server, values.also);
const targets = benchTargets(servers, values.server, values.also);
console.log(`woken BLPOP + LPUSH: ${PAIRS} pairs x ${ROUNDS} rounds, ${RUNS} runs`);
await compareInterleaved(servers.redis, targets, RUNS, "exchange", (s) => load(s.port, s.pid));
