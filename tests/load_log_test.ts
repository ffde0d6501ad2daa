/**
 * What a load of an RDB file and of an AOF logs, against redis-server 7.0.15 loading the
 * same files: the same lines in the same order (Redis's version, the file's age and
 * memory, keys loaded and expired, the time per file), numbers masked where they differ
 * by nature (times, sizes).
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis } from "./support/servers.ts";
import { ChildServer } from "./support/child_server.ts";
import { tempDir } from "./support/temp_dir.ts";
import { until } from "./support/eventually.ts";

/** The messages of log lines from `first` to `last` (inclusive), numbers masked. */
function loadLines(lines: string[], first: RegExp, last: RegExp): string[] {
  const messages = lines.map((l) => l.replace(/^\d+:[CM] \d\d \w{3} \d{4} [\d:.]+ [*#.-] /, ""));
  const from = messages.findIndex((m) => first.test(m));
  const to = messages.findIndex((m, i) => i >= from && last.test(m));
  assert(from >= 0 && to >= 0, lines.join("\n"));
  return messages.slice(from, to + 1)
    .filter((m) => !m.startsWith("Loading: ")) // respd's own progress line
    .map((m) => m.replace(/\d+\.\d+ (seconds|Mb)/, "N $1").replace(/age \d+/, "age N"));
}

async function redisLog(args: string[], logfile: string): Promise<string[]> {
  {
    await using redis = await startRedis([...args, "--logfile", logfile]);
    using c = await RawClient.connect(redis.port);
    await until(async () => (await c.call("PING")) === "+PONG\r\n", "redis-server loaded");
  }
  return Deno.readTextFileSync(logfile).split("\n");
}

Deno.test("loading an RDB file logs what redis-server logs", async () => {
  await using dir = await tempDir();
  {
    await using respd = await ChildServer.start(["--dir", dir.path, "--save", ""]);
    using c = await RawClient.connect(respd.port);
    for (let i = 0; i < 50; i++) await c.call("SET", `k${i}`, "v");
    await c.call("SET", "gone", "v", "PX", "1000"); // saved before it expires, even on a slow host
    await c.call("SAVE");
  }
  await new Promise((r) => setTimeout(r, 1050)); // "gone" expires in the file
  const expected = loadLines(
    await redisLog(["--dir", dir.path], `${dir.path}/redis.log`),
    /^Loading RDB produced/,
    /^DB loaded from disk/,
  );
  await using again = await ChildServer.start(["--dir", dir.path, "--save", ""]);
  const actual = loadLines(again.logs, /^Loading RDB produced/, /^DB loaded from disk/);
  assertEquals(actual, expected);
  assert(expected.includes("Done loading RDB, keys loaded: 50, keys expired: 1."));
  using c = await RawClient.connect(again.port);
  assert((await c.call("INFO", "persistence")).includes("rdb_last_load_keys_expired:1\r\n"));
});

Deno.test("loading an AOF logs what redis-server logs, file by file", async () => {
  await using dir = await tempDir();
  {
    await using respd = await ChildServer.start(["--dir", dir.path, "--appendonly", "yes"]);
    using c = await RawClient.connect(respd.port);
    for (let i = 0; i < 20; i++) await c.call("SET", `k${i}`, "v");
    assertEquals(
      await c.call("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    await until(
      async () => (await c.call("INFO", "persistence")).includes("aof_rewrite_in_progress:0"),
      "the rewrite",
    );
    await c.call("SET", "after", "v");
  }
  const args = ["--dir", dir.path, "--appendonly", "yes"];
  const expected = loadLines(
    await redisLog(args, `${dir.path}/redis.log`),
    /^Reading RDB base file/,
    /^Opening AOF incr file/,
  );
  await using again = await ChildServer.start(args);
  const actual = loadLines(again.logs, /^Reading RDB base file/, /^Opening AOF incr file/);
  assertEquals(actual, expected);
});
