/**
 * Scripting behaviour a differential test cannot show: scripts are atomic (another client's
 * command waits until the script ends), a runaway script is stopped at busy-reply-threshold
 * with an error pcall cannot catch while the server keeps serving, the Lua heap is bounded,
 * script writes reach the keyspace-change hook, and SCRIPT FLUSH really forgets.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { Buffer } from "node:buffer";

Deno.test("a script is atomic: another client's command runs after it, not during it", async () => {
  await using server = startTestServer();
  using a = await RawClient.connect(server.port);
  using b = await RawClient.connect(server.port);
  await a.call("SET", "k", "0");
  // The script reads k, spins ~300 ms, reads k again; b's INCR is sent meanwhile.
  const script = "local before = redis.call('GET', 'k') local t = redis.call('TIME') " +
    "local start = t[1] * 1000000 + t[2] repeat t = redis.call('TIME') " +
    "until t[1] * 1000000 + t[2] - start > 300000 return {before, redis.call('GET', 'k')}";
  const pending = a.call("EVAL", script, "0");
  await new Promise((r) => setTimeout(r, 50));
  const incr = b.call("INCR", "k");
  const [scriptReply, incrReply] = await Promise.all([pending, incr]);
  assertEquals(scriptReply, "*2\r\n$1\r\n0\r\n$1\r\n0\r\n");
  assertEquals(incrReply, ":1\r\n");
});

Deno.test("a runaway script is stopped at busy-reply-threshold; pcall cannot keep it alive", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("CONFIG", "SET", "busy-reply-threshold", "200"), "+OK\r\n");
  const started = performance.now();
  const loop = await c.call("EVAL", "redis.call('SET', 'before', 1) while true do end", "0");
  const elapsed = performance.now() - started;
  assert(loop.startsWith("-ERR Script killed: it ran longer than busy-reply-threshold"), loop);
  assert(loop.includes(" script: ") && loop.endsWith(", on @user_script:1.\r\n"), loop);
  assert(elapsed >= 150 && elapsed < 5000, `stopped after ${elapsed} ms`);
  // Writes made before the stop stay, and the server serves on.
  assertEquals(await c.call("GET", "before"), "$1\r\n1\r\n");
  const caught = await c.call(
    "EVAL",
    "local ok = pcall(function() while true do end end) return 'survived'",
    "0",
  );
  assert(caught.startsWith("-ERR Script killed"), caught);
  assertEquals(
    await c.call("CONFIG", "GET", "lua-time-limit"),
    "*2\r\n$14\r\nlua-time-limit\r\n$3\r\n200\r\n",
  );
  assertEquals(
    await c.call("SCRIPT", "KILL"),
    "-NOTBUSY No scripts in execution right now.\r\n",
  );
});

Deno.test("the Lua heap is bounded: a script past the limit fails, the next one runs", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("EVAL", "return 1", "0"), ":1\r\n");
  server.scripting.evalScripts.vm.vm.memoryLimit = 8 * 1024 * 1024;
  const big = await c.call(
    "EVAL",
    "local t = {} for i = 1, 1000000 do t[i] = string.rep('x', 100) .. i end return #t",
    "0",
  );
  assert(big.startsWith("-") && big.includes("not enough memory"), big);
  assertEquals(await c.call("EVAL", "return 'still here'", "0"), "$10\r\nstill here\r\n");
  assert(server.scripting.evalScripts.luaMemory < 8 * 1024 * 1024);
});

Deno.test("script writes go through the keyspace-change hook, with Redis's event names", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const events: string[] = [];
  const stop = server.keyspace.events.subscribe((_db, key, event) =>
    events.push(`${event} ${key}`)
  );
  try {
    await c.call(
      "EVAL",
      "redis.call('SET', KEYS[1], 'v') redis.call('RPUSH', KEYS[2], 'a') redis.call('DEL', KEYS[1])",
      "2",
      "s",
      "l",
    );
  } finally {
    stop();
  }
  // "new" first for a key that did not exist, as Redis's dbAdd notifies it
  assertEquals(events, ["new s", "set s", "new l", "rpush l", "del s"]);
});

Deno.test("SCRIPT FLUSH forgets scripts; EVALSHA then answers NOSCRIPT", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  const load = await c.call("SCRIPT", "LOAD", "return 'x'");
  const sha = load.split("\r\n")[1];
  assertEquals(await c.call("EVALSHA", sha, "0"), "$1\r\nx\r\n");
  assertEquals(await c.call("SCRIPT", "FLUSH"), "+OK\r\n");
  assertEquals(
    await c.call("EVALSHA", sha, "0"),
    "-NOSCRIPT No matching script. Please use EVAL.\r\n",
  );
  assertEquals(server.scripting.evalScripts.size, 0);
});

Deno.test("FUNCTION DUMP payloads cross over: Redis's (LZF) into respd, respd's into Redis", async () => {
  const { Redis } = await import("ioredis");
  await using redis = await startRedis();
  await using server = startTestServer();
  const real = new Redis({ port: redis.port, host: "127.0.0.1" });
  const ours = new Redis({ port: server.port, host: "127.0.0.1" });
  try {
    // Long enough for Redis to compress it.
    const code = "#!lua name=crosslib\n" +
      "redis.register_function('cross_echo', function(keys, args) return args[1] end)\n" +
      "redis.register_function{function_name='cross_len', callback=function(keys, args) " +
      "return #args end, flags={'no-writes'}, description='how many arguments'}\n";
    await real.function("LOAD", code);
    // ioredis types Buffer from its own @types/node: binary payloads cross as `any`.
    // deno-lint-ignore no-explicit-any
    const fromRedis: any = await real.callBuffer("FUNCTION", "DUMP");
    assertEquals(String(await ours.callBuffer("FUNCTION", "RESTORE", fromRedis)), "OK");
    assertEquals(await ours.fcall("cross_echo", 0, "hi"), "hi");
    assertEquals(await ours.fcall_ro("cross_len", 0, "a", "b"), 2);
    // The same library (Redis lists functions in its hash order: compare them sorted).
    const sorted = (list: unknown) => {
      const lib = (list as unknown[][])[0];
      return [lib[1], (lib[5] as string[][]).map((f) => f.join(" ")).sort(), lib[7]];
    };
    assertEquals(
      sorted(await ours.function("LIST", "WITHCODE")),
      sorted(await real.function("LIST", "WITHCODE")),
    );
    await real.function("FLUSH");
    // deno-lint-ignore no-explicit-any
    const fromRespd: any = await ours.callBuffer("FUNCTION", "DUMP");
    await real.callBuffer("FUNCTION", "RESTORE", fromRespd);
    assertEquals(await real.fcall("cross_echo", 0, "back"), "back");
    // A corrupted payload is refused with Redis's error.
    // deno-lint-ignore no-explicit-any
    const bad: any = Buffer.from(fromRespd);
    bad[bad.length - 1] ^= 0xff;
    let error = "";
    await ours.callBuffer("FUNCTION", "RESTORE", bad, "REPLACE").catch((e: Error) =>
      error = e.message
    );
    assertEquals(error, "ERR DUMP payload version or checksum are wrong");
  } finally {
    real.disconnect();
    ours.disconnect();
  }
});

Deno.test("a client blocked on a key a script writes is served after the script, not during it", async () => {
  for (const target of ["redis", "respd"] as const) {
    await using redis = await startRedis();
    await using server = startTestServer();
    const port = target === "redis" ? redis.port : server.port;
    using waiter = await RawClient.connect(port);
    using writer = await RawClient.connect(port);
    await waiter.sendCommand("BLPOP", "q", "0");
    // Let the BLPOP block before the script runs.
    await new Promise((r) => setTimeout(r, 100));
    const inside = await writer.call(
      "EVAL",
      "redis.call('LPUSH', KEYS[1], 'a') redis.call('LPUSH', KEYS[1], 'b') " +
        "return redis.call('LLEN', KEYS[1])",
      "1",
      "q",
    );
    assertEquals(inside, ":2\r\n", `${target}: the script sees both pushes`);
    assertEquals(await waiter.readText(), "*2\r\n$1\r\nq\r\n$1\r\nb\r\n", target);
    assertEquals(await writer.call("LRANGE", "q", "0", "-1"), "*1\r\n$1\r\na\r\n", target);
    // Redis 7.0 refuses BLPOP in scripts outright (noscript), so nothing can wait there.
    const blpop = await writer.call("EVAL", "return redis.call('BLPOP', 'empty', 0)", "0");
    assert(blpop.startsWith("-ERR This Redis command is not allowed from script"), blpop);
  }
});
