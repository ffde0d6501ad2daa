/**
 * INFO against a real redis-server 7.0.15: every section has Redis's field names in Redis's
 * order (respd's own two fields last in `# Server`), and the counters dashboards read move
 * as Redis's do for the same traffic: keyspace_hits/misses command by command, commands,
 * connections, reads and writes, errors, expired keys, pub/sub counts, CONFIG RESETSTAT.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { tempDir } from "./support/temp_dir.ts";

/** respd's own fields, which Redis does not print. */
const RESPD_ONLY = new Set(["respd_version", "deno_version"]);

/** INFO's text as sections: name → [field, value] pairs in order. */
function sections(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let current: [string, string][] = [];
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) out.set(line.slice(2), current = []);
    else if (line !== "") {
      const at = line.indexOf(":");
      current.push([line.slice(0, at), line.slice(at + 1)]);
    }
  }
  return out;
}

async function info(c: RawClient, ...section: string[]): Promise<Map<string, string>> {
  const fields = new Map<string, string>();
  for (const pairs of sections(await infoText(c, ...section)).values()) {
    for (const [k, v] of pairs) fields.set(k, v);
  }
  return fields;
}

async function infoText(c: RawClient, ...section: string[]): Promise<string> {
  const reply = await c.call("INFO", ...section);
  return reply.slice(reply.indexOf("\r\n") + 2, -2); // the bulk string's body
}

/** The data both servers start from, so every section has something to show. */
async function seed(c: RawClient): Promise<void> {
  for (
    const cmd of [
      ["SET", "s", "v"],
      ["SET", "t", "v", "EX", "1000"],
      ["SADD", "set", "a"],
      ["ZADD", "z", "1", "a"],
      ["RPUSH", "l", "a", "b"],
      ["XADD", "st", "1-1", "a", "1"],
      ["SELECT", "3"],
      ["SET", "other", "1"],
      ["SELECT", "0"],
    ]
  ) await c.call(...cmd);
}

Deno.test("INFO everything has Redis 7.0's sections and fields, in Redis's order", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const texts: string[] = [];
  for (const port of [redis.port, respd.port]) {
    using c = await RawClient.connect(port);
    await seed(c);
    await c.call("EVAL", "return 1", "0"); // commandstats, latencystats
    await c.call("GET"); // errorstats
    texts.push(await infoText(c, "everything"));
  }
  const [expected, actual] = texts.map(sections);
  assertEquals([...actual.keys()], [...expected.keys()]);
  // Redis lists commands and errors in its hash table's order: compare those as sets
  const unordered = new Set(["Commandstats", "Errorstats", "Latencystats"]);
  for (const [name, fields] of expected) {
    const names = actual.get(name)!.map(([k]) => k);
    if (unordered.has(name)) {
      assertEquals(names.sort(), fields.map(([k]) => k).sort(), `fields of # ${name}`);
      continue;
    }
    if (name === "Server") {
      assertEquals(names.slice(-RESPD_ONLY.size), [...RESPD_ONLY], "respd's own fields last");
    }
    assertEquals(
      names.filter((k) => !RESPD_ONLY.has(k)),
      fields.map(([k]) => k),
      `fields of # ${name}`,
    );
  }
  // the same values where both servers must agree
  const value = (m: Map<string, [string, string][]>, s: string, f: string) =>
    m.get(s)!.find(([k]) => k === f)?.[1];
  for (
    const [s, f] of [
      ["Server", "redis_version"],
      ["Server", "redis_mode"],
      ["Server", "hz"],
      ["Server", "process_supervised"],
      ["Server", "io_threads_active"],
      ["Clients", "connected_clients"],
      ["Memory", "maxmemory_policy"],
      ["Stats", "total_commands_processed"],
      ["Stats", "keyspace_hits"],
      ["Stats", "keyspace_misses"],
      ["Stats", "total_error_replies"],
      ["Replication", "role"],
      ["Replication", "master_replid2"],
      ["Replication", "repl_backlog_size"],
      ["Keyspace", "db3"],
      ["Errorstats", "errorstat_ERR"],
      ["Commandstats", "cmdstat_set"],
    ]
  ) {
    const strip = (v: string | undefined) =>
      v?.replace(/usec=\d+,usec_per_call=[\d.]+,/, "").replace(/avg_ttl=\d+/, "avg_ttl");
    assertEquals(strip(value(actual, s, f)), strip(value(expected, s, f)), `${s} ${f}`);
  }
  // the forms of values that differ by nature
  const forms: [string, string, RegExp][] = [
    ["Server", "run_id", /^[0-9a-f]{40}$/],
    ["Server", "lru_clock", /^\d+$/],
    ["Memory", "used_memory_peak_perc", /^\d+\.\d\d%$/],
    ["Memory", "mem_fragmentation_ratio", /^\d+\.\d\d$/],
    ["Memory", "total_system_memory_human", /^\d+\.\d\d[KMGT]$/],
    ["Stats", "instantaneous_input_kbps", /^\d+\.\d\d$/],
    ["Stats", "expired_stale_perc", /^\d+\.\d\d$/],
    ["Replication", "master_replid", /^[0-9a-f]{40}$/],
    ["CPU", "used_cpu_user_main_thread", /^\d+\.\d{6}$/],
  ];
  for (const [s, f, form] of forms) {
    assert(form.test(value(expected, s, f)!), `redis ${s} ${f}`);
    assert(form.test(value(actual, s, f) ?? ""), `respd ${s} ${f}: ${value(actual, s, f)}`);
  }
});

/** Commands whose keyspace_hits/misses Redis counts in its own way, one by one. */
const LOOKUPS: string[][] = [
  ["GET", "s"],
  ["GET", "nx"],
  ["SET", "s", "v2", "GET"],
  ["SET", "s", "v3"],
  ["GETDEL", "nx"],
  ["GETEX", "s"],
  ["GETSET", "s", "v"],
  ["INCR", "n"],
  ["SUNIONSTORE", "d", "set", "nx"],
  ["ZUNIONSTORE", "d", "2", "z", "nx"],
  ["BITOP", "AND", "d", "s", "nx"],
  ["COPY", "s", "c2"],
  ["COPY", "nx", "c3"],
  ["SORT", "l", "STORE", "d2", "ALPHA"],
  ["LMOVE", "l", "l2", "LEFT", "LEFT"],
  ["SMOVE", "set", "set2", "a"],
  ["EXISTS", "s", "nx", "s"],
  ["TYPE", "s"],
  ["TTL", "t"],
  ["OBJECT", "ENCODING", "s"],
  ["TOUCH", "s", "nx"],
  ["MGET", "s", "nx"],
  ["STRLEN", "nx"],
  ["KEYS", "*"],
  ["SCAN", "0"],
  ["LRANGE", "l2", "0", "-1"],
  ["HGET", "nx", "f"],
  ["HGET", "s", "f"], // WRONGTYPE: found, a hit
  ["XREAD", "STREAMS", "st", "nx", "0", "0"],
  ["XRANGE", "st", "-", "+"],
  ["MEMORY", "USAGE", "s"],
  ["LCS", "s", "nx"],
  ["SINTERCARD", "2", "set2", "nx"],
  ["BITFIELD", "s", "GET", "u8", "0"],
  ["BITFIELD", "s", "SET", "u8", "0", "1"],
  ["EVAL", "return redis.call('get', KEYS[1])", "1", "s"],
  ["ZRANGE", "z", "0", "1", "BYSCORE", "LIMIT"], // a syntax error: no lookup
  ["DEL", "s", "nx"],
];

Deno.test("keyspace_hits and keyspace_misses move command by command as Redis's", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const deltas: string[][] = [];
  for (const port of [redis.port, respd.port]) {
    using c = await RawClient.connect(port);
    await seed(c);
    const seen: string[] = [];
    let last = await info(c, "stats");
    for (const cmd of LOOKUPS) {
      await c.call(...cmd);
      const now = await info(c, "stats");
      const d = (f: string) => Number(now.get(f)) - Number(last.get(f));
      seen.push(`${cmd.join(" ")}: +${d("keyspace_hits")} hits +${d("keyspace_misses")} misses`);
      last = now;
    }
    deltas.push(seen);
  }
  assertEquals(deltas[1], deltas[0]);
});

Deno.test("INFO stats counters follow the traffic as Redis's, and CONFIG RESETSTAT zeroes them", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const moves: Record<string, number>[] = [];
  const resets: Record<string, string>[] = [];
  const FIELDS = [
    "total_connections_received",
    "total_commands_processed",
    "total_reads_processed",
    "total_writes_processed",
    "total_error_replies",
    "pubsub_channels",
    "pubsub_patterns",
    "pubsubshard_channels",
    "expired_keys",
    "keyspace_hits",
  ];
  for (const port of [redis.port, respd.port]) {
    using c = await RawClient.connect(port);
    const before = await info(c, "stats");
    using sub = await RawClient.connect(port);
    await sub.call("SUBSCRIBE", "a", "b");
    await sub.call("PSUBSCRIBE", "p*");
    await sub.call("SSUBSCRIBE", "s1");
    await c.call("SET", "k", "v", "PX", "1");
    await new Promise((r) => setTimeout(r, 5));
    await c.call("GET", "k"); // expired on access: a miss and an expired key
    await c.call("NOSUCH");
    await c.call("GET", "a", "b");
    for (let i = 0; i < 5; i++) await c.call("PING");
    const after = await info(c, "stats");
    const move: Record<string, number> = {};
    for (const f of FIELDS) move[f] = Number(after.get(f)) - Number(before.get(f));
    moves.push(move);
    assert(
      Number(after.get("total_net_input_bytes")) > Number(before.get("total_net_input_bytes")),
    );
    assertEquals(await c.call("CONFIG", "RESETSTAT"), "+OK\r\n");
    const reset = await info(c, "stats");
    // what RESETSTAT left: the counts of RESETSTAT itself and its reply, as in Redis
    const left: Record<string, string> = {};
    for (
      const f of [
        "total_commands_processed",
        "total_connections_received",
        "keyspace_misses",
        "expired_keys",
        "total_error_replies",
        "total_net_output_bytes",
        "total_writes_processed",
        "rejected_connections",
      ]
    ) left[f] = reset.get(f)!;
    resets.push(left);
  }
  assertEquals(moves[1], moves[0]);
  assertEquals(resets[1], resets[0]);
});

Deno.test("instantaneous_ops_per_sec follows a burst of commands", async () => {
  await using respd = startTestServer();
  using c = await RawClient.connect(respd.port);
  const batch = "*1\r\n$4\r\nPING\r\n".repeat(2000);
  const deadline = Date.now() + 5000;
  let ops = 0;
  while (ops === 0 && Date.now() < deadline) {
    await c.send(batch);
    for (let i = 0; i < 2000; i++) await c.readText();
    ops = Number((await info(c, "stats")).get("instantaneous_ops_per_sec"));
  }
  assert(ops > 0, "instantaneous_ops_per_sec moved");
  const kbps = Number((await info(c, "stats")).get("instantaneous_input_kbps"));
  assert(kbps > 0, `instantaneous_input_kbps ${kbps}`);
});

/** CLIENT LIST's lines as field maps, in order. */
function clientFields(text: string): Map<string, string>[] {
  return text.trim().split("\n").map((line) =>
    new Map(
      line.split(" ").map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
    )
  );
}

Deno.test("CLIENT LIST has Redis 7.0's fields in its order, with the same values for the same clients", async () => {
  await using redis = await startRedis();
  await using respd = startTestServer();
  const seen: Map<string, string>[][] = [];
  for (const port of [redis.port, respd.port]) {
    using sub = await RawClient.connect(port);
    await sub.call("CLIENT", "SETNAME", "sub");
    await sub.call("SUBSCRIBE", "a", "b");
    await sub.call("PSUBSCRIBE", "p*");
    using tx = await RawClient.connect(port);
    await tx.call("HELLO", "3", "SETNAME", "tx");
    await tx.call("SELECT", "2");
    await tx.call("MULTI");
    await tx.call("SET", "k", "v");
    await tx.call("INCR", "n");
    using c = await RawClient.connect(port);
    await c.call("CLIENT", "SETNAME", "lister");
    const reply = await c.call("CLIENT", "LIST");
    seen.push(clientFields(reply.slice(reply.indexOf("\r\n") + 2, -2)));
  }
  const [expected, actual] = seen;
  // respd's fields past 7.0's: watch (7.4), lib-name and lib-ver (7.2), transport (its own)
  const extras = ["watch", "lib-name", "lib-ver", "transport"];
  assertEquals(
    [...actual[0].keys()].filter((k) => !extras.includes(k)),
    [...expected[0].keys()],
  );
  const same = [
    "name",
    "flags",
    "db",
    "sub",
    "psub",
    "ssub",
    "multi",
    "cmd",
    "user",
    "redir",
    "resp",
  ];
  const pick = (lines: Map<string, string>[]) =>
    lines.map((l) => Object.fromEntries(same.map((k) => [k, l.get(k)])));
  assertEquals(pick(actual), pick(expected));
  for (const line of actual) {
    assert(Number(line.get("fd")) > 2, `fd ${line.get("fd")}`);
    assert(Number(line.get("tot-mem")) > 0, `tot-mem ${[...line].join(" ")}`);
  }
  assertEquals(actual.find((l) => l.get("name") === "tx")!.get("watch"), "0");
});

Deno.test("INFO persistence with the AOF on has Redis's fields, in its order", async () => {
  await using dir = await tempDir();
  await using redis = await startRedis(["--appendonly", "yes"]);
  await using respd = startTestServer({ dir: dir.path, appendonly: true });
  await respd.loadDataset();
  const names: string[][] = [];
  for (const port of [redis.port, respd.port]) {
    using c = await RawClient.connect(port);
    await c.call("SET", "k", "v");
    names.push([...sections(await infoText(c, "persistence")).get("Persistence")!].map(([k]) => k));
  }
  assertEquals(names[1], names[0]);
  assert(names[0].includes("aof_current_size"));
});
