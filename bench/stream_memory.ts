/**
 * Memory per stream entry, respd against redis-server: both start empty on free ports,
 * each gets the same XADDs (1M entries of 3 fields by default, ids from `*`) through
 * `redis-cli --pipe`, and the growth of the process's resident memory (VmRSS), divided by
 * XLEN, is the cost of one entry. Redis's own `used_memory` is printed beside it. RSS is
 * read 1 s after each load and again once both have been idle for `--settle` seconds (V8
 * returns the heap it grew for the load only after a quiet spell).
 *
 *   deno run -A bench/stream_memory.ts [--entries 1000000] [--settle 30]
 */

import { parseArgs } from "node:util";
import { freePort, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    entries: { type: "string", default: "1000000" },
    settle: { type: "string", default: "30" },
    server: {
      type: "string",
      default: "deno run -A main.ts --ws-port off --save '' --port {port}",
    },
  },
});
const ENTRIES = Number(values.entries);
const SETTLE_SECONDS = Number(values.settle);

function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

function bulk(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** The XADD stream, written once so both servers read identical bytes. */
async function writeCommands(path: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const batch: string[] = [];
  for (let i = 0; i < ENTRIES; i++) {
    const args = [
      "XADD",
      "events",
      "*",
      "user",
      `user:${i % 5000}`,
      "action",
      ["view", "click", "buy"][i % 3],
      "path",
      `/page/${i % 97}`,
    ];
    batch.push(`*${args.length}\r\n${args.map(bulk).join("")}`);
    if (batch.length === 10000 || i === ENTRIES - 1) {
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
  if (!(await child.status).success) throw new Error(`redis-cli --pipe failed on port ${port}`);
}

interface Loaded {
  label: string;
  pid: number;
  entries: number;
  before: number;
  afterLoad: number;
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const per = (bytes: number, n: number) => (bytes / n).toFixed(1);

async function loadAndMeasure(
  label: string,
  port: number,
  child: Deno.ChildProcess,
  path: string,
): Promise<Loaded> {
  await waitForPing(port, child, label);
  const before = rssBytes(child.pid);
  const started = Date.now();
  await load(port, path);
  const seconds = (Date.now() - started) / 1000;
  const entries = Number(await redisCli(port, "xlen", "events"));
  await new Promise((r) => setTimeout(r, 1000));
  const afterLoad = rssBytes(child.pid);
  console.log(
    `${label.padEnd(6)} entries ${entries}  rss ${mib(before)} → ${mib(afterLoad)} MiB 1 s after ` +
      `the load: ${per(afterLoad - before, entries)} bytes/entry  (${seconds.toFixed(1)}s to load)`,
  );
  return { label, pid: child.pid, entries, before, afterLoad };
}

const dir = await Deno.makeTempDir({ prefix: "respd-stream-memory-" });
const path = `${dir}/xadds.resp`;
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
  console.log(`# ${ENTRIES} XADDs of 3 fields to each server`);
  const r = await loadAndMeasure("redis", redisPort, redis, path);
  const used = Number(/used_memory:(\d+)/.exec(await redisCli(redisPort, "info", "memory"))?.[1]);
  console.log(`# redis used_memory ${used} (${per(used, ENTRIES)}/entry)`);
  const s = await loadAndMeasure("respd", serverPort, server, path);
  console.log(
    `memory-per-entry respd/redis, 1 s after the load: ` +
      `${((s.afterLoad - s.before) / (r.afterLoad - r.before)).toFixed(2)}`,
  );
  console.log(`# both idle for ${SETTLE_SECONDS} s`);
  await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
  const settled = [r, s].map((m) => {
    const now = rssBytes(m.pid);
    console.log(
      `${m.label.padEnd(6)} settled: rss ${mib(now)} MiB, ${
        per(now - m.before, m.entries)
      } bytes/entry`,
    );
    return now - m.before;
  });
  console.log(`memory-per-entry respd/redis, settled: ${(settled[1] / settled[0]).toFixed(2)}`);
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
