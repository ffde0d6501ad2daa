/**
 * Real clients, unmodified, against respd on port 0: redis-cli (Debian's, through its
 * arguments and through stdin, in RESP2 and RESP3 (-3)), ioredis (whose handshake is HELLO 3,
 * CLIENT SETINFO and an INFO ready check) and node-redis (RESP3 by default, and RESP2).
 * Each runs a realistic session: strings, expiry, SCAN, lists, pipelined batches without
 * MULTI, and errors. Every client is closed (QUIT / close) so the sanitizers stay on.
 */

import { Redis } from "ioredis";
import { createClient } from "redis";
import { assert, assertEquals } from "./support/assert.ts";
import { run, startRedis, startTestServer } from "./support/servers.ts";

/** Runs redis-cli against `port`; stdin, when given, is the command script. */
async function redisCli(port: number, args: string[], stdin?: string) {
  const r = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], stdin);
  assertEquals(r.stderr, "", "redis-cli wrote to stderr");
  return r;
}

Deno.test("redis-cli runs commands given as arguments", async () => {
  await using server = startTestServer();
  const p = server.port;
  assertEquals((await redisCli(p, ["PING"])).stdout, "PONG\n");
  assertEquals((await redisCli(p, ["SET", "greeting", "hello world"])).stdout, "OK\n");
  assertEquals((await redisCli(p, ["GET", "greeting"])).stdout, "hello world\n");
  assertEquals((await redisCli(p, ["-n", "3", "SET", "in3", "x"])).stdout, "OK\n");
  assertEquals((await redisCli(p, ["-n", "3", "DBSIZE"])).stdout, "1\n");
  assertEquals((await redisCli(p, ["DBSIZE"])).stdout, "1\n");
  assertEquals((await redisCli(p, ["-r", "3", "INCR", "counter"])).stdout, "1\n2\n3\n");
  // A tty-less redis-cli prints errors on stdout and still exits 0 for a command error.
  const bad = await redisCli(p, ["NOSUCH", "a"]);
  assertEquals(bad.stdout, "ERR unknown command 'NOSUCH', with args beginning with: 'a' \n\n");
  const info = await redisCli(p, ["INFO", "server"]);
  assert(info.stdout.includes("redis_version:7.0.15"), info.stdout);
  await redisCli(p, ["RPUSH", "mylist", "a", "b", "c"]);
  const scan = await redisCli(p, ["--scan", "--pattern", "gr*"]);
  assertEquals(scan.stdout, "greeting\n");
  const bigkeys = await redisCli(p, ["--bigkeys"]);
  assert(bigkeys.stdout.includes(`Biggest   list found '"mylist"' has 3 items`), bigkeys.stdout);
  assert(bigkeys.stdout.includes("Biggest string found"), bigkeys.stdout);
  const memkeys = await redisCli(p, ["--memkeys"]);
  assert(
    /Biggest {3}list found '"mylist"' has [1-9]\d* bytes/.test(memkeys.stdout),
    memkeys.stdout,
  );
  const clientList = await redisCli(p, ["CLIENT", "LIST"]);
  assert(/^id=\d+ addr=127\.0\.0\.1:\d+ .*cmd=client\|list/.test(clientList.stdout));
});

Deno.test("redis-cli reads a session script from stdin, in RESP2 and RESP3", async () => {
  await using server = startTestServer();
  const script = [
    "SET user:1 alice",
    "GET user:1",
    "EXPIRE user:1 100",
    "TTL user:1",
    "MSET a 1 b 2",
    "MGET a b nokey",
    "RPUSH list x y z",
    "LRANGE list 0 -1",
    "SCAN 0 MATCH user:* COUNT 100",
    "GET",
    "ECHO bye",
    "",
  ].join("\n");
  const expected = [
    "OK",
    "alice",
    "1",
    "100",
    "OK",
    "1",
    "2",
    "",
    "3",
    "x",
    "y",
    "z",
    "0",
    "user:1",
    "ERR wrong number of arguments for 'get' command",
    "",
    "bye",
    "",
  ].join("\n");
  assertEquals((await redisCli(server.port, [], script)).stdout, expected);
  const resp3 = await redisCli(server.port, ["-3"], "FLUSHALL\n" + script);
  assertEquals(resp3.stdout, "OK\n" + expected);
  // And exactly what redis-cli prints for a real Redis 7.0.
  await using redis = await startRedis();
  const hello = async (port: number) =>
    (await redisCli(port, ["-3", "HELLO", "3"])).stdout.replace(/^id \d+$/m, "id N");
  assertEquals(await hello(server.port), await hello(redis.port));
  assertEquals((await redisCli(redis.port, [], script)).stdout, expected);
  assertEquals(
    (await redisCli(redis.port, ["-3"], "FLUSHALL\n" + script)).stdout,
    "OK\n" + expected,
  );
});

Deno.test("interactive redis-cli (on a pseudo-terminal) prints what it prints for Redis", async () => {
  // `script` gives redis-cli a terminal, so it runs its interactive mode (prompt, typed
  // replies, the COMMAND DOCS it fetches at start); TERM=dumb and no echo keep the output
  // plain and deterministic.
  const session = "SET a 1\nGET a\nINCR a\nLPUSH a x\nTTL a\nCLIENT GETNAME\nHELLO 3\nquit\n";
  const interactive = async (port: number) => {
    const child = new Deno.Command("script", {
      args: ["-qc", `stty -echo; redis-cli -h 127.0.0.1 -p ${port}`, "/dev/null"],
      env: { TERM: "dumb" },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(session));
    await w.close();
    const out = await child.output();
    assertEquals(out.code, 0);
    // Typed lines may be echoed or not, depending on when `stty -echo` ran: drop them.
    const typed = new Set(session.split("\n"));
    return new TextDecoder().decode(out.stdout).split("\r\n")
      .filter((line) => !typed.has(line))
      .join("\n")
      .replaceAll(`:${port}>`, ":PORT>")
      .replace(/"id" => \(integer\) \d+/, '"id" => N');
  };
  await using server = startTestServer();
  await using redis = await startRedis();
  const ours = await interactive(server.port);
  assert(ours.includes("(integer) 2"), ours);
  assertEquals(ours, await interactive(redis.port));
});

for (const protocol of [3, 2] as const) {
  Deno.test(`ioredis (protocol ${protocol}) runs a realistic session`, async () => {
    await using server = startTestServer();
    const redis = new Redis({
      host: "127.0.0.1",
      port: server.port,
      connectionName: "ioredis-test",
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      protocol,
    });
    try {
      await redis.connect();
      assertEquals(await redis.ping(), "PONG");
      assertEquals(await redis.set("user:1", "alice", "EX", 100), "OK");
      assertEquals(await redis.get("user:1"), "alice");
      assertEquals(await redis.ttl("user:1"), 100);
      assertEquals(await redis.incrby("hits", 5), 5);
      assertEquals(await redis.mget("user:1", "hits", "nokey"), ["alice", "5", null]);
      // A pipeline: one batch on the wire, no MULTI.
      const results = await redis.pipeline().set("p1", "a").get("p1").incr("p2").lpush("pl", "x")
        .exec();
      assertEquals(results, [[null, "OK"], [null, "a"], [null, 1], [null, 1]]);
      const keys: string[] = [];
      let cursor = "0";
      do {
        const [next, batch] = await redis.scan(cursor, "MATCH", "p*", "COUNT", 2);
        keys.push(...batch);
        cursor = next;
      } while (cursor !== "0");
      assertEquals(keys.sort(), ["p1", "p2", "pl"]);
      await assertRejects(() => redis.call("nosuch"), /unknown command 'nosuch'/);
      await assertRejects(() => redis.lpush("user:1", "x"), /WRONGTYPE/);
      assertEquals(await redis.client("GETNAME"), "ioredis-test");
      const info = String(await redis.client("INFO"));
      assert(info.includes("name=ioredis-test") && info.includes(`resp=${protocol}`), info);
      assert(info.includes("lib-name=ioredis"), info);
    } finally {
      await redis.quit();
    }
  });
}

Deno.test("ioredis and node-redis authenticate in their handshake (HELLO 3 AUTH)", async () => {
  await using server = startTestServer({ requirepass: "s3cret" });
  const base = { host: "127.0.0.1", port: server.port, lazyConnect: true, maxRetriesPerRequest: 0 };
  const io = new Redis({ ...base, password: "s3cret" });
  try {
    await io.connect();
    assertEquals(await io.set("k", "v"), "OK");
  } finally {
    await io.quit();
  }
  const wrong = new Redis({ ...base, password: "nope", retryStrategy: () => null });
  const errors: string[] = [];
  wrong.on("error", (e: Error) => errors.push(e.message));
  // As with a real Redis: the handshake's WRONGPASS is emitted, then connect() fails.
  await assertRejects(() => wrong.connect(), /Connection is closed/);
  wrong.disconnect();
  assertEquals(errors, ["WRONGPASS invalid username-password pair or user is disabled."]);
  const node = createClient({
    socket: { host: "127.0.0.1", port: server.port, reconnectStrategy: false },
    password: "s3cret",
  });
  node.on("error", () => {});
  await node.connect();
  try {
    assertEquals(await node.get("k"), "v");
  } finally {
    await node.close();
  }
});

async function assertRejects(fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await fn();
  } catch (e: unknown) {
    assert(e instanceof Error && message.test(e.message), String(e));
    return;
  }
  throw new Error(`expected a rejection matching ${message}`);
}

for (const RESP of [3, 2] as const) {
  Deno.test(`node-redis (RESP${RESP}) runs a realistic session`, async () => {
    await using server = startTestServer();
    const client = createClient({
      socket: { host: "127.0.0.1", port: server.port, reconnectStrategy: false },
      RESP,
      name: "node-redis-test",
    });
    client.on("error", () => {}); // failures surface through the awaited commands
    await client.connect();
    try {
      assertEquals(await client.ping(), "PONG");
      assertEquals(await client.set("user:1", "alice", { EX: 100 }), "OK");
      assertEquals(await client.get("user:1"), "alice");
      assertEquals(await client.ttl("user:1"), 100);
      assertEquals(await client.expire("user:1", 50), 1);
      assertEquals(await client.ttl("user:1"), 50);
      // Commands issued in the same tick go out as one pipelined batch.
      const batch = await Promise.all([
        client.set("n", "10"),
        client.incrBy("n", 5),
        client.get("n"),
        client.rPush("list", ["a", "b"]),
        client.lRange("list", 0, -1),
        client.exists(["n", "list", "nokey"]),
      ]);
      assertEquals(batch, ["OK", 15, "15", 2, ["a", "b"], 2]);
      const seen: string[] = [];
      for await (const keys of client.scanIterator({ MATCH: "*", COUNT: 2 })) seen.push(...keys);
      assertEquals(seen.sort(), ["list", "n", "user:1"]);
      await assertRejects(() => client.sendCommand(["NOSUCH"]), /unknown command 'NOSUCH'/);
      await assertRejects(() => client.incr("list"), /WRONGTYPE/);
      assertEquals(await client.clientGetName(), "node-redis-test");
      const info = await client.clientInfo();
      assertEquals(info.name, "node-redis-test");
      assertEquals(info.resp, RESP);
    } finally {
      await client.close();
    }
  });
}
