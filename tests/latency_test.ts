/**
 * The latency monitor against a real redis-server: a script that runs for 5 ms with
 * latency-monitor-threshold 1 must leave the same kind of record on both (a `command`
 * event, its history, its graph and the doctor's report, numbers masked). The texts
 * themselves are checked against Redis's in src/stats/latency_monitor_test.ts.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { tempDir } from "./support/temp_dir.ts";

const decoder = new TextDecoder("latin1");

/** Lua that busy-waits `us` microseconds on the server's clock. */
const BUSY = "local t=redis.call('time') local s=t[1]*1e6+t[2] local n=s " +
  "while n-s<tonumber(ARGV[1]) do local u=redis.call('time') n=u[1]*1e6+u[2] end return 1";

async function record(port: number) {
  using c = await RawClient.connect(port);
  const text = async (...args: string[]) => {
    await c.sendCommand(...args);
    return decoder.decode(await c.readReplyBytes());
  };
  assertEquals(await text("CONFIG", "SET", "latency-monitor-threshold", "1"), "+OK\r\n");
  await text("LATENCY", "RESET");
  await text("EVAL", BUSY, "0", "5000");
  const latest = await text("LATENCY", "LATEST");
  const history = await text("LATENCY", "HISTORY", "command");
  const graph = await text("LATENCY", "GRAPH", "command");
  const doctor = await text("LATENCY", "DOCTOR");
  await text("CONFIG", "SET", "latency-monitor-threshold", "0");
  return { latest, history, graph, doctor };
}

Deno.test("a 5 ms script leaves the same latency record on respd as on redis-server", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const expected = await record(redis.port);
  const actual = await record(respd.port);
  for (const r of [expected, actual]) {
    assert(/^\*\d\r\n(\*4\r\n\$\d+\r\n[a-z-]+\r\n(:\d+\r\n){3})+$/.test(r.latest), r.latest);
    assert(r.latest.includes("$7\r\ncommand\r\n"), r.latest);
    assert(/^\*\d\r\n(\*2\r\n:\d+\r\n:\d+\r\n)+$/.test(r.history), r.history);
    assert(r.graph.includes("command - high "), r.graph);
  }
  // Same graph and report once numbers are masked (when the host stalled no other command).
  const mask = (s: string) => s.replace(/\d+(\.\d+)?/g, "N").replace(/\$N\r\n/, "");
  if (/^\*1\r\n\*4/.test(expected.latest) && /^\*1\r\n\*4/.test(actual.latest)) {
    assertEquals(mask(actual.doctor), mask(expected.doctor));
    const headOf = (g: string) => mask(g).split("\n").slice(0, 2);
    assertEquals(headOf(actual.graph), headOf(expected.graph));
  }
});

Deno.test("eviction, the AOF and a failed save report Redis 7.0's latency events", async () => {
  await using dir = await tempDir();
  await using respd = startTestServer({
    dir: dir.path,
    appendonly: true,
    appendfsync: "always",
    maxmemory: 4000,
    maxmemoryPolicy: "allkeys-random",
  });
  await respd.loadDataset();
  // every report, whatever its duration (the monitor itself keeps those over the threshold)
  const seen = new Set<string>();
  const recorder = { enabled: true, sampleIfNeeded: (event: string) => void seen.add(event) };
  respd.memory.latency = respd.aof.latency = respd.persistence.latency = recorder;
  using c = await RawClient.connect(respd.port);
  for (let i = 0; i < 100; i++) await c.call("SET", `k${i}`, "x".repeat(100));
  assertEquals(await c.call("BGREWRITEAOF"), "+Background append only file rewriting started\r\n");
  await respd.aof.waitForRewrite();
  // a save that cannot be renamed into place: its temporary file is removed
  Deno.mkdirSync(`${dir.path}/dump.rdb`);
  Deno.writeFileSync(`${dir.path}/dump.rdb/x`, new Uint8Array(1));
  assert((await c.call("SAVE")).startsWith("-ERR"));
  assertEquals(
    [...seen].sort(),
    [
      "aof-fsync-always",
      "aof-rename",
      "aof-write",
      "aof-write-alone",
      "eviction-cycle",
      "eviction-del",
      "rdb-unlink-temp-file",
    ],
  );
});
