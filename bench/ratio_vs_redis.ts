/**
 * respd against a real redis-server, on this machine, now: starts both on free loopback
 * ports, runs the redis-benchmark matrix against them interleaved (redis, respd, redis, …
 * so that background load hits both alike), and prints per test the median ops/s of each
 * and their ratio, then per pipeline depth the CPU each server process spent per request
 * (all its threads, from /proc; split into user and system time), and a last line
 * `ratio-min: X`, the lowest ops/s ratio. On a small shared machine CPU per request is the
 * steadier figure: the client and the kernel take most of the time, and other work
 * steals it unevenly.
 *
 *   deno task bench:ratio [--runs 3] [--n1 200000] [--n16 200000] [--clients 50]
 *                         [--tests ping,set,get,incr,lpush,mset] [--pipes 1,16]
 *                         [--server "deno run -A main.ts --ws-port off --save '' --port {port}"]
 *
 * `--server` runs any command that listens on `{port}`, so other builds can be compared.
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, median, redisBenchmarkCsv, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    n1: { type: "string", default: "200000" },
    n16: { type: "string", default: "200000" },
    clients: { type: "string", default: "50" },
    tests: { type: "string", default: "ping,set,get,incr,lpush,mset" },
    pipes: { type: "string", default: "1,16" },
    server: {
      type: "string",
      default: "deno run -A main.ts --ws-port off --save '' --port {port}",
    },
  },
});

const RUNS = Number(values.runs);
const PIPES = values.pipes.split(",").map(Number);
const CLIENTS = Number(values.clients);
const requestsFor = (p: number) => Number(p === 1 ? values.n1 : values.n16);

/** One redis-benchmark pass: ops/s per test. */
function benchmark(port: number, pipe: number): Promise<Map<string, number>> {
  return redisBenchmarkCsv([
    ...["-p", String(port), "-t", values.tests, "-n", String(requestsFor(pipe))],
    ...["-c", String(CLIENTS), "-P", String(pipe)],
  ]);
}

interface Target {
  label: string;
  port: number;
  pid: number;
  ops: Map<string, number[]>; // "TEST P" → ops/s per run
  cpu: Map<number, { total: number; user: number; sys: number }[]>; // P → ns/request per run
}

async function measure(target: Target, pipe: number): Promise<void> {
  const before = cpuOf(target.pid);
  const rows = await benchmark(target.port, pipe);
  const after = cpuOf(target.pid);
  const requests = rows.size * requestsFor(pipe);
  for (const [test, ops] of rows) {
    const key = `${test} ${pipe}`;
    target.ops.set(key, [...(target.ops.get(key) ?? []), ops]);
  }
  const perRequest = {
    total: (after.total - before.total) / requests,
    user: (after.user - before.user) / requests,
    sys: (after.sys - before.sys) / requests,
  };
  target.cpu.set(pipe, [...(target.cpu.get(pipe) ?? []), perRequest]);
}

const redisPort = freePort();
const serverPort = freePort();
const redisChild = new Deno.Command("redis-server", {
  args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  stdout: "null",
  stderr: "null",
}).spawn();
const serverCommand = values.server.replaceAll("{port}", String(serverPort));
const serverChild = new Deno.Command("bash", {
  args: ["-c", `exec ${serverCommand}`],
  stdout: "null",
  stderr: "piped",
}).spawn();
const serverLog = serverChild.stderr.pipeTo(new WritableStream());

try {
  await waitForPing(redisPort, redisChild, "redis-server");
  await waitForPing(serverPort, serverChild, "respd");
  const redis: Target = {
    label: "redis",
    port: redisPort,
    pid: redisChild.pid,
    ops: new Map(),
    cpu: new Map(),
  };
  const respd: Target = {
    label: "respd",
    port: serverPort,
    pid: serverChild.pid,
    ops: new Map(),
    cpu: new Map(),
  };
  console.log(
    `# redis-server 127.0.0.1:${redisPort}, respd 127.0.0.1:${serverPort} (${serverCommand})`,
  );
  console.log(
    `# runs=${RUNS} n1=${values.n1} n16=${values.n16} c=${CLIENTS} tests=${values.tests}`,
  );
  const started = Date.now();
  for (let run = 1; run <= RUNS; run++) {
    for (const pipe of PIPES) {
      await measure(redis, pipe);
      await measure(respd, pipe);
    }
    console.log(`# round ${run} done (${Math.round((Date.now() - started) / 1000)}s)`);
  }

  const tests = [...new Set([...redis.ops.keys()].map((k) => k.split(" ")[0]))];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    "test".padEnd(12) + PIPES.map((p) =>
      pad(`redis P=${p}`, 12) + pad(`respd P=${p}`, 12) +
      pad("ratio", 7)
    ).join(""),
  );
  let ratioMin = Infinity;
  for (const test of tests) {
    let line = test.padEnd(12);
    for (const pipe of PIPES) {
      const r = median(redis.ops.get(`${test} ${pipe}`) ?? [0]);
      const s = median(respd.ops.get(`${test} ${pipe}`) ?? [0]);
      const ratio = r > 0 ? s / r : 0;
      ratioMin = Math.min(ratioMin, ratio);
      line += pad(Math.round(r), 12) + pad(Math.round(s), 12) + pad(ratio.toFixed(2), 7);
    }
    console.log(line);
  }
  for (const pipe of PIPES) {
    const pick = (t: Target, k: "total" | "user" | "sys") =>
      Math.round(median(t.cpu.get(pipe)!.map((c) => c[k])));
    const r = pick(redis, "total"), s = pick(respd, "total");
    console.log(
      `cpu-ns/req P=${String(pipe).padEnd(3)} redis ${pad(r, 6)} (user ${pick(redis, "user")}` +
        ` sys ${pick(redis, "sys")})  respd ${pad(s, 6)} (user ${pick(respd, "user")}` +
        ` sys ${pick(respd, "sys")})  respd/redis ${(s / r).toFixed(2)}`,
    );
  }
  console.log(`ratio-min: ${ratioMin.toFixed(2)}`);
} finally {
  for (const child of [serverChild, redisChild]) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
  }
  await Promise.all([serverChild.status, redisChild.status, serverLog]);
}
