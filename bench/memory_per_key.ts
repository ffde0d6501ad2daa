/**
 * Memory per key, respd against redis-server: both start empty on free ports, each gets
 * the same stream of SETs (`key:<i>` → a 100-byte value, 1M by default) through
 * `redis-cli --pipe`, and the growth of the process's resident memory (VmRSS), divided by
 * DBSIZE, is the cost of one key. Redis's own `used_memory` is printed beside it. RSS is
 * read 1 s after each load and again once both have been idle for `--settle` seconds.
 *
 *   deno task bench:memory [--keys 1000000] [--value-size 100] [--settle 45]
 *       [--server "deno run -A main.ts --ws-port off --save '' --port {port}"]
 */

import { parseArgs } from "node:util";
import { freePort, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    keys: { type: "string", default: "1000000" },
    settle: { type: "string", default: "45" },
    "value-size": { type: "string", default: "100" },
    server: {
      type: "string",
      default: "deno run -A main.ts --ws-port off --save '' --port {port}",
    },
  },
});
const KEYS = Number(values.keys);
const VALUE_SIZE = Number(values["value-size"]);
const SETTLE_SECONDS = Number(values.settle);

function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** Writes the SET stream to a file once, so both servers read identical bytes. */
async function writeCommands(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const value = "v".repeat(VALUE_SIZE);
  const batch: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = `key:${i}`;
    batch.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${VALUE_SIZE}\r\n${value}\r\n`);
    if (batch.length === 10000 || i === KEYS - 1) {
      const bytes = enc.encode(batch.join(""));
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      batch.length = 0;
    }
  }
  file.close();
}

async function load(port: number, path: string): Promise<void> {
  const file = await Deno.open(path);
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--pipe"],
    stdin: "piped",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await file.readable.pipeTo(child.stdin);
  const status = await child.status;
  if (!status.success) throw new Error(`redis-cli --pipe failed on port ${port}`);
}

interface Loaded {
  label: string;
  pid: number;
  keys: number;
  before: number;
  afterLoad: number;
}

async function loadAndMeasure(
  label: string,
  port: number,
  child: Deno.ChildProcess,
  path: string,
): Promise<Loaded> {
  await waitForPing(port, child, label);
  const pid = child.pid;
  const before = rssBytes(pid);
  const started = Date.now();
  await load(port, path);
  const seconds = (Date.now() - started) / 1000;
  const keys = Number(await redisCli(port, "dbsize"));
  await new Promise((r) => setTimeout(r, 1000)); // let a collector finish what it started
  const afterLoad = rssBytes(pid);
  console.log(
    `${label.padEnd(6)} keys ${keys}  rss ${mib(before)} → ${mib(afterLoad)} MiB 1 s after ` +
      `the load: ${perKey(afterLoad - before, keys)} bytes/key  (${seconds.toFixed(1)}s to load)`,
  );
  return { label, pid, keys, before, afterLoad };
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const perKey = (bytes: number, keys: number) => (bytes / keys).toFixed(0);

const dir = await Deno.makeTempDir({ prefix: "respd-memory-" });
const path = `${dir}/sets.resp`;
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
  await writeCommands(path);
  console.log(`# ${KEYS} SETs of ${VALUE_SIZE}-byte values to each server`);
  const r = await loadAndMeasure("redis", redisPort, redis, path);
  const usedMemory = /used_memory:(\d+)/.exec(await redisCli(redisPort, "info", "memory"))?.[1];
  console.log(`# redis used_memory ${usedMemory} (${(Number(usedMemory) / KEYS).toFixed(0)}/key)`);
  const s = await loadAndMeasure("respd", serverPort, server, path);
  console.log(
    `memory-per-key respd/redis, 1 s after the load: ` +
      `${((s.afterLoad - s.before) / (r.afterLoad - r.before)).toFixed(2)}`,
  );
  // V8 gives back the heap it grew for the load (young generation, old-space slack) only
  // after ~20-30 s of quiet (its memory reducer); Redis's RSS does not move. Both are read
  // again once settled, the figure a server that is not being loaded holds.
  console.log(`# both idle for ${SETTLE_SECONDS} s`);
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
  const settled = [r, s].map((m) => {
    const now = rssBytes(m.pid);
    console.log(
      `${m.label.padEnd(6)} settled: rss ${mib(now)} MiB, ${
        perKey(now - m.before, m.keys)
      } bytes/key`,
    );
    return now - m.before;
  });
  console.log(`memory-per-key respd/redis, settled: ${(settled[1] / settled[0]).toFixed(2)}`);
} finally {
  for (const child of [server, redis]) {
    try {
      child.kill("SIGTERM");
    } catch {
      // already exited
    }
  }
  await Promise.all([server.status, redis.status]);
  await Deno.remove(dir, { recursive: true });
}
