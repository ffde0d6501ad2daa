/**
 * Connection, CLIENT, CONFIG, INFO, COMMAND, TIME and LASTSAVE. Where Redis 7.0's reply is
 * deterministic it is the specification: those sequences run against a real redis-server
 * and respd and are compared byte for byte in RESP2 and RESP3. Replies that carry
 * per-process facts (addresses, ids, uptime, memory) are checked for their format and for
 * the values respd really has.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { DifferentialRig, seq, type Sequence } from "./support/differential.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { allCommands } from "../src/commands/registry.ts";

const sequences: Sequence[] = [
  seq("HELLO checks the version before the options", "HELLO 4 foo", "HELLO -1 SETNAME x"),
  seq("HELLO quotes a bad option as given", "HELLO 3 foo", "HELLO 2 SETNAME a Bar"),
  seq(
    "HELLO applies SETNAME before a later bad option, as Redis 7.0",
    "HELLO 3 SETNAME first FOO",
    "CLIENT GETNAME",
    "HELLO 3 SETNAME a SETNAME b x",
    "CLIENT GETNAME",
  ),
  seq("HELLO with a huge version", "HELLO 99999999999999999999"),
  seq("PING with two words is an arity error", "PING a b", "PING"),
  seq("QUIT flags and RESET arity", "RESET x", { cmd: "COMMAND INFO quit reset" }),
  seq("RESET forgets the name and the database", "CLIENT SETNAME n", "SELECT 2", "RESET", [
    "CLIENT",
    "GETNAME",
  ]),
  seq(
    "CLIENT LIST filters and their errors",
    "CLIENT LIST TYPE foo",
    "CLIENT LIST ID 100000 200000",
    "CLIENT LIST ID 0",
    "CLIENT LIST ID -1",
    "CLIENT LIST ID x",
    "CLIENT LIST ID 1 x",
    "CLIENT LIST x",
    "CLIENT LIST TYPE",
  ),
  seq(
    "CLIENT KILL errors and misses",
    "CLIENT KILL 1.2.3.4:5",
    "CLIENT KILL ID 100000",
    "CLIENT KILL ID 0",
    "CLIENT KILL ID x",
    "CLIENT KILL ADDR 1.2.3.4:5",
    "CLIENT KILL LADDR 1.2.3.4:5",
    "CLIENT KILL TYPE normal SKIPME yes ID 100000",
    "CLIENT KILL TYPE nope",
    "CLIENT KILL foo bar",
    "CLIENT KILL ID 1 SKIPME maybe",
    "CLIENT KILL USER nobody",
    "CLIENT KILL ID",
    "CLIENT KILL",
  ),
  seq("CLIENT arity errors", "CLIENT INFO x", "CLIENT GETNAME x", "CLIENT ID x", "CLIENT"),
  seq(
    "CONFIG GET of parameters respd has",
    "CONFIG GET save",
    "CONFIG GET appendonly",
    "CONFIG GET maxmemory-policy",
    "CONFIG GET proto-max-bulk-len",
    "CONFIG GET client-query-buffer-limit",
    "CONFIG GET *max-*-len",
    "CONFIG GET MAXMEMORY",
    "CONFIG GET timeout TIMEOUT",
    "CONFIG GET nomatch",
    "CONFIG GET",
  ),
  seq(
    "CONFIG SET errors",
    "CONFIG SET",
    "CONFIG SET timeout",
    "CONFIG SET foo bar",
    "CONFIG SET timeout abc",
    "CONFIG SET timeout -1",
    "CONFIG SET timeout 99999999999",
    "CONFIG SET maxclients 0",
    "CONFIG SET loglevel nope",
    "CONFIG SET maxmemory abc",
    "CONFIG SET timeout 0 timeout 0",
    "CONFIG SET timeout 0 maxclients",
    "CONFIG SET databases 3",
  ),
  seq(
    "CONFIG SET changes live values, all or nothing",
    "CONFIG SET timeout 30 maxmemory 1gb",
    "CONFIG GET timeout",
    "CONFIG GET maxmemory",
    "CONFIG SET timeout 40 maxclients 0",
    "CONFIG GET timeout",
    "CONFIG SET loglevel WARNING",
    "CONFIG GET loglevel",
    "CONFIG SET loglevel notice timeout 0 maxmemory 0",
    "CONFIG RESETSTAT",
    "CONFIG RESETSTAT x",
  ),
  seq("INFO sections without per-process values", "INFO cluster", "INFO modules", "INFO foo"),
  seq(
    "INFO keyspace counts keys and expires per database",
    "INFO keyspace",
    "SET a 1",
    "SET b 2",
    "SELECT 3",
    "SET c 3",
    "INFO keyspace",
  ),
  seq(
    "MEMORY USAGE arguments and a missing key",
    "MEMORY",
    "MEMORY USAGE",
    "MEMORY USAGE nokey",
    "SET k hello",
    "MEMORY USAGE k SAMPLES",
    "MEMORY USAGE k SAMPLES x",
    "MEMORY USAGE k SAMPLES -1",
    "MEMORY USAGE k FOO 1",
    "MEMORY FOO",
    "COMMAND INFO memory|usage",
  ),
  seq("TIME and LASTSAVE arity", "TIME x", "LASTSAVE x", { cmd: "TIME", ignore: true }),
  seq(
    "COMMAND INFO for respd's connection and server commands",
    "COMMAND INFO ping echo quit select hello reset info time lastsave",
    "COMMAND INFO config|get config|set config|resetstat client|list client|info",
    "COMMAND INFO client|id client|getname client|setname client|kill",
    "COMMAND INFO command|info command|docs command|list command|count command|help",
    // Key specs: respd derives their flags from read/write (RO access, RW update), which
    // is exact for GET-like commands only, so only those are compared.
    "COMMAND INFO get nosuch",
  ),
  seq(
    "COMMAND errors",
    "COMMAND FOO",
    "COMMAND LIST x",
    "COMMAND LIST FILTERBY foo x",
    "COMMAND LIST FILTERBY ACLCAT nosuch",
    "COMMAND LIST FILTERBY PATTERN nosuch*",
    "COMMAND DOCS nosuch",
    "COMMAND COUNT x",
  ),
];

Deno.test("server and connection commands answer byte for byte as redis-server does", async () => {
  await using rig = await DifferentialRig.start();
  const mismatches = await rig.runAll(sequences);
  assertEquals(mismatches.map((m) => m.report).join("\n"), "");
});

/** A bulk (RESP2) or verbatim (RESP3) reply's text. */
function textOf(reply: string): string {
  const body = reply.slice(reply.indexOf("\r\n") + 2, -2);
  return reply.startsWith("=") ? body.slice(4) : body;
}

Deno.test("CLIENT INFO and LIST print Redis's fields with this client's real values", async () => {
  await using server = startTestServer();
  using a = await RawClient.connect(server.port);
  using b = await RawClient.connect(server.port);
  await a.call("CLIENT", "SETNAME", "alpha");
  await a.call("SELECT", "5");
  await a.call("CLIENT", "SETINFO", "LIB-NAME", "mylib");
  await a.call("CLIENT", "SETINFO", "lib-ver", "1.2");
  const id = Number((await a.call("CLIENT", "ID")).slice(1, -2));
  const line = textOf(await a.call("CLIENT", "INFO"));
  assert.match(
    line,
    new RegExp(
      `^id=${id} addr=127\\.0\\.0\\.1:\\d+ laddr=127\\.0\\.0\\.1:${server.port} fd=\\d+ ` +
        `name=alpha age=\\d+ idle=\\d+ flags=N db=5 sub=0 psub=0 ssub=0 multi=-1 watch=0 ` +
        `qbuf=\\d+ qbuf-free=\\d+ argv-mem=\\d+ multi-mem=0 rbs=\\d+ rbp=\\d+ obl=\\d+ ` +
        `oll=0 omem=\\d+ tot-mem=\\d+ events=r cmd=client\\|info user=default redir=-1 ` +
        `resp=2 lib-name=mylib lib-ver=1\\.2 transport=tcp\\n$`,
    ),
  );
  await b.call("HELLO", "3");
  const list = await b.call("CLIENT", "LIST");
  assert(list.startsWith("="), "verbatim text in RESP3");
  const lines = textOf(list).trimEnd().split("\n");
  assertEquals(lines.length, 2);
  assert(lines.some((l) => l.includes(" name=alpha ")));
  assert(lines.some((l) => l.includes(" resp=3 ") && l.includes(" cmd=client|list ")));
  // fd= is each connection's own socket descriptor (the server runs in this process)
  const fds = lines.map((l) => Number(/ fd=(\d+) /.exec(l)![1]));
  assert(fds[0] !== fds[1], `distinct descriptors ${fds}`);
  for (const fd of fds) assert.match(Deno.readLinkSync(`/proc/self/fd/${fd}`), /^socket:\[/);
  assertEquals(textOf(await b.call("CLIENT", "LIST", "ID", String(id))).split("\n").length, 2);
  assertEquals(
    await a.call("CLIENT", "SETINFO", "lib-name", "a b"),
    "-ERR lib-name cannot contain spaces, newlines or special characters.\r\n",
  );
  assertEquals(
    await a.call("CLIENT", "SETINFO", "foo", "x"),
    "-ERR Unrecognized option 'foo'\r\n",
  );
});

Deno.test("CLIENT LIST TYPE pubsub lists subscribed clients with their counts", async () => {
  await using server = startTestServer();
  using sub = await RawClient.connect(server.port);
  using c = await RawClient.connect(server.port);
  await sub.call("SUBSCRIBE", "news");
  await sub.call("PSUBSCRIBE", "a*");
  await sub.call("PSUBSCRIBE", "b*");
  const lines = textOf(await c.call("CLIENT", "LIST", "TYPE", "pubsub")).trimEnd().split("\n");
  assertEquals(lines.length, 1);
  assert.match(lines[0], / flags=P db=0 sub=1 psub=2 ssub=0 /);
  assertEquals(textOf(await c.call("CLIENT", "LIST", "TYPE", "normal")).split("\n").length, 2);
  assert.match(
    textOf(await c.call("INFO", "stats")),
    /\r\npubsub_channels:1\r\npubsub_patterns:2\r\n/,
  );
});

Deno.test("CLIENT KILL closes the chosen client, and the caller only after its reply", async () => {
  await using server = startTestServer();
  using a = await RawClient.connect(server.port);
  using b = await RawClient.connect(server.port);
  const bId = (await b.call("CLIENT", "ID")).slice(1, -2);
  assertEquals(await a.call("CLIENT", "KILL", "ID", bId), ":1\r\n");
  assert(await b.closedByPeer());
  const addr = /addr=(\S+)/.exec(textOf(await a.call("CLIENT", "INFO")))![1];
  assertEquals(await a.call("CLIENT", "KILL", addr), "+OK\r\n");
  assert(await a.closedByPeer());
});

Deno.test("INFO has Redis's sections and respd's real numbers", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.call("SET", "k", "v");
  await c.call("SET", "t", "v", "EX", "100");
  const all = textOf(await c.call("INFO"));
  const sections = [...all.matchAll(/^# (\w+)\r$/gm)].map((m) => m[1]);
  assertEquals(sections, [
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Errorstats",
    "Cluster",
    "Keyspace",
  ]);
  const field = (name: string) => new RegExp(`^${name}:(.*)\\r$`, "m").exec(all)?.[1];
  assertEquals(field("redis_version"), "7.0.15");
  assertEquals(field("tcp_port"), String(server.port));
  assertEquals(field("loading"), "0");
  assertEquals(field("connected_clients"), "1");
  assertEquals(field("role"), "master");
  assert(Number(field("used_memory")) > 0);
  // the two SETs; INFO counts once it ran, as in Redis
  assertEquals(field("total_commands_processed"), "2");
  assert.match(field("db0")!, /^keys=2,expires=1,avg_ttl=\d+$/);
  assert(Number(/avg_ttl=(\d+)/.exec(field("db0")!)![1]) <= 100_000);
  const two = textOf(await c.call("INFO", "CLIENTS", "stats"));
  assert.match(two, /^# Clients\r\n(?:\w+:[^\r\n]*\r\n)+\r\n# Stats\r\n(?:\w+:[^\r\n]*\r\n)+$/);
});

Deno.test("COMMAND describes every registered command, and COUNT and LIST agree", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("COMMAND", "COUNT"), `:${allCommands.length}\r\n`);
  await c.sendCommand("COMMAND", "LIST");
  const names = await c.readFrame();
  assert(names.kind === "array");
  assertEquals(names.value.length, allCommands.length);
  await c.sendCommand("COMMAND");
  const infos = await c.readFrame();
  assert(infos.kind === "array" && infos.value.length === allCommands.length);
  await c.sendCommand("COMMAND", "LIST", "FILTERBY", "PATTERN", "client|*");
  const clientSubs = await c.readFrame();
  assert(clientSubs.kind === "array" && clientSubs.value.length >= 6);
  for (const protocol of ["2", "3"]) {
    await c.call("HELLO", protocol);
    await c.sendCommand("COMMAND", "DOCS");
    const docs = await c.readFrame();
    assert(docs.kind === (protocol === "3" ? "map" : "array"));
  }
});

Deno.test("MEMORY USAGE is the key's size in the memory model, growing with its value", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.call("SET", "small", "x");
  await c.call("SET", "large", "x".repeat(10_000));
  const usage = async (key: string) => Number((await c.call("MEMORY", "USAGE", key)).slice(1, -2));
  const small = await usage("small");
  assert(small > 1);
  assertEquals((await usage("large")) - small, 9_999);
  assertEquals(await c.call("MEMORY", "USAGE", "small", "SAMPLES", "0"), `:${small}\r\n`);
});

Deno.test("TIME is the server's clock in seconds and microseconds", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.sendCommand("TIME");
  const reply = await c.readFrame();
  assert(reply.kind === "array" && reply.value.length === 2);
  const [sec, usec] = reply.value.map((f) =>
    f.kind === "bulk" ? Number(new TextDecoder().decode(f.value)) : NaN
  );
  assert(Math.abs(sec * 1000 + usec / 1000 - Date.now()) < 5000);
  assert(usec >= 0 && usec < 1e6);
});

Deno.test("INFO expired_keys counts keys deleted for their TTL, as redis-server does", async () => {
  await using redis = await startRedis();
  await using server = startTestServer();
  const counts: string[] = [];
  for (const port of [redis.port, server.port]) {
    const c = await RawClient.connect(port);
    await c.call("CONFIG", "RESETSTAT");
    await c.call("SET", "a", "1", "PX", "5");
    await c.call("SET", "b", "1", "PX", "5");
    await c.call("SET", "c", "1");
    await new Promise((r) => setTimeout(r, 30));
    await c.call("GET", "a");
    await c.call("EXISTS", "b");
    counts.push(/expired_keys:(\d+)/.exec(await c.call("INFO", "stats"))![1]);
    await c.call("CONFIG", "RESETSTAT");
    assert.match(await c.call("INFO", "stats"), /expired_keys:0\r\n/);
    c.close();
  }
  assertEquals(counts, ["2", "2"]);
});
