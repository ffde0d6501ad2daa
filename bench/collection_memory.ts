/**
 * Memory per element of hashes, sets and sorted sets, respd against redis-server: for each
 * case both servers start empty on free ports, get the same commands through
 * `redis-cli --pipe`, and the growth of resident memory (VmRSS) divided by the number of
 * elements is the cost of one element (a hash element is a field and its value). "small"
 * is many collections of 100 elements (Redis's listpack/intset encodings), "large" one
 * collection of 1M (hashtable/skiplist); "intset-small" is sets of 100 integers (0, 1000,
 * 2000 …, so Redis needs 4-byte integers). RSS is read 1 s after the load and again once
 * both have been idle for `--settle` seconds.
 *
 *   deno run -A bench/collection_memory.ts [--cases hash-small,set-large,...]
 *       [--elements 1000000] [--settle 20]
 */

import { parseArgs } from "node:util";
import { freePort, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    cases: {
      type: "string",
      default: "hash-small,hash-large,set-small,set-large,zset-small,zset-large",
    },
    elements: { type: "string", default: "1000000" },
    settle: { type: "string", default: "20" },
    server: {
      type: "string",
      default: "deno run -A main.ts --ws-port off --save '' --dir {dir} --port {port}",
    },
  },
});
const ELEMENTS = Number(values.elements);
const SETTLE_SECONDS = Number(values.settle);
const SMALL = 100;

function rssBytes(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
}

const bulk = (s: string) => `$${s.length}\r\n${s}\r\n`;
const resp = (args: string[]) => `*${args.length}\r\n${args.map(bulk).join("")}`;

/** One command adding elements from..to-1 of element numbering to `key`. */
function add(type: string, key: string, from: number, to: number): string {
  const args = [type === "hash" ? "HSET" : type === "zset" ? "ZADD" : "SADD", key];
  for (let i = from; i < to; i++) {
    if (type === "hash") args.push(`field:${i}`, `value:${i}`);
    else if (type === "set") args.push(`member:${i}`);
    else if (type === "intset") args.push(String(i * 1000));
    else args.push(String(i % 1000), `member:${i}`);
  }
  return resp(args);
}

async function writeCommands(path: string, type: string, shape: string): Promise<void> {
  const file = await Deno.open(path, { write: true, create: true, truncate: true });
  const enc = new TextEncoder();
  const batch: string[] = [];
  const flush = async () => {
    const bytes = enc.encode(batch.join(""));
    let written = 0;
    while (written < bytes.length) written += await file.write(bytes.subarray(written));
    batch.length = 0;
  };
  for (let i = 0; i < ELEMENTS; i += SMALL) {
    const key = shape === "small" ? `${type}:${i / SMALL}` : type;
    batch.push(add(type, key, shape === "small" ? 0 : i, shape === "small" ? SMALL : i + SMALL));
    if (batch.length === 1000) await flush();
  }
  await flush();
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

const per = (bytes: number) => (bytes / ELEMENTS).toFixed(1);

async function measure(name: string, type: string, shape: string, path: string) {
  const redisPort = freePort(), serverPort = freePort();
  const redis = new Deno.Command("redis-server", {
    args: [
      ...["--port", String(redisPort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ...["--dir", dir],
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const server = new Deno.Command("bash", {
    args: [
      "-c",
      `exec ${values.server.replaceAll("{port}", String(serverPort)).replaceAll("{dir}", dir)}`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const rows: { label: string; pid: number; before: number; after: number }[] = [];
    for (
      const [label, port, child] of [["redis", redisPort, redis], [
        "respd",
        serverPort,
        server,
      ]] as const
    ) {
      await waitForPing(port, child, label);
      const before = rssBytes(child.pid);
      await load(port, path);
      await new Promise((r) => setTimeout(r, 1000));
      rows.push({ label, pid: child.pid, before, after: rssBytes(child.pid) });
    }
    const encoding = await redisCli(
      serverPort,
      "object",
      "encoding",
      shape === "small" ? `${type}:0` : type,
    );
    await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
    const settled = rows.map((r) => rssBytes(r.pid) - r.before);
    const [r, s] = rows;
    console.log(
      `${name.padEnd(11)} (${encoding.trim()}) bytes/element after load: redis ${
        per(r.after - r.before)
      }` +
        `, respd ${per(s.after - s.before)} (${
          ((s.after - s.before) / (r.after - r.before)).toFixed(2)
        }x);` +
        ` settled: redis ${per(settled[0])}, respd ${per(settled[1])} (${
          (settled[1] / settled[0]).toFixed(2)
        }x)`,
    );
  } finally {
    for (const child of [server, redis]) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already exited
      }
      await child.status;
    }
  }
}

const dir = await Deno.makeTempDir({ prefix: "respd-collection-memory-" });
try {
  console.log(`# ${ELEMENTS} elements per case; small = collections of ${SMALL}`);
  for (const name of values.cases.split(",")) {
    const [type, shape] = name.split("-");
    const path = `${dir}/${name}.resp`;
    await writeCommands(path, type, shape);
    await measure(name, type, shape, path);
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
