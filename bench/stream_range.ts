/**
 * XRANGE of 100 entries, respd against redis-server: both get the same stream (1000
 * entries of 3 fields, explicit ids), then redis-benchmark runs `XRANGE s <from> + COUNT 100`
 * against each, interleaved (redis, respd, redis, ...), at P=1 and P=16. Prints the median
 * ops/s of each, their ratio, and the CPU each server spent per request.
 *
 *   deno run -A bench/stream_range.ts [--runs 3] [--requests 50000]
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    requests: { type: "string", default: "50000" },
    server: { type: "string", default: "deno run -A main.ts --ws-port off --port {port}" },
  },
});
const RUNS = Number(values.runs);
const REQUESTS = Number(values.requests);
const COMMAND = ["XRANGE", "s", "200-0", "+", "COUNT", "100"];

async function populate(port: number): Promise<void> {
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--pipe"],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const lines: string[] = [];
  for (let i = 1; i <= 1000; i++) {
    const args = ["XADD", "s", `${i}-0`, "user", `user:${i}`, "action", "view", "path", `/p/${i}`];
    lines.push(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`);
  }
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(lines.join("")));
  await w.close();
  if (!(await child.status).success) throw new Error("populate failed");
}

async function bench(port: number, pid: number, pipe: number) {
  const before = cpuOf(pid).total;
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      ...["-h", "127.0.0.1", "-p", String(port), "--csv", "-c", "50"],
      ...["-n", String(REQUESTS), "-P", String(pipe), ...COMMAND],
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const cpu = cpuOf(pid).total - before;
  const row = new TextDecoder().decode(out.stdout).split("\n")[1] ?? "";
  return { ops: Number(row.split('","')[1]), cpuPerRequest: cpu / REQUESTS };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const redisPort = freePort(), serverPort = freePort();
const redis = new Deno.Command("redis-server", {
  args: ["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
  stdout: "null",
  stderr: "null",
}).spawn();
const server = new Deno.Command("bash", {
  args: ["-c", `exec ${values.server.replaceAll("{port}", String(serverPort))}`],
  stdout: "null",
  stderr: "null",
}).spawn();
try {
  await waitForPing(redisPort, redis, "redis");
  await waitForPing(serverPort, server, "respd");
  await populate(redisPort);
  await populate(serverPort);
  const check = await Promise.all([redisPort, serverPort].map((p) => redisCli(p, ...COMMAND)));
  if (check[0] !== check[1]) throw new Error("the two servers answer XRANGE differently");
  console.log(`# ${COMMAND.join(" ")}: ${RUNS} rounds of ${REQUESTS} requests, 50 clients`);
  for (const pipe of [1, 16]) {
    const r = { ops: [] as number[], cpu: [] as number[] };
    const s = { ops: [] as number[], cpu: [] as number[] };
    for (let i = 0; i < RUNS; i++) {
      for (
        const [port, pid, into] of [[redisPort, redis.pid, r], [serverPort, server.pid, s]] as const
      ) {
        const m = await bench(port, pid, pipe);
        into.ops.push(m.ops);
        into.cpu.push(m.cpuPerRequest);
      }
    }
    const [ro, so] = [median(r.ops), median(s.ops)];
    const [rc, sc] = [median(r.cpu), median(s.cpu)];
    console.log(
      `P=${pipe}: redis ${ro.toFixed(0)} ops/s, respd ${so.toFixed(0)} ops/s, ratio ${
        (so / ro).toFixed(2)
      }; cpu/request redis ${(rc / 1000).toFixed(1)} µs, respd ${(sc / 1000).toFixed(1)} µs (${
        (sc / rc).toFixed(2)
      }×)`,
    );
  }
} finally {
  for (const child of [server, redis]) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
  }
  await Promise.all([server.status, redis.status]);
}
