/**
 * Latency under many clients (issue #20): redis-benchmark against a real redis-server and
 * respd in one run, interleaved (the order alternates per round), at each client count,
 * test and pipeline depth. Prints p50 / p99 / p99.9 / max in ms for both and respd's p99
 * ratio, and flags any request that waited 1 s or more. redis-benchmark's histogram stops
 * at 3 s, so a max of 3000.3 ms means "3 s or more".
 *
 *   deno task bench:latency [--clients 50,500,1000] [--tests get,set] [--pipelines 1,16]
 *       [--requests 100000] [--rounds 1]
 *       [--server "deno run -A main.ts --port {port} --ws-port off --save ''"]
 *
 * TCP only: redis-benchmark has no WebSocket mode (bench:ws measures WebSocket load).
 */

import { parseArgs } from "node:util";
import { freePort, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "50,500,1000" },
    tests: { type: "string", default: "get,set" },
    pipelines: { type: "string", default: "1,16" },
    requests: { type: "string", default: "100000" },
    rounds: { type: "string", default: "1" },
    server: { type: "string", default: "deno run -A main.ts --port {port} --ws-port off --save" },
  },
});
const list = (s: string) => s.split(",").map((x) => x.trim()).filter((x) => x !== "");

interface Latency {
  rps: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

/** Parses redis-benchmark's percentile distribution and summary (non-CSV output). */
function parse(out: string): Latency {
  const text = out.replaceAll("\r", "\n");
  const summary =
    /avg\s+min\s+p50\s+p95\s+p99\s+max\s*\n\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)/
      .exec(text);
  const rps = /throughput summary: ([\d.]+) requests per second/.exec(text);
  if (!summary || !rps) throw new Error(`unexpected redis-benchmark output:\n${text.slice(-2000)}`);
  let p999 = Number(summary[6]);
  for (const m of text.matchAll(/^([\d.]+)% <= ([\d.]+) milliseconds/gm)) {
    if (Number(m[1]) >= 99.9) {
      p999 = Number(m[2]);
      break;
    }
  }
  return {
    rps: Number(rps[1]),
    p50: Number(summary[3]),
    p99: Number(summary[5]),
    p999,
    max: Number(summary[6]),
  };
}

async function benchmark(
  port: number,
  test: string,
  clients: number,
  pipeline: number,
): Promise<Latency> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-c",
      String(clients),
      "-n",
      values.requests,
      "-t",
      test,
      "-r",
      "100000",
      "-d",
      "100",
      "-P",
      String(pipeline),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return parse(new TextDecoder().decode(out.stdout));
}

function start(command: string[], port: number, name: string) {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    stdout: "null",
    stderr: "null",
  }).spawn();
  return { child, port, name, ready: waitForPing(port, child, name) };
}

const redisPort = freePort();
const respdPort = freePort();
const redis = start(
  [
    "redis-server",
    "--port",
    String(redisPort),
    "--save",
    "",
    "--appendonly",
    "no",
  ],
  redisPort,
  "redis-server",
);
const respdCommand = values.server.replace("{port}", String(respdPort)).split(" ");
if (respdCommand.at(-1) === "--save") respdCommand.push("");
const respd = start(respdCommand, respdPort, "respd");
try {
  await Promise.all([redis.ready, respd.ready]);
  const f = (x: number) => x.toFixed(2).padStart(8);
  console.log(`# ${values.requests} requests per run, -r 100000 -d 100; latency in ms`);
  console.log(
    "clients test  P   redis p50      p99    p99.9      max |  respd p50      p99    p99.9      max | p99 ratio",
  );
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const clients of list(values.clients).map(Number)) {
      for (const test of list(values.tests)) {
        for (const pipeline of list(values.pipelines).map(Number)) {
          const order = round % 2 === 0 ? [redis, respd] : [respd, redis];
          const got = new Map<string, Latency>();
          for (const server of order) {
            got.set(server.name, await benchmark(server.port, test, clients, pipeline));
          }
          const r = got.get("redis-server")!;
          const s = got.get("respd")!;
          console.log(
            `${String(clients).padStart(7)} ${test.padEnd(4)} ${String(pipeline).padStart(2)} ` +
              `${f(r.p50)} ${f(r.p99)} ${f(r.p999)} ${f(r.max)} | ${f(s.p50)} ${f(s.p99)} ${
                f(s.p999)
              } ` +
              `${f(s.max)} | ${(s.p99 / r.p99).toFixed(2).padStart(6)}${
                s.max >= 1000 ? "  respd waited ≥ 1 s" : ""
              }`,
          );
        }
      }
    }
  }
} finally {
  for (const s of [redis, respd]) {
    try {
      s.child.kill("SIGKILL");
    } catch {
      // already exited
    }
    await s.child.status;
  }
}
