/**
 * Scripting against a real redis-server, on this machine, now: starts both on free loopback
 * ports and measures, interleaved (redis, respd, redis, …):
 *
 *   - EVALSHA of `redis.call('INCR', KEYS[1])` and of a script making 5 calls, under
 *     redis-benchmark at P=1 and P=16: median ops/s of each, their ratio, and the CPU each
 *     server spent per script (all threads, from /proc);
 *   - script load/compile cost: SCRIPT LOAD of distinct small scripts, µs per script,
 *     server CPU included (client time excluded: one pipelined redis-cli --pipe batch);
 *   - memory per cached script: RSS growth after loading them, divided by their count.
 *
 *   deno task bench:scripting [--runs 3] [--n 100000] [--clients 50] [--scripts 10000]
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, median, redisBenchmarkCsv, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    n: { type: "string", default: "100000" },
    clients: { type: "string", default: "50" },
    scripts: { type: "string", default: "10000" },
  },
});
const RUNS = Number(values.runs);
const N = Number(values.n);
const CLIENTS = Number(values.clients);
const SCRIPTS = Number(values.scripts);

const INCR = "return redis.call('INCR', KEYS[1])";
const FIVE = "redis.call('INCR', KEYS[1]) redis.call('GET', KEYS[1]) " +
  "redis.call('SET', KEYS[2], ARGV[1]) redis.call('GET', KEYS[2]) " +
  "return redis.call('INCR', KEYS[1])";

/** Ops/s of the one command `args` names (redis-benchmark's single row). */
async function benchmark(port: number, pipe: number, args: string[]): Promise<number> {
  const rows = await redisBenchmarkCsv([
    ...["-p", String(port), "-n", String(N), "-c", String(CLIENTS), "-P", String(pipe)],
    ...args,
  ]);
  return rows.values().next().value ?? NaN;
}

function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
}

/** Sends `lines` of RESP through `redis-cli --pipe` (one connection, pipelined). */
async function pipe(port: number, payload: string): Promise<void> {
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--pipe"],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(payload));
  await w.close();
  await child.status;
}

function resp(...args: string[]): string {
  return `*${args.length}\r\n` +
    args.map((a) => `$${new TextEncoder().encode(a).length}\r\n${a}\r\n`).join("");
}

const redisPort = freePort();
const respdPort = freePort();
const redisChild = new Deno.Command("redis-server", {
  args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  stdout: "null",
  stderr: "null",
}).spawn();
const respdChild = new Deno.Command("deno", {
  args: ["run", "-A", "main.ts", "--ws-port", "off", "--port", String(respdPort)],
  stdout: "null",
  stderr: "null",
}).spawn();

try {
  await waitForPing(redisPort, redisChild, "redis-server");
  await waitForPing(respdPort, respdChild, "respd");
  const targets = [
    { label: "redis", port: redisPort, pid: redisChild.pid },
    { label: "respd", port: respdPort, pid: respdChild.pid },
  ];
  const shas: Record<string, string> = {};
  for (const t of targets) {
    shas.incr = await redisCli(t.port, "SCRIPT", "LOAD", INCR);
    shas.five = await redisCli(t.port, "SCRIPT", "LOAD", FIVE);
  }
  const cases: [string, string[]][] = [
    ["EVALSHA incr", ["EVALSHA", shas.incr, "1", "counter"]],
    ["EVALSHA 5 calls", ["EVALSHA", shas.five, "2", "counter", "other", "value"]],
  ];
  console.log(`# redis 127.0.0.1:${redisPort}, respd 127.0.0.1:${respdPort}`);
  console.log(`# runs=${RUNS} n=${N} c=${CLIENTS}`);
  const ops = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const p of [1, 16]) {
      for (const [name, args] of cases) {
        for (const t of targets) {
          const before = cpuOf(t.pid).total;
          const o = await benchmark(t.port, p, args);
          const spent = cpuOf(t.pid).total - before;
          const key = `${name} P=${p} ${t.label}`;
          ops.set(key, [...(ops.get(key) ?? []), o]);
          cpu.set(key, [...(cpu.get(key) ?? []), spent / N]);
        }
      }
    }
  }
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  console.log(
    "case".padEnd(22) + pad("redis ops/s", 13) + pad("respd ops/s", 13) + pad("ratio", 7) +
      pad("redis ns/op", 13) + pad("respd ns/op", 13) + pad("cpu ratio", 10),
  );
  for (const p of [1, 16]) {
    for (const [name] of cases) {
      const r = median(ops.get(`${name} P=${p} redis`)!);
      const s = median(ops.get(`${name} P=${p} respd`)!);
      const rc = median(cpu.get(`${name} P=${p} redis`)!);
      const sc = median(cpu.get(`${name} P=${p} respd`)!);
      console.log(
        `${name} P=${p}`.padEnd(22) + pad(Math.round(r), 13) + pad(Math.round(s), 13) +
          pad((s / r).toFixed(2), 7) + pad(Math.round(rc), 13) + pad(Math.round(sc), 13) +
          pad((sc / rc).toFixed(2), 10),
      );
    }
  }

  // Compile cost and memory per cached script: SCRIPT LOAD of distinct scripts.
  let payload = "";
  for (let i = 0; i < SCRIPTS; i++) payload += resp("SCRIPT", "LOAD", `${FIVE} -- ${i}`);
  for (const t of targets) {
    await redisCli(t.port, "SCRIPT", "FLUSH");
    await new Promise((r) => setTimeout(r, 500));
    const rss0 = rssBytes(t.pid);
    const cpu0 = cpuOf(t.pid).total;
    await pipe(t.port, payload);
    const spent = cpuOf(t.pid).total - cpu0;
    await new Promise((r) => setTimeout(r, 500));
    const rss1 = rssBytes(t.pid);
    console.log(
      `${t.label}: SCRIPT LOAD of ${SCRIPTS} distinct ${FIVE.length + 8}-byte scripts: ` +
        `${(spent / SCRIPTS / 1000).toFixed(1)} µs server CPU each, RSS +${
          ((rss1 - rss0) / SCRIPTS).toFixed(0)
        } B per script`,
    );
  }
} finally {
  for (const child of [respdChild, redisChild]) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
  }
  await Promise.all([respdChild.status, redisChild.status]);
}
