/**
 * The browser-facing checks hold in gateway mode as in the embedded one: the Origin check,
 * the WebSocket password token and `--ws-user`, `--maxclients`, `--timeout`, the query buffer
 * limit and the output limit (slow consumers, pub/sub and normal class) all act before anything
 * reaches the upstream, or cut off a client whose upstream replies pile up unread. Each
 * test checks the upstream itself too: a refused command left no trace there.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { RawWebSocket } from "./support/raw_websocket.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { startGatewayPair } from "./support/servers.ts";
import { until } from "./support/eventually.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { wsAuthProtocol } from "../src/security/credentials.ts";
import type { LogLevel } from "../src/config.ts";
import { drainUntilClosed } from "./support/drain.ts";

const decoder = new TextDecoder();
const PASSWORD = "gateway-secret";

/** The handshake's refusal (its status line and more), or "accepted". */
async function handshake(port: number, headers: Record<string, string>): Promise<string> {
  try {
    using ws = await RawWebSocket.connect(port, headers);
    await ws.send(encodeCommand(["SET", "from-ws", headers.Origin ?? "no origin"]));
    assertEquals(decoder.decode(await ws.readMessage()), "+OK\r\n");
    return "accepted";
  } catch (e: unknown) {
    if (e instanceof Error && e.message.startsWith("handshake refused")) return e.message;
    throw e;
  }
}

async function call(ws: WsRawClient, ...args: string[]): Promise<string> {
  await ws.sendCommand(...args);
  return decoder.decode(await ws.readReplyBytes());
}

/** Upstream connections Redis counts (the gateway's pool and own connections, and `direct`). */
async function upstreamClients(direct: RawClient): Promise<number> {
  const info = await direct.call("INFO", "clients");
  return Number(/connected_clients:(\d+)/.exec(info)![1]);
}

Deno.test("the Origin check refuses foreign pages before anything reaches the upstream", async () => {
  await using pair = await startGatewayPair({
    wsPort: 0,
    wsAllowedOrigins: ["https://app.example"],
  });
  using direct = await RawClient.connect(pair.upstream.port);
  const foreign = await handshake(pair.gateway.wsPort, { Origin: "http://evil.example" });
  assert(foreign.includes("HTTP/1.1 403"), foreign);
  // --ws-allowed-origins replaced the default list: localhost pages are foreign too
  const local = await handshake(pair.gateway.wsPort, { Origin: "http://localhost:3000" });
  assert(local.includes("HTTP/1.1 403"), local);
  assertEquals(await direct.call("EXISTS", "from-ws"), ":0\r\n");
  assertEquals(pair.gateway.sessions.size, 0, "refused handshakes never made a session");
  assertEquals(await handshake(pair.gateway.wsPort, { Origin: "https://app.example" }), "accepted");
  assertEquals(await direct.call("GET", "from-ws"), "$19\r\nhttps://app.example\r\n");
});

Deno.test("the WebSocket token: a wrong one gets 401, none must AUTH, a right one does not pass a foreign Origin", async () => {
  await using pair = await startGatewayPair({ wsPort: 0, requirepass: PASSWORD });
  using direct = await RawClient.connect(pair.upstream.port);
  const port = pair.gateway.wsPort;
  const token = (secret: string) => ({
    "Sec-WebSocket-Protocol": `respd, ${wsAuthProtocol(secret)}`,
  });
  const wrong = await handshake(port, token("not it"));
  assert(wrong.includes("HTTP/1.1 401"), wrong);
  const foreign = await handshake(port, { ...token(PASSWORD), Origin: "http://evil.example" });
  assert(foreign.includes("HTTP/1.1 403"), foreign);
  assertEquals(await direct.call("EXISTS", "from-ws"), ":0\r\n");
  {
    await using untokened = await WsRawClient.connect(port);
    assertEquals(await call(untokened, "SET", "k", "v"), "-NOAUTH Authentication required.\r\n");
    assertEquals(await direct.call("EXISTS", "k"), ":0\r\n");
    assertEquals(await call(untokened, "AUTH", PASSWORD), "+OK\r\n");
    assertEquals(await call(untokened, "SET", "k", "v"), "+OK\r\n");
  }
  assertEquals(await handshake(port, token(PASSWORD)), "accepted");
  assertEquals(await direct.call("MGET", "k", "from-ws"), "*2\r\n$1\r\nv\r\n$9\r\nno origin\r\n");
  // TCP clients are held to the password as well
  using tcp = await RawClient.connect(pair.gateway.port);
  assertEquals(await tcp.call("DEL", "k"), "-NOAUTH Authentication required.\r\n");
  assertEquals(await direct.call("EXISTS", "k"), ":1\r\n");
});

Deno.test("--ws-user: pages without credentials run as that ACL user of respd's, upstream too", async () => {
  await using pair = await startGatewayPair({ wsPort: 0, wsUser: "guest" });
  using direct = await RawClient.connect(pair.upstream.port);
  using admin = await RawClient.connect(pair.gateway.port);
  {
    // no such user yet: a page must log in
    await using ws = await WsRawClient.connect(pair.gateway.wsPort);
    assertEquals(await call(ws, "GET", "public:x"), "-NOAUTH Authentication required.\r\n");
  }
  assertEquals(
    await admin.call("ACL", "SETUSER", "guest", "on", "nopass", "~public:*", "+get", "+set"),
    "+OK\r\n",
  );
  assertEquals(await admin.call("SET", "secret", "s"), "+OK\r\n");
  await using ws = await WsRawClient.connect(pair.gateway.wsPort);
  assertEquals(await call(ws, "SET", "public:x", "1"), "+OK\r\n");
  assertEquals(await call(ws, "GET", "public:x"), "$1\r\n1\r\n");
  assert((await call(ws, "GET", "secret")).startsWith("-NOPERM"), "a key outside ~public:*");
  assert((await call(ws, "DEL", "public:x")).startsWith("-NOPERM"), "a command outside +get +set");
  assertEquals(await direct.call("MGET", "public:x", "secret"), "*2\r\n$1\r\n1\r\n$1\r\ns\r\n");
  // the upstream has no such user: respd's own ACL decided
  assertEquals(await direct.call("ACL", "USERS"), "*1\r\n$7\r\ndefault\r\n");
});

Deno.test("--ws-commands refuses over WebSocket what TCP clients may send upstream", async () => {
  await using pair = await startGatewayPair({ wsPort: 0, wsCommands: ["@read"] });
  using direct = await RawClient.connect(pair.upstream.port);
  await using ws = await WsRawClient.connect(pair.gateway.wsPort);
  assert((await call(ws, "SET", "k", "v")).startsWith("-NOPERM"), "SET refused over WebSocket");
  assertEquals(await direct.call("EXISTS", "k"), ":0\r\n");
  using tcp = await RawClient.connect(pair.gateway.port);
  assertEquals(await tcp.call("SET", "k", "v"), "+OK\r\n");
  assertEquals(await call(ws, "GET", "k"), "$1\r\nv\r\n");
});

Deno.test("--maxclients counts the gateway's clients, not its upstream connections", async () => {
  await using pair = await startGatewayPair({ wsPort: 0, maxclients: 2 });
  using direct = await RawClient.connect(pair.upstream.port);
  using a = await RawClient.connect(pair.gateway.port);
  assertEquals(await a.call("SET", "a", "1"), "+OK\r\n");
  using b = await RawClient.connect(pair.gateway.port);
  assertEquals(await b.call("GET", "a"), "$1\r\n1\r\n");
  const before = await upstreamClients(direct);
  using c = await RawClient.connect(pair.gateway.port);
  assertEquals(await c.readText(), "-ERR max number of clients reached\r\n");
  assert(await c.closedByPeer());
  const ws = new WebSocket(`ws://127.0.0.1:${pair.gateway.wsPort}/ws`);
  const code = await new Promise<number>((resolve) => ws.onclose = (e) => resolve(e.code));
  assertEquals(code, 1013);
  assertEquals(await a.call("GET", "a"), "$1\r\n1\r\n", "the clients already in are unaffected");
  assertEquals(await upstreamClients(direct), before, "refused clients opened nothing upstream");
  assertEquals(pair.gateway.limits.rejectedConnections, 2);
});

Deno.test("the query buffer limit closes a client before its request goes upstream", async () => {
  await using pair = await startGatewayPair({ clientQueryBufferLimit: 1024 * 1024 });
  using direct = await RawClient.connect(pair.upstream.port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: pair.gateway.port });
  try {
    // a bulk announced at 2 MiB, sent in full: over the limit before it is whole
    const head = new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$2097152\r\n");
    await conn.write(head);
    const body = new Uint8Array(2 * 1024 * 1024 + 2).fill(0x78);
    await conn.write(body).catch(() => 0); // the gateway may close while this is sent
    const buf = new Uint8Array(1024);
    for (;;) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
    }
  } finally {
    conn.close();
  }
  assertEquals(await direct.call("EXISTS", "big"), ":0\r\n");
  using other = await RawClient.connect(pair.gateway.port);
  assertEquals(await other.call("PING"), "+PONG\r\n");
});

const LIMIT = 1024 * 1024;
const PAYLOAD = "x".repeat(64 * 1024);

Deno.test("slow consumers are cut off at their output limit: upstream replies and upstream messages", async (t) => {
  const warnings: string[] = [];
  await using pair = await startGatewayPair({
    wsPort: 0,
    clientOutputBufferLimit: {
      normal: { hard: LIMIT, soft: 0, softSeconds: 0 },
      pubsub: { hard: LIMIT, soft: 0, softSeconds: 0 },
    },
    logger: (level: LogLevel, message: string) => {
      if (level === "warning") warnings.push(message);
    },
  });
  using direct = await RawClient.connect(pair.upstream.port);
  using other = await RawClient.connect(pair.gateway.port);
  assertEquals(await other.call("SET", "big", PAYLOAD), "+OK\r\n");

  await t.step("normal class: 16 MiB of upstream replies to one unread pipeline", async () => {
    // Replies go to the client as they come back from the upstream, so the kernel's
    // socket buffers (a few MiB on loopback) take some before any pile up in respd: the
    // pipeline asks for four times more than they hold, and what piles up passes the limit.
    const greedy = await Deno.connect({ hostname: "127.0.0.1", port: pair.gateway.port });
    const count = 256;
    try {
      const request = encodeCommand(["GET", "big"]);
      const batch = new Uint8Array(request.length * count);
      for (let i = 0; i < count; i++) batch.set(request, i * request.length);
      await greedy.write(batch);
      await until(() => warnings.some((w) => w.includes("normal class")), "the cut-off");
      const got = await drainUntilClosed(greedy);
      assert(got < count * PAYLOAD.length, `cut off, not served in full (${got} bytes)`);
    } finally {
      greedy.close();
    }
    assertEquals(await other.call("EXISTS", "big"), ":1\r\n", "others are served");
  });

  await t.step("pub/sub class: a TCP and a WebSocket subscriber that never read", async () => {
    warnings.length = 0;
    const tcp = await Deno.connect({ hostname: "127.0.0.1", port: pair.gateway.port });
    using ws = await RawWebSocket.connect(pair.gateway.wsPort);
    try {
      await tcp.write(encodeCommand(["SUBSCRIBE", "news"]));
      await ws.send(encodeCommand(["SUBSCRIBE", "news"]));
      // one upstream subscription for both
      await until(
        async () => (await direct.call("PUBSUB", "NUMSUB", "news")).endsWith(":1\r\n"),
        "the upstream subscription",
      );
      await until(() => pair.gateway.hub.subscriberCount("news") === 2, "two local subscribers");
      // published straight to Redis: the gateway relays every message to both
      let published = 0;
      while (warnings.filter((w) => w.includes("pubsub class")).length < 2) {
        assert(published < 3000, `${published} messages published, nobody cut off`);
        await direct.call("PUBLISH", "news", PAYLOAD);
        published++;
      }
      await drainUntilClosed(tcp);
    } finally {
      tcp.close();
    }
    assertEquals(await other.call("EXISTS", "big"), ":1\r\n", "others are served");
  });
});

Deno.test("--timeout closes an idle client of the gateway, not a subscriber nor one blocked upstream", async () => {
  await using pair = await startGatewayPair({ timeout: 10 });
  using direct = await RawClient.connect(pair.upstream.port);
  using idle = await RawClient.connect(pair.gateway.port);
  assertEquals(await idle.call("SET", "k", "v"), "+OK\r\n");
  using subscriber = await RawClient.connect(pair.gateway.port);
  assert((await subscriber.call("SUBSCRIBE", "news")).startsWith("*3\r\n"));
  using blocked = await RawClient.connect(pair.gateway.port);
  await blocked.send(encodeCommand(["BLPOP", "queue", "0"]));
  await until(
    async () => (await direct.call("INFO", "clients")).includes("blocked_clients:1"),
    "BLPOP upstream",
  );
  await until(
    () => [...pair.gateway.sessions.values()].some((s) => s.blocked),
    "the gateway to count the client as blocked",
  );
  pair.gateway.limits.tick(Date.now() + 9_000);
  assertEquals(await idle.call("GET", "k"), "$1\r\nv\r\n", "9 s idle is under the 10 s timeout");
  pair.gateway.limits.tick(Date.now() + 11_000);
  assert(await idle.closedByPeer(), "the idle client is closed");
  // Redis exempts subscribers and blocked clients
  assertEquals(await direct.call("LPUSH", "queue", "job"), ":1\r\n");
  assertEquals(await blocked.readText(), "*2\r\n$5\r\nqueue\r\n$3\r\njob\r\n");
  assertEquals(await direct.call("PUBLISH", "news", "hi"), ":1\r\n");
  assertEquals(await subscriber.readText(), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
});
