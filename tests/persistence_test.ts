/**
 * RDB persistence end to end, with real Redis on the other side: a dump.rdb written by
 * redis-server 7.0.15 loads into respd with every key, value (compared as DUMP payloads,
 * which are byte-identical) and expiry; respd's SAVE is accepted by redis-check-rdb and
 * loads back into redis-server with the same result. Then the process-level guarantees:
 * a SIGTERM saves and a restart loads, SHUTDOWN [NOSAVE|SAVE], save points, BGSAVE while
 * clients write (the file holds the dataset as it was when BGSAVE started), and a corrupt
 * or truncated file stops respd with an error instead of a partial load.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { tempDir } from "./support/temp_dir.ts";
import { RawClient } from "./support/raw_client.ts";
import { freePort, run, startRedis, startTestServer } from "./support/servers.ts";
import { ChildServer, runRespdToExit } from "./support/child_server.ts";
import { keyStates, untilLoaded } from "./support/key_state.ts";
import { Server } from "../src/server.ts";

/** Writes one of every kind respd holds to the server at `port`. */
async function fill(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    const calls: string[][] = [
      ["SET", "str", "hello"],
      ["SET", "int", "12345"],
      ["SET", "neg", "-77"],
      ["SET", "long", "abcdefghij".repeat(60)],
      ["SET", "ttl", "v", "PX", "86400000"],
      ["RPUSH", "small", "a", "b", "1", "-2", "70000"],
      [
        "RPUSH",
        "big",
        ...Array.from({ length: 2000 }, (_, i) => `item-${i}-${"z".repeat(i % 40)}`),
      ],
      ["XADD", "stream", "1-1", "f", "v"],
      ["XADD", "stream", "1-2", "f", "w", "g", "x"],
      ["XADD", "stream", "5-0", "f", "y"],
      ["XGROUP", "CREATE", "stream", "grp", "0"],
      ["XREADGROUP", "GROUP", "grp", "alice", "COUNT", "2", "STREAMS", "stream", ">"],
      ["XGROUP", "CREATE", "stream", "other", "$"],
      ["SELECT", "3"],
      ["SET", "in-db-3", "x"],
      ["RPUSH", "list-3", "q"],
    ];
    for (const args of calls) await c.call(...args);
  } finally {
    c.close();
  }
}

const DBS = [0, 3];

Deno.test("a dump.rdb from redis-server loads into respd, and respd's loads back into redis-server", async () => {
  await using redisDir = await tempDir();
  await using respdDir = await tempDir();
  const fromRedis = redisDir.path;
  const fromRespd = respdDir.path;
  let expected: Map<string, string>;
  {
    await using redis = await startRedis(["--dir", fromRedis]);
    await fill(redis.port);
    const c = await RawClient.connect(redis.port);
    assertEquals(await c.call("SAVE"), "+OK\r\n");
    c.close();
    expected = await keyStates(redis.port, DBS);
  }
  assert.ok(expected.size >= 9);

  const server = new Server({ port: 0, wsPort: null, bind: "127.0.0.1", dir: fromRedis });
  await using _ = server;
  assertEquals(server.persistence.load(), expected.size);
  server.listen();
  assertEquals(await keyStates(server.port, DBS), expected);

  server.config.dir = fromRespd;
  const c = await RawClient.connect(server.port);
  assertEquals(await c.call("SAVE"), "+OK\r\n");
  c.close();
  const check = await run("redis-check-rdb", [`${fromRespd}/dump.rdb`]);
  assertEquals(check.code, 0, check.stdout + check.stderr);
  assert.match(check.stdout, new RegExp(`${expected.size} keys read`));

  await using redis2 = await startRedis(["--dir", fromRespd]);
  await untilLoaded(redis2.port);
  assertEquals(await keyStates(redis2.port, DBS), expected);
});

Deno.test("SIGTERM saves when save points are set, and the restarted server has every key", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  let before: Map<string, string>;
  {
    await using child = await ChildServer.start([
      "--dir",
      dir,
      "--save",
      "3600 1",
      "--ws-port",
      "off",
    ]);
    await fill(child.port);
    before = await keyStates(child.port, DBS);
    child.child.kill("SIGTERM");
    assertEquals((await child.child.status).code, 0);
    assert.ok(child.logs.some((l) => l.includes("DB saved on disk")), child.logs.join("\n"));
  }
  await using again = await ChildServer.start(["--dir", dir, "--ws-port", "off"]);
  assert.ok(again.logs.some((l) => /keys loaded: \d+/.test(l)), again.logs.join("\n"));
  assertEquals(await keyStates(again.port, DBS), before);
});

Deno.test("SHUTDOWN NOSAVE leaves no file; SHUTDOWN SAVE writes one even without save points", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  {
    await using child = await ChildServer.start(["--dir", dir, "--ws-port", "off"]);
    const c = await RawClient.connect(child.port);
    await c.call("SET", "k", "v");
    assertEquals(await c.call("SHUTDOWN", "NOSAVE", "SAVE"), "-ERR syntax error\r\n");
    assertEquals(await c.call("SHUTDOWN", "ABORT"), "-ERR No shutdown in progress.\r\n");
    await c.send("*2\r\n$8\r\nSHUTDOWN\r\n$6\r\nNOSAVE\r\n");
    assertEquals((await child.child.status).code, 0);
    c.close();
  }
  await assert.rejects(() => Deno.stat(`${dir}/dump.rdb`));
  {
    await using child = await ChildServer.start(["--dir", dir, "--ws-port", "off"]);
    const c = await RawClient.connect(child.port);
    await c.call("SET", "k", "v");
    await c.send("*2\r\n$8\r\nSHUTDOWN\r\n$4\r\nSAVE\r\n");
    assertEquals((await child.child.status).code, 0);
    c.close();
  }
  await using again = await ChildServer.start(["--dir", dir, "--ws-port", "off"]);
  const c = await RawClient.connect(again.port);
  assertEquals(await c.call("GET", "k"), "$1\r\nv\r\n");
  c.close();
});

Deno.test("a save point starts a BGSAVE once enough keys changed", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  await using server = startTestServer({ dir, save: [[1, 2]] });
  const c = await RawClient.connect(server.port);
  const lastsave = await c.call("LASTSAVE");
  await c.call("SET", "a", "1");
  await c.call("SET", "b", "2");
  let saved = false;
  for (let i = 0; i < 100 && !saved; i++) {
    await new Promise((r) => setTimeout(r, 100));
    saved = server.persistence.status.saves > 0;
  }
  assert.ok(saved, "no BGSAVE within 10 s");
  assert.notEqual(await c.call("LASTSAVE"), lastsave);
  assertEquals(server.persistence.status.changesSinceLastSave, 0);
  c.close();
});

Deno.test("BGSAVE replies at once, refuses a second one, and SAVE waits for no one", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  await using server = startTestServer({ dir });
  const c = await RawClient.connect(server.port);
  const values = Array.from({ length: 3000 }, (_, i) => [`k${i}`, `value-${i}`]).flat();
  await c.call("MSET", ...values);
  // One batch: the background save cannot write its first slice before the batch ends.
  await c.send("*1\r\n$6\r\nBGSAVE\r\n*1\r\n$6\r\nBGSAVE\r\n*1\r\n$4\r\nSAVE\r\n");
  assertEquals(await c.readText(30_000), "+Background saving started\r\n");
  assertEquals(await c.readText(30_000), "-ERR Background save already in progress\r\n");
  assertEquals(await c.readText(30_000), "-ERR Background save already in progress\r\n");
  assertEquals(await c.call("BGSAVE", "NOW"), "-ERR syntax error\r\n");
  await server.persistence.waitForBgsave();
  assertEquals(await c.call("SAVE"), "+OK\r\n");
  c.close();
  const check = await run("redis-check-rdb", [`${dir}/dump.rdb`]);
  assertEquals(check.code, 0, check.stdout);
  assert.match(check.stdout, /3000 keys read/);
});

Deno.test("a corrupt or truncated dump.rdb stops respd with an error, never a partial load", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  {
    await using redis = await startRedis(["--dir", dir]);
    await fill(redis.port);
    const c = await RawClient.connect(redis.port);
    await c.call("SAVE");
    c.close();
  }
  const good = await Deno.readFile(`${dir}/dump.rdb`);
  const cases: [string, Uint8Array][] = [
    ["truncated", good.slice(0, Math.floor(good.length / 2))],
    ["flipped byte", good.map((b, i) => (i === 200 ? b ^ 0x55 : b))],
    ["not an RDB file", new TextEncoder().encode("hello, not redis\n")],
  ];
  for (const [name, bytes] of cases) {
    await Deno.writeFile(`${dir}/dump.rdb`, bytes);
    const out = await runRespdToExit(["--dir", dir]);
    assertEquals(out.code, 1, `${name}: ${out.stderr}`);
    assert.match(out.stderr, /Fatal error loading the DB/, name);
    assert.doesNotMatch(out.stderr, /ready: TCP/, name);
  }
});

Deno.test("while a large dump.rdb loads, clients get -LOADING and INFO's loading fields, then the data", async () => {
  await using tmp = await tempDir();
  {
    await using redis = await startRedis(["--dir", tmp.path, "--enable-debug-command", "yes"]);
    const r = await RawClient.connect(redis.port);
    assertEquals(await r.call("DEBUG", "POPULATE", "300000"), "+OK\r\n");
    assertEquals(await r.call("SAVE"), "+OK\r\n");
    r.close();
  }
  const port = freePort();
  await using child = ChildServer.spawn([
    "--port",
    String(port),
    "--dir",
    tmp.path,
    "--ws-port",
    "off",
  ]);
  const c = await RawClient.connectWhenListening(port);
  try {
    // A few keys of 300k in, the load is still running (it yields every 10 ms of work).
    assertEquals(
      await c.call("GET", "key:1"),
      "-LOADING Redis is loading the dataset in memory\r\n",
    );
    const info = await c.call("INFO", "persistence");
    assert.match(info, /loading:1\r\n/);
    assert.match(info, /loading_total_bytes:[1-9]\d*\r\n/);
    assert.match(info, /loading_loaded_perc:\d+\.\d\d\r\n/);
    assert.match(await c.call("SET", "k", "v"), /^-LOADING/);
    await child.ready;
    assertEquals(await c.call("GET", "key:1"), "$7\r\nvalue:1\r\n");
    assertEquals(await c.call("DBSIZE"), ":300000\r\n");
    assert.match(await c.call("INFO", "persistence"), /loading:0\r\n/);
  } finally {
    c.close();
  }
});
