/**
 * Persistence, respd against a real redis-server on this machine, now:
 *   1. SAVE of N keys (default 1M, 3 fields each... here 100-byte strings) and the load of
 *      that file at start: seconds and peak RSS (VmHWM) for both servers;
 *   2. SET throughput under `appendfsync always` and `everysec` (redis-benchmark, P=1 and
 *      P=16), ratio respd / Redis, and the same with the AOF off for scale: per mode both
 *      servers are started once, warmed up by one unmeasured run each (respd's JIT compiles
 *      the hot path during its first ~100k requests: a cold run measures the compiler, not
 *      the AOF), then measured in `--runs` interleaved rounds (redis, respd, redis, ...),
 *      medians; CPU µs per request from /proc beside ops/s;
 *   3. GET throughput and p99 while a BGSAVE of the N keys runs, against idle.
 *
 *   deno run -A bench/persistence_bench.ts [--keys 1000000] [--requests 100000]
 *                                          [--parts save,aof,bgsave] [--runs 3]
 *                                          [--modes no,everysec,always] [--random N]
 *
 * `--random` is redis-benchmark's -r for parts 2 and 3 (default: --keys; 0 for one key).
 * `--server floor` runs bench/floor_server.ts with the same AOF flags in respd's place for
 * part 2 (`+PONG` to every request, each read's bytes appended and fsynced as respd does):
 * the floor any Deno server meets under each `appendfsync`.
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, median, redisCli, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    keys: { type: "string", default: "1000000" },
    requests: { type: "string", default: "100000" },
    parts: { type: "string", default: "save,aof,bgsave" },
    runs: { type: "string", default: "3" },
    modes: { type: "string", default: "no,everysec,always" },
    // redis-benchmark's -r: keys drawn from this many (each SET mostly a new key); 0: one key
    random: { type: "string" },
    server: { type: "string", default: "respd" },
  },
});
const KEYS = Number(values.keys);
const REQUESTS = Number(values.requests);
const PARTS = new Set(values.parts.split(","));
const RUNS = Number(values.runs);
const MODES = values.modes.split(",");
const RANDOM = Number(values.random ?? KEYS);
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const FLOOR = new URL("./floor_server.ts", import.meta.url).pathname;

/** The floor server's flags for respd's AOF flags. */
function floorFlags(extra: string[]): string[] {
  const at = extra.indexOf("--appendfsync");
  return at < 0 ? [] : ["--appendfsync", extra[at + 1]];
}

interface Running {
  name: string;
  port: number;
  child: Deno.ChildProcess;
  stop(): Promise<void>;
}

async function start(kind: "redis" | "respd", dir: string, extra: string[] = []): Promise<Running> {
  const port = freePort();
  const args = ["--port", String(port), "--dir", dir, "--save", "", ...extra];
  const child = kind === "redis"
    ? new Deno.Command("redis-server", {
      args: [...args, "--bind", "127.0.0.1"],
      stdout: "null",
      stderr: "null",
    }).spawn()
    : values.server === "floor"
    ? new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", FLOOR, "--port", String(port), "--dir", dir, ...floorFlags(extra)],
      stdout: "null",
      stderr: "null",
    }).spawn()
    : new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "--ws-port", "off", ...args],
      stdout: "null",
      stderr: "null",
    }).spawn();
  await waitForPing(port, child, kind, 600);
  return {
    name: kind,
    port,
    child,
    async stop() {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
    },
  };
}

function peakRss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function fill(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const value = "v".repeat(100);
  const batch = 1000;
  const enc = new TextEncoder();
  const reply = new Uint8Array(64);
  for (let i = 0; i < KEYS; i += batch) {
    let cmd = `*${batch * 2 + 1}\r\n$4\r\nMSET\r\n`;
    for (let j = i; j < i + batch; j++) {
      const key = `key:${j}`;
      cmd += `$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
    }
    await conn.write(enc.encode(cmd));
    await conn.read(reply); // +OK
  }
  conn.close();
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

async function benchmark(port: number, args: string[]): Promise<{ rps: number; p99: number }> {
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(port),
      "-h",
      "127.0.0.1",
      "-n",
      String(REQUESTS),
      ...(RANDOM > 0 ? ["-r", String(RANDOM)] : []),
      "--csv",
      ...args,
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  const cells = lines[lines.length - 1].replaceAll('"', "").split(",");
  // test, rps, avg, min, p50, p95, p99, max
  return { rps: Number(cells[1]), p99: Number(cells[6]) };
}

const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
const rows: string[] = [];

// 1. SAVE and load.
for (const kind of PARTS.has("save") ? ["redis", "respd"] as const : []) {
  const dir = await Deno.makeTempDir();
  try {
    const s = await start(kind, dir);
    await fill(s.port);
    const before = peakRss(s.child.pid);
    const save = await timed(() => redisCli(s.port, "save"));
    const afterSave = peakRss(s.child.pid);
    await s.stop();
    const size = Deno.statSync(`${dir}/dump.rdb`).size;
    const t0 = performance.now();
    const loaded = await start(kind, dir);
    const load = (performance.now() - t0) / 1000;
    const loadPeak = peakRss(loaded.child.pid);
    const dbsize = await redisCli(loaded.port, "dbsize");
    await loaded.stop();
    rows.push(
      `${kind}: ${KEYS} keys, file ${mb(size)}; SAVE ${save.toFixed(2)} s (peak RSS ${
        mb(before)
      } -> ${mb(afterSave)}); start with load ${load.toFixed(2)} s (peak RSS ${
        mb(loadPeak)
      }, DBSIZE ${dbsize})`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// 2. SET under the AOF (and without it, for scale): warm servers, interleaved runs.
const aofCpu: Record<string, number> = {};
for (const mode of PARTS.has("aof") ? MODES : []) {
  const flags = mode === "no"
    ? ["--appendonly", "no"]
    : ["--appendonly", "yes", "--appendfsync", mode];
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const servers = [await start("redis", dirs[0], flags), await start("respd", dirs[1], flags)];
  try {
    for (const s of servers) {
      for (const pipeline of ["1", "16"]) await benchmark(s.port, ["-t", "set", "-P", pipeline]);
    }
    for (const pipeline of ["1", "16"]) {
      const rps: Record<string, number[]> = { redis: [], respd: [] };
      const cpu: Record<string, number[]> = { redis: [], respd: [] };
      for (let run = 0; run < RUNS; run++) {
        for (const s of servers) {
          const before = cpuOf(s.child.pid).total;
          rps[s.name].push((await benchmark(s.port, ["-t", "set", "-P", pipeline])).rps);
          // CPU per request: far less sensitive to a busy host than requests per second.
          cpu[s.name].push((cpuOf(s.child.pid).total - before) / 1000 / REQUESTS);
        }
      }
      const [r, d] = [median(rps.redis), median(rps.respd)];
      const [rc, dc] = [median(cpu.redis), median(cpu.respd)];
      aofCpu[`${mode} ${pipeline}`] = dc;
      const off = aofCpu[`no ${pipeline}`];
      const cost = mode !== "no" && off !== undefined
        ? `; ${values.server}'s AOF adds ${(dc - off).toFixed(2)} µs/request`
        : "";
      rows.push(
        `SET appendonly ${mode === "no" ? "no" : `yes, appendfsync ${mode}`} P=${pipeline}: ` +
          `redis ${r.toFixed(0)}/s, ${values.server} ${d.toFixed(0)}/s, ratio ${
            (d / r).toFixed(2)
          }; ` +
          `CPU µs/request redis ${rc.toFixed(2)}, ${values.server} ${dc.toFixed(2)}, ratio ${
            (dc / rc).toFixed(2)
          }${cost} (medians of ${RUNS})`,
      );
      console.error(rows[rows.length - 1]);
    }
  } finally {
    for (const s of servers) await s.stop();
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  }
}

// 3. GET while a BGSAVE runs.
for (const kind of PARTS.has("bgsave") ? ["redis", "respd"] as const : []) {
  const dir = await Deno.makeTempDir();
  try {
    const s = await start(kind, dir);
    await fill(s.port);
    const idle = await benchmark(s.port, ["-t", "get"]);
    await redisCli(s.port, "bgsave");
    const during = await benchmark(s.port, ["-t", "get"]);
    const stillSaving = (await redisCli(s.port, "info", "persistence")).includes(
      "rdb_bgsave_in_progress:1",
    );
    rows.push(
      `${kind}: GET idle ${idle.rps.toFixed(0)}/s p99 ${idle.p99} ms; during BGSAVE ${
        during.rps.toFixed(0)
      }/s p99 ${during.p99} ms${stillSaving ? " (BGSAVE outlasted the run)" : ""}`,
    );
    await s.stop();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

console.log(rows.join("\n"));
