/**
 * Clients that block: BLPOP and BRPOP against a real redis-server and respd, several
 * connections per scenario, replies compared byte for byte (RESP2 and RESP3). A scenario
 * is a script of actions on numbered connections; "wait until N clients are blocked"
 * polls INFO on a control connection, so no step sleeps a guessed while. Also respd-only
 * checks of what Redis cannot show the same way: a WebSocket client blocked on BLPOP woken
 * by a TCP LPUSH, --timeout sparing a blocked client, and a client's pipelined requests
 * staying unexecuted while it waits.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { type Action, blocked, call, play, read, send } from "./support/blocking_scenarios.ts";
import { RawClient } from "./support/raw_client.ts";
import { startRedis, startTestServer } from "./support/servers.ts";
import { until } from "./support/eventually.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { TestContext } from "./support/command_context.ts";

const SCENARIOS: Record<string, Action[]> = {
  "an element already there is served at once, from the first non-empty key": [
    call(1, "RPUSH b x y"),
    call(1, "BLPOP a b 0"),
    call(1, "BRPOP a b 0"),
    call(1, "EXISTS b"),
  ],
  "the push that makes the key non-empty serves the waiter; its own reply counts the push": [
    send(1, "BLPOP k 0"),
    blocked(1),
    call(2, "LPUSH k a b"),
    read(1),
    call(2, "LRANGE k 0 -1"),
    blocked(0),
  ],
  "clients blocked on one key are served first come, first served": [
    send(1, "BLPOP k 0"),
    blocked(1),
    send(2, "BRPOP k 0"),
    blocked(2),
    send(3, "BLPOP k 0"),
    blocked(3),
    call(4, "RPUSH k x y"),
    read(1),
    read(2),
    blocked(1),
    call(4, "RPUSH k z"),
    read(3),
    call(4, "EXISTS k"),
  ],
  "a client blocked on several keys is served by the first that gets an element": [
    send(1, "BRPOP k1 k2 k3 0"),
    blocked(1),
    call(2, "SET k1 string"),
    call(2, "RPUSH k3 c"),
    read(1),
    call(2, "RPUSH k2 b"),
    call(2, "LLEN k2"),
  ],
  "a fractional timeout ends the wait with a null reply": [
    send(1, "BLPOP k 0.05"),
    read(1),
    send(1, "BRPOP k k2 0.01"),
    read(1),
    call(1, "PING"),
  ],
  "requests sent after a blocking command wait for it, and then run": [
    { pipeline: ["BLPOP k 0", "SET after 1", "GET after"], c: 1 },
    blocked(1),
    call(2, "EXISTS after"),
    call(2, "RPUSH k v"),
    read(1),
    read(1),
    read(1),
    call(2, "EXISTS after"),
  ],
  "a client that disconnects while blocked leaves the key to the others": [
    send(1, "BLPOP k 0"),
    blocked(1),
    send(2, "BLPOP k 0"),
    blocked(2),
    { close: 1 },
    blocked(1),
    call(3, "RPUSH k v w"),
    read(2),
    call(3, "LRANGE k 0 -1"),
  ],
  "timeouts and arguments are checked as Redis does": [
    call(1, "BLPOP k -1"),
    call(1, "BLPOP k abc"),
    call(1, "BLPOP k inf"),
    call(1, "BLPOP k nan"),
    call(1, "BLPOP k 99999999999999999"),
    call(1, "BRPOP k"),
    call(1, "SET s x"),
    call(1, "BLPOP s 0"),
    call(1, "BLPOP s k -1"),
    call(1, "BLPOP nolist s 0"),
    call(1, "RPUSH l a"),
    call(1, "BLPOP s l 0"),
    call(1, "BLPOP l s 0"),
  ],
  "a key written with another type does not serve the waiter": [
    send(1, "BLPOP k 0"),
    blocked(1),
    call(2, "SET k v"),
    call(2, "DEL k"),
    blocked(1),
    call(2, "RPUSH k e"),
    read(1),
  ],
  "a key moved in by RENAME, or another database swapped in, serves the waiter": [
    send(1, "BLPOP k 0"),
    blocked(1),
    call(2, "RPUSH tmp a"),
    call(2, "RENAME tmp k"),
    read(1),
    send(1, "BLPOP k 0"),
    blocked(1),
    call(2, "SELECT 1"),
    call(2, "RPUSH k b"),
    call(2, "SWAPDB 0 1"),
    read(1),
  ],
};

for (const [name, actions] of Object.entries(SCENARIOS)) {
  Deno.test(`BLPOP/BRPOP as redis-server: ${name}`, async () => {
    await using redis = await startRedis();
    await using server = startTestServer();
    for (const protocol of [2, 3] as const) {
      const expected = await play(redis.port, protocol, actions);
      const actual = await play(server.port, protocol, actions);
      assertEquals(actual, expected, `RESP${protocol}`);
    }
  });
}

Deno.test("a WebSocket client blocked on BLPOP is woken by a TCP client's LPUSH", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  using tcp = await RawClient.connect(server.port);
  await ws.sendCommand("BLPOP", "jobs", "0");
  await ws.sendCommand("PING");
  await until(() => server.blocking.blockedCount === 1, "the WebSocket client to block");
  assertEquals(await tcp.call("LPUSH", "jobs", "j1"), ":1\r\n");
  assertEquals(await ws.readText(), "*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n");
  assertEquals(await ws.readText(), "+PONG\r\n");
  assertEquals(await tcp.call("EXISTS", "jobs"), ":0\r\n");
});

Deno.test("a WebSocket client that closes while blocked frees its wait at once", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const ws = await WsRawClient.connect(server.wsPort);
  await ws.sendCommand("BRPOP", "jobs", "0");
  await until(() => server.blocking.blockedCount === 1, "the WebSocket client to block");
  await ws.end();
  await until(() => server.blocking.blockedCount === 0, "the wait to be freed");
  using tcp = await RawClient.connect(server.port);
  assertEquals(await tcp.call("RPUSH", "jobs", "j1"), ":1\r\n");
  assertEquals(await tcp.call("LLEN", "jobs"), ":1\r\n");
});

Deno.test("--timeout does not close a blocked client, and does close an idle one", async () => {
  await using server = startTestServer({ timeout: 1 });
  using waiter = await RawClient.connect(server.port);
  using idle = await RawClient.connect(server.port);
  assertEquals(await idle.call("PING"), "+PONG\r\n");
  await waiter.sendCommand("BLPOP", "k", "0");
  await until(() => server.blocking.blockedCount === 1, "the client to block");
  server.limits.tick(Date.now() + 60_000);
  assert(await idle.closedByPeer(), "the idle client is closed");
  using pusher = await RawClient.connect(server.port);
  assertEquals(await pusher.call("RPUSH", "k", "v"), ":1\r\n");
  assertEquals(await waiter.readText(), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
});

Deno.test("blocking through a command context: FIFO waits served after the writing command", () => {
  const first = new TestContext();
  const second = new TestContext(first.server);
  const pusher = new TestContext(first.server);
  assertEquals(first.call("BLPOP", "q", "0"), "", "no reply while blocked");
  assertEquals(second.call("BLPOP", "q", "0"), "");
  assertEquals(first.server.blocking.blockedCount, 2);
  assertEquals(pusher.call("RPUSH", "q", "a"), ":1\r\n");
  assertEquals(first.take(), "*2\r\n$1\r\nq\r\n$1\r\na\r\n");
  assertEquals(second.take(), "", "the second waiter is still waiting");
  assertEquals(first.client.blocked, false);
  assertEquals(second.client.blocked, true);
  first.server.blocking.cancel(second.client);
  assertEquals(first.server.blocking.blockedCount, 0);
});

Deno.test("CLIENT PAUSE WRITE holds a WebSocket client's pipeline in order; a held client may leave", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using admin = await RawClient.connect(server.port);
  await using ws = await WsRawClient.connect(server.wsPort);
  const leaving = await RawClient.connect(server.port);
  assertEquals(await admin.call("CLIENT", "PAUSE", "100000", "WRITE"), "+OK\r\n");
  await leaving.sendCommand("SET", "gone", "1");
  await ws.send(
    "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n" +
      "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n",
  );
  await until(() => server.pause.heldCount === 2, "both writers to be held");
  leaving.close();
  await until(() => server.sessions.size === 2, "the held client to leave");
  assertEquals(await admin.call("GET", "a"), "$-1\r\n");
  assertEquals(await admin.call("CLIENT", "UNPAUSE"), "+OK\r\n");
  assertEquals(await ws.readText(), "+OK\r\n");
  assertEquals(await ws.readText(), "$1\r\n1\r\n");
  assertEquals(await ws.readText(), ":1\r\n");
  assertEquals(await admin.call("EXISTS", "gone"), ":0\r\n");
  assertEquals(server.pause.heldCount, 0);
});

Deno.test("CLIENT PAUSE: expired keys stay until the pause ends (the sweeper rests)", async () => {
  await using server = startTestServer();
  using c = await RawClient.connect(server.port);
  assertEquals(await c.call("SET", "k", "v", "PX", "1"), "+OK\r\n");
  assertEquals(await c.call("CLIENT", "PAUSE", "100000", "WRITE"), "+OK\r\n");
  await new Promise((r) => setTimeout(r, 5));
  assertEquals(server.keyspace.dbs[0].size, 1);
  assertEquals(await c.call("EXISTS", "k"), ":0\r\n");
  assertEquals(server.keyspace.dbs[0].size, 1, "read as gone, not deleted");
  assertEquals(await c.call("CLIENT", "UNPAUSE"), "+OK\r\n");
  await until(() => server.keyspace.dbs[0].size === 0, "the sweeper to reclaim the key");
});
