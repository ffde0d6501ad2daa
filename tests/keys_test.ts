/**
 * Keyspace commands over raw TCP: DEL UNLINK EXISTS TOUCH TYPE RENAME RENAMENX COPY KEYS
 * SCAN RANDOMKEY, with exact replies and error texts (checked against redis-server
 * 7.0.15), SCAN's guarantee under concurrent changes, and KEYS patterns compared with a
 * real redis-server.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { expectReplies, RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { ManualClock } from "../src/store/clock.ts";
import type { Frame } from "../src/protocol/frame.ts";

const SYNTAX = "-ERR syntax error\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";

/** The text of a bulk frame. */
function bulkText(f: Frame): string {
  assert(f.kind === "bulk", `expected a bulk, got ${f.kind}`);
  return String.fromCharCode(...f.value);
}

/** One SCAN call: the next cursor and the keys returned. */
async function scanOnce(c: RawClient, args: string[]): Promise<[string, string[]]> {
  await c.sendCommand("SCAN", ...args);
  const f = await c.readFrame();
  assert(f.kind === "array");
  const [cursor, keys] = f.value;
  assert(keys.kind === "array");
  return [bulkText(cursor), keys.value.map(bulkText)];
}

/** Every key a full SCAN returns (with repeats, if any). */
async function scanAll(c: RawClient, options: string[] = []): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await scanOnce(c, [cursor, ...options]);
    out.push(...keys);
    cursor = next;
  } while (cursor !== "0");
  return out;
}

Deno.test("DEL, UNLINK, EXISTS and TOUCH count keys, repeats included", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["MSET", "a", "1", "b", "2", "c", "3"], "+OK\r\n"],
    [["EXISTS", "a", "a", "nokey", "b"], ":3\r\n"],
    [["TOUCH", "a", "nokey", "c"], ":2\r\n"],
    [["DEL", "a", "a", "nokey"], ":1\r\n"],
    [["UNLINK", "b", "c"], ":2\r\n"],
    [["EXISTS", "a", "b", "c"], ":0\r\n"],
    [["DEL"], "-ERR wrong number of arguments for 'del' command\r\n"],
  ]);
});

Deno.test("TYPE names each type, and none for a missing key", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["SET", "s", "v"], "+OK\r\n"],
    [["RPUSH", "l", "v"], ":1\r\n"],
    [["TYPE", "s"], "+string\r\n"],
    [["TYPE", "l"], "+list\r\n"],
    [["TYPE", "nokey"], "+none\r\n"],
  ]);
});

Deno.test("RENAME and RENAMENX move the value with its TTL, and refuse a missing key", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["RENAME", "nokey", "x"], "-ERR no such key\r\n"],
    [["RENAMENX", "nokey", "x"], "-ERR no such key\r\n"],
    [["SET", "a", "1", "PX", "5000"], "+OK\r\n"],
    [["RENAME", "a", "a"], "+OK\r\n"],
    [["RENAMENX", "a", "a"], ":0\r\n"],
    [["RENAME", "a", "b"], "+OK\r\n"],
    [["EXISTS", "a"], ":0\r\n"],
    [["PTTL", "b"], ":5000\r\n"],
    [["SET", "c", "3", "EX", "100"], "+OK\r\n"],
    [["RENAMENX", "b", "c"], ":0\r\n"],
    [["RENAME", "b", "c"], "+OK\r\n"],
    [["GET", "c"], "$1\r\n1\r\n"],
    [["PTTL", "c"], ":5000\r\n"],
    [["SET", "d", "4"], "+OK\r\n"],
    [["RENAMENX", "d", "e"], ":1\r\n"],
    [["TTL", "e"], ":-1\r\n"],
  ]);
});

Deno.test("COPY copies deeply, across databases, with REPLACE, and with Redis's errors", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  await expectReplies(c, [
    [["RPUSH", "l", "a", "b"], ":2\r\n"],
    [["PEXPIRE", "l", "9000"], ":1\r\n"],
    [["COPY", "l", "l2"], ":1\r\n"],
    [["PTTL", "l2"], ":9000\r\n"],
    [["RPUSH", "l2", "c"], ":3\r\n"],
    [["LRANGE", "l", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
    [["COPY", "l", "l2"], ":0\r\n"],
    [["COPY", "l", "l2", "REPLACE"], ":1\r\n"],
    [["LLEN", "l2"], ":2\r\n"],
    [["COPY", "nokey", "x"], ":0\r\n"],
    [["COPY", "l", "l"], "-ERR source and destination objects are the same\r\n"],
    [["COPY", "l", "l", "DB", "1"], ":1\r\n"],
    [["COPY", "l", "x", "DB", "16"], "-ERR DB index is out of range\r\n"],
    [["COPY", "l", "x", "DB", "16", "FOO"], "-ERR DB index is out of range\r\n"],
    [["COPY", "l", "x", "DB", "abc"], NOT_INTEGER],
    [
      ["COPY", "l", "x", "DB", "99999999999"],
      "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
    ],
    [["COPY", "l", "x", "DB"], SYNTAX],
    [["COPY", "l", "x", "FOO"], SYNTAX],
    [["SELECT", "1"], "+OK\r\n"],
    [["LRANGE", "l", "0", "-1"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
    [["PTTL", "l"], ":9000\r\n"],
  ]);
});

Deno.test("KEYS matches glob patterns and skips expired keys without deleting them", async () => {
  const clock = new ManualClock();
  // no active expiry: on a loaded host its timer may reclaim the key before DBSIZE looks
  await using server = startTestServer({ clock, activeExpire: false });
  using c = await RawClient.connect(server.port);
  await c.call("MSET", "hello", "1", "hallo", "2", "hxllo", "3", "user:1", "4");
  await c.call("SET", "gone", "5", "PX", "10");
  await c.call("SELECT", "1");
  await c.call("SET", "other", "1");
  await c.call("SELECT", "0");
  assertEquals(await c.call("KEYS", "h[ae]llo"), "*2\r\n$5\r\nhello\r\n$5\r\nhallo\r\n");
  assertEquals(await c.call("KEYS", "user:*"), "*1\r\n$6\r\nuser:1\r\n");
  assertEquals(await c.call("KEYS", "nomatch*"), "*0\r\n");
  clock.advance(10);
  assertEquals(
    await c.call("KEYS", "*"),
    "*4\r\n$5\r\nhello\r\n$5\r\nhallo\r\n$5\r\nhxllo\r\n$6\r\nuser:1\r\n",
  );
  assertEquals(await c.call("DBSIZE"), ":5\r\n"); // expired but not yet reclaimed, as Redis
  assertEquals(await c.call("KEYS", "g*"), "*0\r\n");
});

Deno.test("KEYS selects the same keys as a real redis-server for random patterns", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  using real = await RawClient.connect(redis.port);
  using ours = await RawClient.connect(server.port);
  const keys = [
    "",
    "a",
    "b",
    "ab",
    "ba",
    "a*b",
    "a?",
    "[a]",
    "a\\b",
    "^",
    "-",
    "]",
    "\x00",
    "\xff",
  ];
  for (const c of [real, ours]) {
    for (const k of keys) {
      await c.sendCommand("SET", Uint8Array.from(k, (ch) => ch.charCodeAt(0)), "1");
      await c.readText();
    }
  }
  const seed = Date.now() % 100000;
  let state = seed;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const alphabet = "ab*?[]^-\\\x00\xff";
  const sorted = (f: Frame) => {
    assert(f.kind === "array");
    return f.value.map(bulkText).sort();
  };
  for (let i = 0; i < 300; i++) {
    let pattern = "";
    for (let n = rnd(7); n > 0; n--) pattern += alphabet[rnd(alphabet.length)];
    const bytes = Uint8Array.from(pattern, (ch) => ch.charCodeAt(0));
    const replies: string[][] = [];
    for (const c of [real, ours]) {
      await c.sendCommand("KEYS", bytes);
      replies.push(sorted(await c.readFrame()));
    }
    assertEquals(replies[1], replies[0], `seed ${seed}, pattern ${JSON.stringify(pattern)}`);
  }
});

Deno.test("SCAN walks every key once, with MATCH, COUNT and TYPE filters", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const all: string[] = [];
  for (let i = 0; i < 250; i++) all.push(`key:${i}`);
  await c.call("MSET", ...all.flatMap((k) => [k, "v"]));
  await c.call("RPUSH", "list:1", "x");
  assertEquals((await scanAll(c)).sort(), [...all, "list:1"].sort());
  assertEquals((await scanAll(c, ["COUNT", "7"])).sort(), [...all, "list:1"].sort());
  assertEquals(await scanAll(c, ["MATCH", "key:1?", "COUNT", "1000"]), [
    "key:10",
    "key:11",
    "key:12",
    "key:13",
    "key:14",
    "key:15",
    "key:16",
    "key:17",
    "key:18",
    "key:19",
  ]);
  assertEquals(await scanAll(c, ["TYPE", "LIST"]), ["list:1"]);
  assertEquals(await scanAll(c, ["TYPE", "hash"]), []);
  assertEquals(await scanAll(c, ["TYPE", "nosuchtype"]), []);
  // A small COUNT returns about that many keys per call and a cursor to go on with.
  const [cursor, some] = await scanOnce(c, ["0", "COUNT", "5"]);
  assert(cursor !== "0" && some.length === 5);
});

Deno.test("SCAN refuses bad cursors and options with Redis's errors", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.call("SET", "k", "v");
  await expectReplies(c, [
    [["SCAN", "abc"], "-ERR invalid cursor\r\n"],
    [["SCAN", " 1"], "-ERR invalid cursor\r\n"],
    [["SCAN", "18446744073709551616"], "-ERR invalid cursor\r\n"],
    [["SCAN", "abc", "COUNT", "abc"], "-ERR invalid cursor\r\n"],
    [["SCAN", "0", "COUNT", "0"], SYNTAX],
    [["SCAN", "0", "COUNT", "-1"], SYNTAX],
    [["SCAN", "0", "COUNT", "abc"], NOT_INTEGER],
    [["SCAN", "0", "COUNT"], SYNTAX],
    [["SCAN", "0", "MATCH"], SYNTAX],
    [["SCAN", "0", "foo"], SYNTAX],
    [["SCAN", "+0"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"],
    [["SCAN", "0", "MATCH", "a", "MATCH", "k"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"],
  ]);
});

Deno.test("SCAN returns every key present for the whole scan while others come and go", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const stable: string[] = [];
  for (let i = 0; i < 300; i++) stable.push(`stable:${i}`);
  await c.call("MSET", ...stable.flatMap((k) => [k, "v"]));
  for (let i = 0; i < 300; i++) await c.call("SET", `churn:${i}`, "v");
  const seen = new Set<string>();
  let cursor = "0";
  let round = 0;
  do {
    const [next, keys] = await scanOnce(c, [cursor, "COUNT", "4"]);
    for (const k of keys) seen.add(k);
    cursor = next;
    // Between calls: delete old churn keys, add new ones (which reuse freed slots).
    await c.call("DEL", `churn:${round}`, `churn:${299 - round}`);
    await c.call("SET", `new:${round}`, "v");
    await c.call("SET", `stable:${round % 300}`, "overwritten"); // an update keeps the slot
    round++;
  } while (cursor !== "0" && round < 10_000);
  assertEquals(cursor, "0");
  for (const k of stable) assert(seen.has(k), `SCAN missed ${k}, present for the whole scan`);
});

Deno.test("SCAN skips and reclaims expired keys it passes", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock, activeExpire: false }); // SCAN's doing alone
  using c = await RawClient.connect(server.port);
  await c.call("MSET", "a", "1", "b", "2");
  await c.call("SET", "t", "3", "PX", "5");
  clock.advance(5);
  assertEquals((await scanAll(c, ["MATCH", "[ab]"])).sort(), ["a", "b"]);
  assertEquals(await c.call("DBSIZE"), ":3\r\n"); // t did not match: still held
  assertEquals((await scanAll(c)).sort(), ["a", "b"]);
  assertEquals(await c.call("DBSIZE"), ":2\r\n");
});

Deno.test("RANDOMKEY returns a live key, or null for an empty database", async () => {
  const clock = new ManualClock();
  await using server = startTestServer({ clock });
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("RANDOMKEY"), "$-1\r\n");
  await c.call("SET", "only", "1");
  await c.call("SET", "soon", "1", "PX", "1");
  clock.advance(1);
  for (let i = 0; i < 20; i++) assertEquals(await c.call("RANDOMKEY"), "$4\r\nonly\r\n");
  await c.call("MSET", "x", "1", "y", "2", "z", "3");
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(await c.call("RANDOMKEY"));
  assert(seen.size > 1, "RANDOMKEY always returned the same key");
  await c.call("FLUSHDB");
  assertEquals(await c.call("RANDOMKEY"), "$-1\r\n");
  assertEquals(
    await c.call("RANDOMKEY", "x"),
    "-ERR wrong number of arguments for 'randomkey' command\r\n",
  );
});
