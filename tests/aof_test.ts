/**
 * The append-only file end to end, against crashes: with `appendfsync always` every acknowledged
 * write survives SIGKILL at any moment, over TCP and WebSocket, and a script or MULTI/EXEC that
 * makes two writes is never found half applied (each is one MULTI/EXEC unit in the file). Also:
 * replay of every kind of propagation (relative TTLs, random ids, scripts, transactions, blocked
 * clients served), a truncated last command, BGREWRITEAOF while clients write, CONFIG SET
 * appendonly at run time, and BGSAVE's point-in-time snapshot.
 *
 * AOF_CRASH_KILLS sets how many SIGKILLs the crash test makes (default 20).
 */

import { assert, assertEquals } from "./support/assert.ts";
import { tempDir } from "./support/temp_dir.ts";
import { RawClient } from "./support/raw_client.ts";
import { connectResp, type RespConn } from "./support/ws_raw_client.ts";
import { ChildServer, runRespdToExit } from "./support/child_server.ts";
import { freePort, run, startRedis, startTestServer } from "./support/servers.ts";
import { keyStates, untilLoaded } from "./support/key_state.ts";
import { until } from "./support/eventually.ts";

const decoder = new TextDecoder("latin1");

/** `argv` as a RESP request (one-byte characters). */
function resp(...argv: string[]): string {
  return `*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;
}

async function call(c: RespConn, ...args: string[]): Promise<string> {
  await c.sendCommand(...args);
  return decoder.decode(await c.readReplyBytes(10_000));
}

function intReply(reply: string): number {
  const m = /^[:$]\d*\r?\n?(-?\d+)?/.exec(reply);
  if (reply.startsWith(":")) return Number(reply.slice(1, reply.indexOf("\r")));
  if (reply.startsWith("$-1")) return 0;
  if (m && reply.startsWith("$")) return Number(reply.split("\r\n")[1]);
  throw new Error(`not an integer reply: ${JSON.stringify(reply)}`);
}

const PAIR_SCRIPT = "redis.call('INCR', KEYS[1]); return redis.call('INCR', KEYS[2])";

interface Writer {
  key: string;
  sent: number;
  acked: number;
}

/**
 * Writes until the connection dies: INCR of its counter, and every 4th time two INCRs that
 * must stay equal, by a script or by MULTI/EXEC in turn.
 */
async function write(c: RespConn, w: Writer, pair: [string, string]): Promise<void> {
  try {
    for (let i = 0;; i++) {
      w.sent++;
      await call(c, "INCR", w.key);
      w.acked++;
      if (i % 8 === 0) await call(c, "EVAL", PAIR_SCRIPT, "2", pair[0], pair[1]);
      if (i % 8 === 4) {
        await call(c, "MULTI");
        await call(c, "INCR", pair[0]);
        await call(c, "INCR", pair[1]);
        await call(c, "EXEC");
      }
    }
  } catch {
    // killed
  }
}

/**
 * Kills respd with SIGKILL at random moments `kills` times while three clients (two TCP,
 * one WebSocket) write; after each restart every acknowledged write is there, nothing
 * unsent is, and no script or transaction is half applied.
 */
async function crashLoop(appendfsync: "always" | "everysec", kills: number): Promise<void> {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  const writers: Writer[] = ["tcp-a", "tcp-b", "ws"].map((key) => ({ key, sent: 0, acked: 0 }));
  for (let round = 0; round <= kills; round++) {
    const child = await ChildServer.start([
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      appendfsync,
      "--ws-port",
      "0",
    ]);
    try {
      const check = await RawClient.connect(child.port);
      for (const w of writers) {
        const value = intReply(await check.call("GET", w.key));
        assert.ok(
          value >= w.acked,
          `round ${round}: ${w.key} = ${value}, acknowledged ${w.acked}`,
        );
        assert.ok(value <= w.sent, `round ${round}: ${w.key} = ${value}, sent ${w.sent}`);
        w.acked = w.sent = value;
      }
      for (const w of writers) {
        const a = intReply(await check.call("GET", `${w.key}:a`));
        const b = intReply(await check.call("GET", `${w.key}:b`));
        assertEquals(a, b, `round ${round}: a script was half applied for ${w.key}`);
      }
      check.close();
      if (round === kills) break;
      const conns = await Promise.all([
        connectResp("tcp", child.port),
        connectResp("tcp", child.port),
        connectResp("ws", child.wsPort),
      ]);
      const running = writers.map((w, i) => write(conns[i], w, [`${w.key}:a`, `${w.key}:b`]));
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 300));
      child.child.kill("SIGKILL");
      await child.child.status;
      await Promise.all(running);
      await Promise.all(conns.map((c) => c.end().catch(() => {})));
    } finally {
      await child[Symbol.asyncDispose]();
    }
  }
  assert.ok(writers.every((w) => w.acked > 0), "the writers never got a reply");
}

Deno.test("with appendfsync always, SIGKILL at random moments loses no acknowledged write", () =>
  crashLoop("always", Number(Deno.env.get("AOF_CRASH_KILLS") ?? 20)));

// everysec writes each command before its reply leaves, so a process crash (unlike a power
// cut, which may lose the last second) loses no acknowledged write either.
Deno.test("with appendfsync everysec, SIGKILL at random moments loses no acknowledged write", () =>
  crashLoop("everysec", Math.ceil(Number(Deno.env.get("AOF_CRASH_KILLS") ?? 20) / 4)));

/** A respd child on `dir` with the AOF on and no WebSocket port (plus `extra` flags). */
function startAof(dir: string, ...extra: string[]): Promise<ChildServer> {
  return ChildServer.start(["--dir", dir, "--appendonly", "yes", "--ws-port", "off", ...extra]);
}

Deno.test("a replayed AOF rebuilds relative TTLs, server-chosen ids, scripts and served pops exactly", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  let before: Map<string, string>;
  {
    await using child = await startAof(dir);
    const c = await RawClient.connect(child.port);
    const waiter = await RawClient.connect(child.port);
    await waiter.sendCommand("BLPOP", "queue", "0");
    const calls: string[][] = [
      ["SET", "plain", "v"],
      ["SET", "ex", "v", "EX", "1000"],
      ["SETEX", "setex", "500", "v"],
      ["SET", "soon", "v"],
      ["EXPIRE", "soon", "100"],
      ["INCRBYFLOAT", "float", "1.5"],
      ["RPUSH", "list", "a", "b", "c"],
      ["LPOP", "list"],
      ["XADD", "stream", "*", "f", "v"],
      ["XADD", "stream", "MAXLEN", "=", "5", "*", "g", "w"],
      [
        "EVAL",
        "redis.call('SET', KEYS[1], 'x'); redis.call('RPUSH', KEYS[2], 'y')",
        "2",
        "s1",
        "s2",
      ],
      ["LPUSH", "queue", "job1", "job2"],
      ["MULTI"],
      ["SET", "tx1", "a"],
      ["INCR", "tx2"],
      ["SPOP", "nosuchset"],
      ["EXEC"],
      ["SET", "gone", "v"],
      ["DEL", "gone"],
      ["SELECT", "2"],
      ["SET", "in-two", "v"],
      ["SELECT", "0"],
      ["EXPIRE", "plain", "-1"],
    ];
    for (const args of calls) await c.call(...args);
    assertEquals(await waiter.readText(), "*2\r\n$5\r\nqueue\r\n$4\r\njob2\r\n");
    before = await keyStates(child.port);
    c.close();
    waiter.close();
    child.child.kill("SIGKILL");
    await child.child.status;
  }
  await using again = await startAof(dir);
  assertEquals(await keyStates(again.port), before);
  const c = await RawClient.connect(again.port);
  await c.call("SELECT", "2");
  assertEquals(await c.call("GET", "in-two"), "$1\r\nv\r\n");
  c.close();
});

Deno.test("a truncated last command is cut off with aof-load-truncated yes, and refused with no", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  {
    await using child = await startAof(dir);
    const c = await RawClient.connect(child.port);
    await c.call("SET", "kept", "1");
    c.close();
    child.child.kill("SIGKILL");
    await child.child.status;
  }
  const incr = [...Deno.readDirSync(`${dir}/appendonlydir`)].find((e) =>
    e.name.endsWith(".incr.aof")
  )!;
  const path = `${dir}/appendonlydir/${incr.name}`;
  Deno.writeTextFileSync(path, "*3\r\n$3\r\nSET\r\n$4\r\nlost\r\n$1", { append: true });
  const refused = await runRespdToExit([
    "--save",
    "",
    "--dir",
    dir,
    "--appendonly",
    "yes",
    "--aof-load-truncated",
    "no",
  ]);
  assertEquals(refused.code, 1, refused.stderr);
  assert.match(refused.stderr, /Unexpected end of file reading the append only file/);
  await using child = await startAof(dir);
  assert.ok(
    child.logs.some((l) => l.includes("aof-load-truncated is enabled")),
    child.logs.join("\n"),
  );
  const c = await RawClient.connect(child.port);
  assertEquals(await c.call("GET", "kept"), "$1\r\n1\r\n");
  assertEquals(await c.call("EXISTS", "lost"), ":0\r\n");
  // The file was cut back to its last whole command: new writes append cleanly.
  await c.call("SET", "after", "2");
  c.close();
  child.child.kill("SIGKILL");
  await child.child.status;
  await using again = await startAof(dir);
  const d = await RawClient.connect(again.port);
  assertEquals(await d.call("MGET", "kept", "after"), "*2\r\n$1\r\n1\r\n$1\r\n2\r\n");
  d.close();
});

Deno.test("BGREWRITEAOF while clients write: the new base and increment hold every write", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  let before: Map<string, string>;
  {
    await using child = await startAof(dir);
    const c = await RawClient.connect(child.port);
    for (let i = 0; i < 50; i++) {
      await c.call(
        "MSET",
        ...Array.from({ length: 100 }, (_, j) => [`k${i}:${j}`, `v${j}`]).flat(),
      );
    }
    assertEquals(
      await c.call("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    for (let i = 0; i < 200; i++) await c.call("SET", `k${i % 50}:${i % 100}`, `new${i}`);
    await c.call("RPUSH", "tail", "x");
    for (let i = 0; i < 200; i++) {
      if ((await c.call("INFO", "persistence")).includes("aof_rewrite_in_progress:0")) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const manifest = Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.manifest`);
    assertEquals(
      manifest,
      "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
    );
    before = await keyStates(child.port);
    c.close();
    child.child.kill("SIGKILL");
    await child.child.status;
  }
  assertEquals(
    [...Deno.readDirSync(`${dir}/appendonlydir`)].map((e) => e.name).sort(),
    ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"],
  );
  const check = await run("redis-check-rdb", [`${dir}/appendonlydir/appendonly.aof.2.base.rdb`]);
  assertEquals(check.code, 0, check.stdout);
  await using again = await startAof(dir);
  assertEquals(await keyStates(again.port), before);
});

Deno.test("Redis 7.0 loads respd's AOF directory", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  let before: Map<string, string>;
  {
    await using server = startTestServer({ dir });
    const c = await RawClient.connect(server.port);
    await c.call("SET", "before-aof", "1");
    assertEquals(await c.call("CONFIG", "SET", "appendonly", "yes"), "+OK\r\n");
    await c.call("RPUSH", "after-aof", "a", "b");
    await c.call("SET", "ttl", "v", "PX", "100000");
    assertEquals(
      await c.call("CONFIG", "GET", "appendonly"),
      "*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n",
    );
    before = await keyStates(server.port);
    c.close();
  }
  await using redis = await startRedis(["--dir", dir, "--appendonly", "yes"]);
  await untilLoaded(redis.port);
  assertEquals(await keyStates(redis.port), before);
});

Deno.test("BGREWRITEAOF with appendonly no writes a base and a manifest, as Redis 7.0", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  let before: Map<string, string>;
  {
    await using server = startTestServer({ dir });
    const c = await RawClient.connect(server.port);
    await c.call("SET", "k", "v");
    await c.call("HSET", "h", "f", "1");
    assertEquals(
      await c.call("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    await server.aof.waitForRewrite();
    assert.match(await c.call("INFO", "persistence"), /aof_enabled:0\r\n[^]*aof_rewrites:1\r\n/);
    before = await keyStates(server.port);
    c.close();
  }
  assertEquals(
    Deno.readTextFileSync(`${dir}/appendonlydir/appendonly.aof.manifest`),
    "file appendonly.aof.1.base.rdb seq 1 type b\n",
  );
  await using redis = await startRedis(["--dir", dir, "--appendonly", "yes"]);
  await untilLoaded(redis.port);
  assertEquals(await keyStates(redis.port), before);
});

Deno.test("BGSAVE saves the dataset as it was when it started, whatever is written meanwhile", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  await using server = startTestServer({ dir });
  const c = await RawClient.connect(server.port);
  for (let i = 0; i < 10; i++) {
    await c.call(
      "MSET",
      ...Array.from({ length: 1000 }, (_, j) => [`k${i * 1000 + j}`, "x".repeat(50)]).flat(),
    );
  }
  await c.call("RPUSH", "list", "a", "b");
  const before = await keyStates(server.port);
  // One batch: BGSAVE, then writes that land before the snapshot reaches their keys.
  let batch = "*1\r\n$6\r\nBGSAVE\r\n";
  const cmd = (...args: string[]) =>
    `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;
  for (let i = 0; i < 200; i++) batch += cmd("SET", `k${i * 97}`, "changed");
  batch += cmd("DEL", "k5") + cmd("RPUSH", "list", "c") + cmd("SET", "new-key", "v") +
    cmd("RENAME", "k6", "k6-renamed");
  await c.send(batch);
  for (let i = 0; i < 205; i++) await c.readText(30_000);
  await server.persistence.waitForBgsave();
  c.close();
  await using redis = await startRedis(["--dir", dir]);
  await untilLoaded(redis.port);
  assertEquals(await keyStates(redis.port), before);
});

Deno.test("while a large AOF loads, clients get -LOADING and INFO's loading fields over its files' bytes, then the data", async () => {
  await using dirTmp = await tempDir();
  const dir = dirTmp.path;
  {
    // Redis writes the AOF: a base of 300k keys (its rewrite), then an increment. `always`:
    // with everysec Redis may postpone a write while a background fsync runs (after the
    // rewrite, one does), and the stop at the end of this block would lose it.
    await using redis = await startRedis([
      "--dir",
      dir,
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--enable-debug-command",
      "yes",
    ]);
    const r = await RawClient.connect(redis.port);
    try {
      assertEquals(await r.call("DEBUG", "POPULATE", "300000"), "+OK\r\n");
      assert.match(await r.call("BGREWRITEAOF"), /^\+Background append only file rewriting/);
      while (
        !/aof_rewrite_in_progress:0\r\naof_rewrite_scheduled:0\r\n/.test(
          await r.call("INFO", "persistence"),
        )
      ) await new Promise((resolve) => setTimeout(resolve, 20));
      await r.call("SET", "after-rewrite", "yes");
      const loop = "for i = 1, 5000 do redis.call('INCR', KEYS[1]) end return 1";
      assertEquals(await r.call("EVAL", loop, "1", "counter"), ":1\r\n");
    } finally {
      r.close();
    }
  }
  const files = [...Deno.readDirSync(`${dir}/appendonlydir`)].filter((e) =>
    !e.name.endsWith("manifest")
  );
  assert.ok(
    files.some((e) => e.name.endsWith(".base.rdb")) &&
      files.some((e) => e.name.endsWith(".incr.aof")),
  );
  const total = files.reduce(
    (sum, e) => sum + Deno.statSync(`${dir}/appendonlydir/${e.name}`).size,
    0,
  );
  const base = Deno.statSync(
    `${dir}/appendonlydir/${files.find((e) => e.name.endsWith(".base.rdb"))!.name}`,
  ).size;
  const port = freePort();
  await using child = ChildServer.spawn([
    "--port",
    String(port),
    "--dir",
    dir,
    "--appendonly",
    "yes",
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
    assert.match(info, new RegExp(`loading_total_bytes:${total}\r\n`));
    const loaded = Number(/loading_loaded_bytes:(\d+)\r\n/.exec(info)![1]);
    // still in the base: it loads in slices too, not in one step
    assert.ok(loaded < base, `loaded ${loaded} of ${total}, the base is ${base}`);
    assert.match(info, /loading_loaded_perc:\d+\.\d\d\r\n/);
    await child.ready;
    assertEquals(await c.call("GET", "key:1"), "$7\r\nvalue:1\r\n");
    assertEquals(await c.call("GET", "counter"), "$4\r\n5000\r\n");
    assertEquals(await c.call("DBSIZE"), ":300002\r\n");
    assert.match(await c.call("INFO", "persistence"), /loading:0\r\n/);
  } finally {
    c.close();
  }
});

Deno.test("the incremental file holds the same bytes as redis-server's for writes recorded as sent (copied from the request, inline requests encoded)", async () => {
  await using respdDir = await tempDir();
  await using child = await startAof(respdDir.path, "--appendfsync", "always");
  await using redis = await startRedis(["--appendonly", "yes", "--appendfsync", "always"]);
  const redisDir = (await RawClient.connect(redis.port).then(async (c) => {
    const reply = await c.call("CONFIG", "GET", "dir");
    c.close();
    return reply;
  })).split("\r\n")[4];
  const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
  // [request bytes, replies they get]
  const requests: [Uint8Array, number][] = [
    ["SET", "plain", "v"],
    ["set", "lower", "case"],
    ["SET", "bin", "\x00\xff\r\n"],
    ["MSET", "a", "1", "b", "2"],
    ["INCR", "counter"],
    ["DEL", "nosuchkey"], // changes nothing: not recorded
    ["RPUSH", "list", "x", "y"],
    ["SELECT", "3"],
    ["SET", "in-three", "v"],
    ["HSET", "h", "f", "v"],
    ["SELECT", "0"],
    ["DEL", "a", "b"],
  ].map((argv) => [latin1(resp(...argv)), 1]);
  // An inline request, and pipelines, as clients may send them: a run of requests copied at
  // once, cut where a request is not recorded and where the database changes.
  requests.push([latin1("SET inline yes\r\n"), 1]);
  const run = [
    ["SET", "p1", "a"],
    ["SET", "p2", "b"],
    ["DEL", "nosuchkey"],
    ["INCR", "counter"],
    ["SELECT", "5"],
    ["SET", "p3", "c"],
    ["RPUSH", "list5", "z"],
    ["SELECT", "0"],
    ["SET", "p4", "d"],
  ];
  requests.push([latin1(run.map((argv) => resp(...argv)).join("")), run.length]);
  requests.push([latin1(resp("INCR", "counter") + resp("APPEND", "plain", "w")), 2]);
  for (const port of [child.port, redis.port]) {
    const c = await RawClient.connect(port);
    try {
      for (const [bytes, replies] of requests) {
        await c.send(bytes);
        for (let i = 0; i < replies; i++) await c.readText();
      }
    } finally {
      c.close();
    }
  }
  const incr = (dir: string) => Deno.readFileSync(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
  const written = decoder.decode(incr(respdDir.path));
  assert.match(written, /\$6\r\nAPPEND\r\n\$5\r\nplain\r\n\$1\r\nw\r\n$/);
  assertEquals(written, decoder.decode(incr(redisDir)));
});

/**
 * A server with `appendfsync always` in a temporary directory, and what fdatasync has made
 * durable: `onDisk(command)` tells whether the command's bytes lie within the AOF's size
 * when the last finished fdatasync began; `syncs` counts them. Disposing restores
 * fdatasync and stops the server.
 */
async function alwaysServer() {
  const dir = await tempDir();
  const server = startTestServer({ dir: dir.path, appendonly: true, appendfsync: "always" });
  const incrPath = `${dir.path}/appendonlydir/appendonly.aof.1.incr.aof`;
  const proto = Deno.FsFile.prototype;
  const { syncDataSync } = proto;
  const state = {
    server,
    durable: 0,
    syncs: 0,
    onDisk: (command: string) =>
      decoder.decode(Deno.readFileSync(incrPath).subarray(0, state.durable)).includes(command),
    async [Symbol.asyncDispose]() {
      proto.syncDataSync = syncDataSync;
      await server[Symbol.asyncDispose]();
      await dir[Symbol.asyncDispose]();
    },
  };
  proto.syncDataSync = function (this: Deno.FsFile) {
    const size = this.statSync().size;
    syncDataSync.call(this);
    state.durable = Math.max(state.durable, size);
    state.syncs++;
  };
  return state;
}

Deno.test("with appendfsync always, no reply leaves before its command's bytes are fdatasynced", async () => {
  await using always = await alwaysServer();
  const clients = await Promise.all([0, 1, 2, 3].map(() => RawClient.connect(always.server.port)));
  let requests = 0;
  try {
    await Promise.all(clients.map(async (c, n) => {
      for (let round = 0; round < 25; round++) {
        const sets = Array.from({ length: 8 }, (_, i) => [`k${n}:${round}:${i}`, `v${i}`]);
        await c.send(sets.map(([k, v]) => resp("SET", k, v)).join(""));
        for (const [k, v] of sets) {
          assertEquals(await c.readText(), "+OK\r\n");
          requests++;
          // The reply arrived: the command is within the bytes fdatasync covered.
          assert.ok(always.onDisk(resp("SET", k, v)), `SET ${k} acknowledged before its fdatasync`);
        }
      }
    }));
  } finally {
    for (const c of clients) c.close();
  }
  // Group commit: pipelined and concurrent writes share an fdatasync.
  const { syncs } = always;
  assert.ok(syncs > 0 && syncs < requests / 2, `${syncs} fdatasyncs for ${requests} writes`);
});

Deno.test("with appendfsync always, no reply, notification or woken client shows a write before its fdatasync", async () => {
  await using always = await alwaysServer();
  const { server, onDisk } = always;
  const [writer, reader, subscriber, popper] = await Promise.all(
    [0, 1, 2, 3].map(() => RawClient.connect(server.port)),
  );
  try {
    assertEquals(await writer.call("CONFIG", "SET", "notify-keyspace-events", "K$"), "+OK\r\n");
    await subscriber.sendCommand("SUBSCRIBE", "__keyspace@0__:k");
    await subscriber.readText();
    for (let round = 0; round < 20; round++) {
      await popper.sendCommand("BLPOP", "list", "0");
      await until(() => server.blocking.blockedCount === 1, "BLPOP to block");
      const value = `v${round}`;
      // One batch: a write another client reads, a notification, a woken BLPOP.
      await writer.send(resp("SET", "k", value) + resp("RPUSH", "list", value));
      await reader.sendCommand("GET", "k");
      const seen = (reply: Promise<string>) =>
        reply.then((text) => [text, onDisk(resp("SET", "k", value))] as const);
      const writes = (async () => [await seen(writer.readText()), await seen(writer.readText())])();
      const [[set, pushed], read, notified, popped] = await Promise.all([
        writes,
        seen(reader.readText()),
        seen(subscriber.readText()),
        seen(popper.readText()),
      ]);
      assertEquals(set, ["+OK\r\n", true]);
      assertEquals(pushed, [":1\r\n", true]);
      assert.ok(read[1], `GET showed ${read[0]} before its SET's fdatasync`);
      assert.ok(notified[1], `a keyspace notification arrived before the SET's fdatasync`);
      assert.ok(popped[1], `BLPOP was answered before the RPUSH's fdatasync`);
    }
  } finally {
    for (const c of [writer, reader, subscriber, popper]) c.close();
  }
});
