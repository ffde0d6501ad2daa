/**
 * Client limits: --maxclients on both transports, the idle --timeout, the bound on an
 * incomplete request, the cross-protocol (POST / Host:) guard, and that an unexpected
 * exception closes only the session it happened in. Time is injected through
 * `server.limits.tick(now)`, so nothing here sleeps.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { eventually, until } from "./support/eventually.ts";
import { PARTIAL_MAX_MS, PARTIAL_STALL_MS } from "../src/security/client_limits.ts";
import { lookupCommand } from "../src/commands/registry.ts";
import type { Server } from "../src/server.ts";
import type { Session } from "../src/session.ts";

function newestSession(server: Server): Session {
  return [...server.sessions.values()].at(-1)!;
}

function logCollector(): { logs: string[]; logger: (level: string, message: string) => void } {
  const logs: string[] = [];
  return { logs, logger: (_level, message) => logs.push(message) };
}

Deno.test("over --maxclients a TCP client gets Redis's error and is closed", async () => {
  await using redis = await startRedis(["--maxclients", "2"]);
  await using server = startTestServer({ maxclients: 2 });
  for (const port of [redis.port, server.port]) {
    using a = await RawClient.connect(port);
    // Wait until the server no longer counts connections closed before (readiness probes).
    const alone = async () => (await a.call("INFO", "clients")).includes("connected_clients:1\r\n");
    await eventually(alone, 200, 5);
    using b = await RawClient.connect(port);
    assertEquals(await b.call("PING"), "+PONG\r\n");
    using c = await RawClient.connect(port);
    assertEquals(await c.readText(), "-ERR max number of clients reached\r\n");
    assert(await c.closedByPeer());
    assertEquals(await a.call("PING"), "+PONG\r\n", "the clients already in are unaffected");
  }
  await until(() => server.sessions.size === 0, "the clients to close");
  using d = await RawClient.connect(server.port);
  assertEquals(await d.call("PING"), "+PONG\r\n", "a slot freed is usable again");
  assertEquals(server.limits.rejectedConnections, 1);
});

Deno.test("over --maxclients a WebSocket client gets the error and close code 1013", async () => {
  await using server = startTestServer({ maxclients: 1, wsPort: 0 });
  using tcp = await RawClient.connect(server.port);
  assertEquals(await tcp.call("PING"), "+PONG\r\n");
  const ws = new WebSocket(`ws://127.0.0.1:${server.wsPort}/ws`);
  ws.binaryType = "arraybuffer";
  const messages: string[] = [];
  ws.onmessage = (e) => messages.push(new TextDecoder().decode(e.data as ArrayBuffer));
  const code = await new Promise<number>((resolve) => ws.onclose = (e) => resolve(e.code));
  assertEquals(code, 1013);
  assertEquals(messages, ["-ERR max number of clients reached\r\n"]);
});

Deno.test("--timeout closes a client idle longer than it, but not a subscriber", async () => {
  const { logs, logger } = logCollector();
  await using server = startTestServer({ timeout: 10, loglevel: "verbose", logger });
  using idle = await RawClient.connect(server.port);
  assertEquals(await idle.call("PING"), "+PONG\r\n");
  using subscriber = await RawClient.connect(server.port);
  assert((await subscriber.call("SUBSCRIBE", "news")).startsWith("*3\r\n"));

  server.limits.tick(Date.now() + 9_000);
  assertEquals(await idle.call("PING"), "+PONG\r\n", "9 s idle is under the 10 s timeout");
  server.limits.tick(Date.now() + 11_000);
  assert(await idle.closedByPeer(), "the idle client is closed");
  assert(logs.some((l) => l.startsWith("Closing idle client")), logs.join("\n"));

  // Redis exempts pub/sub clients: they are quiet by nature.
  using publisher = await RawClient.connect(server.port);
  assertEquals(await publisher.call("PUBLISH", "news", "hi"), ":1\r\n");
  assertEquals(await subscriber.readText(), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
});

Deno.test("--timeout also closes an idle client whose replies are stuck unread", async () => {
  await using server = startTestServer({ timeout: 10 });
  using c = await RawClient.connect(server.port);
  const big = "x".repeat(4 * 1024 * 1024);
  assertEquals(await c.call("SET", "big", big), "+OK\r\n");
  // 24 MB of replies the client never reads: the session waits on its write.
  await c.send("GET big\r\n".repeat(6));
  const session = newestSession(server);
  await until(() => session.pendingOutput > 0, "the write to block");
  server.limits.tick(Date.now() + 11_000);
  await until(() => session.closed, "the stuck client to be closed");
});

Deno.test("--timeout 0 never closes idle clients", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("PING"), "+PONG\r\n");
  server.limits.tick(Date.now() + 365 * 86_400_000);
  assertEquals(await c.call("PING"), "+PONG\r\n");
});

Deno.test("a request left incomplete with no new bytes is dropped after the stall bound", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.send("*2\r\n$3\r\nGET\r\n$5\r\nab");
  await until(() => newestSession(server).queryBuffer.used > 0, "the partial request");
  const t0 = Date.now();
  server.limits.tick(t0);
  server.limits.tick(t0 + PARTIAL_STALL_MS - 1);
  const before = newestSession(server).queryBuffer.used;
  await c.send("c"); // still arriving: the stall clock restarts
  await until(() => newestSession(server).queryBuffer.used === before + 1, "the extra byte");
  server.limits.tick(t0 + PARTIAL_STALL_MS + 1);
  server.limits.tick(t0 + 2 * PARTIAL_STALL_MS - 2);
  await c.send("de\r\n");
  assertEquals(await c.readText(), "$-1\r\n", "completed in time, so it is served");

  await c.send("*1\r\n$4\r\nPI");
  await until(() => newestSession(server).queryBuffer.used > 0, "the second partial request");
  const t1 = Date.now();
  server.limits.tick(t1);
  server.limits.tick(t1 + PARTIAL_STALL_MS);
  assert(await c.closedByPeer(), "a stalled request closes the client");
});

Deno.test("a request trickling in for longer than the total bound is dropped", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  await c.send("*1\r\n$100\r\n");
  const session = newestSession(server);
  await until(() => session.queryBuffer.used > 0, "the partial request");
  const t0 = Date.now();
  server.limits.tick(t0);
  let sent = session.queryBuffer.used;
  for (let t = t0 + PARTIAL_STALL_MS / 2; t < t0 + PARTIAL_MAX_MS; t += PARTIAL_STALL_MS / 2) {
    await c.send("x");
    sent++;
    await until(() => session.queryBuffer.used === sent, "one more byte");
    server.limits.tick(t);
  }
  assert(!session.closed, "each step made progress");
  server.limits.tick(t0 + PARTIAL_MAX_MS);
  assert(await c.closedByPeer(), "the total bound closes it");
});

Deno.test("an HTTP request sent to the RESP port is dropped and logged, as Redis does", async () => {
  await using redis = await startRedis();
  const { logs, logger } = logCollector();
  await using server = startTestServer({ logger });
  for (const script of ["POST / HTTP/1.1\r\nHost: evil\r\n\r\n", "PING\r\nHost: x\r\nPING\r\n"]) {
    for (const port of [redis.port, server.port]) {
      using c = await RawClient.connect(port);
      await c.send(script);
      assert(await c.closedByPeer());
      assertEquals(c.pending.length, 0, "no reply at all, not even to the PING before it");
    }
  }
  const warnings = logs.filter((l) => l.startsWith("Possible SECURITY ATTACK detected."));
  assertEquals(warnings.length, 1, "logged once a minute at most");
  using other = await RawClient.connect(server.port);
  assertEquals(await other.call("PING"), "+PONG\r\n", "other clients are unaffected");
  using ok = await RawClient.connect(server.port);
  assert((await ok.call("GET", "post")).startsWith("$-1"), "'post' as an argument is fine");
});

Deno.test("an unexpected exception closes only its session and is logged with the client id", async () => {
  const { logs, logger } = logCollector();
  await using server = startTestServer({ logger });
  const echo = lookupCommand("echo")!;
  const original = echo.execute;
  echo.execute = () => {
    throw new TypeError("injected failure");
  };
  try {
    using bystander = await RawClient.connect(server.port);
    assertEquals(await bystander.call("SET", "k", "v"), "+OK\r\n");
    using victim = await RawClient.connect(server.port);
    assertEquals(await victim.call("PING"), "+PONG\r\n");
    const id = newestSession(server).id;
    await victim.sendCommand("ECHO", "boom");
    assert(await victim.closedByPeer());
    assert(
      logs.some((l) => l.startsWith(`client ${id} `) && l.includes("injected failure")),
      logs.join("\n"),
    );
    assertEquals(await bystander.call("GET", "k"), "$1\r\nv\r\n", "everyone else is served");
  } finally {
    echo.execute = original;
  }
});
