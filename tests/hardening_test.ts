/**
 * Hardening probes (issue #11), each bounded in count and time, on loopback, with a
 * bystander client whose PING must stay answered throughout: the descriptor limit (a
 * child respd under a lowered `ulimit -n`), WebSocket clients that ignore the close frame
 * (cut off, killed, refused), slowloris on the HTTP port, an oversized message before
 * AUTH, paused reads, CLIENT KILL of a stuck client, and memory coming back afterwards.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { RawClient } from "./support/raw_client.ts";
import { RawWebSocket } from "./support/raw_websocket.ts";
import { Bystander } from "./support/bystander.ts";
import { ChildServer } from "./support/child_server.ts";
import { startTestServer } from "./support/servers.ts";
import { eventually, until } from "./support/eventually.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { CLOSE_TIMEOUT_MS } from "../src/transport/websocket.ts";
import type { Server } from "../src/server.ts";
import type { Session } from "../src/session.ts";

const encoder = new TextEncoder();
/** The close bound plus slack for a loaded machine. */
const GONE_WITHIN_MS = CLOSE_TIMEOUT_MS + 1500;

/** Reads and drops everything until the peer closes; resolves with when that happened. */
async function readUntilEnd(conn: Deno.Conn, limitMs = 10_000): Promise<number> {
  const buf = new Uint8Array(64 * 1024);
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) return Date.now();
  }
  throw new Error("the server never closed the connection");
}

/** A raw HTTP connection that sends `head` (if any) and then nothing. */
async function httpConn(port: number, head = ""): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  if (head !== "") await conn.write(encoder.encode(head));
  return conn;
}

function closeAll(conns: Iterable<{ close(): void }>): void {
  for (const c of conns) {
    try {
      c.close();
    } catch {
      // closed by the server
    }
  }
}

function wsSessions(server: Server): number {
  return [...server.sessions.values()].filter((s) => s.transport.kind === "ws").length;
}

Deno.test("at a low fd limit maxclients is capped, logged, and the server keeps serving everyone it can", async () => {
  await using respd = await ChildServer.start([
    "--ws-port",
    "0",
    "--http-max-pending",
    "40",
    "--http-header-timeout",
    "1",
  ], 200);
  const capped = respd.logs.find((l) => l.includes("maxclients has been reduced to 128"));
  assert(capped, respd.logs.join("\n"));
  await using bystander = await Bystander.start(respd.port);
  using admin = await RawClient.connect(respd.port);
  assertEquals(
    await admin.call("CONFIG", "SET", "maxclients", "100000"),
    "-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating " +
      "system is not able to handle the specified number of clients, try with 128\r\n",
  );
  assertEquals(
    await admin.call("CONFIG", "GET", "maxclients"),
    "*2\r\n$10\r\nmaxclients\r\n$3\r\n128\r\n",
  );

  // 300 idle TCP clients, 60 WebSockets that ignore the close frame, 60 slowloris.
  const tcp: Deno.TcpConn[] = [];
  const ws: RawWebSocket[] = [];
  const slow: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 300; i++) {
      tcp.push(await Deno.connect({ hostname: "127.0.0.1", port: respd.port }));
    }
    for (let i = 0; i < 60; i++) {
      ws.push(await RawWebSocket.connect(respd.wsPort));
    }
    for (let i = 0; i < 60; i++) slow.push(await httpConn(respd.wsPort, "GET / HTTP/1.1\r\n"));
    assert(respd.alive);
    assertEquals(await admin.call("PING"), "+PONG\r\n");
    const info = await admin.call("INFO", "clients");
    assert(/connected_clients:128\r\n/.test(info), info);
    // The refused ones were told why and closed, the slowloris ones closed after 1 s.
    await Promise.all(slow.map((c) => readUntilEnd(c)));
    await Promise.all(ws.map((c) => readUntilEnd(c.conn)));
  } finally {
    closeAll(tcp);
    closeAll(ws);
    closeAll(slow);
  }
  // Every slot comes back: new TCP and WebSocket clients are served.
  await until(async () => {
    const info = await admin.call("INFO", "clients");
    return /connected_clients:2\r\n/.test(info);
  }, "the clients to be gone");
  using fresh = await RawClient.connect(respd.port);
  assertEquals(await fresh.call("PING"), "+PONG\r\n");
  using freshWs = await RawWebSocket.connect(respd.wsPort);
  await freshWs.send(encodeCommand(["PING"]));
  assertEquals(new TextDecoder().decode(await freshWs.readMessage()), "+PONG\r\n");
  const { pings } = await bystander.stop();
  assert(pings > 0 && respd.alive);
});

Deno.test("when accept runs out of descriptors the server logs it once, waits, and accepts again", async () => {
  // 64 descriptors, a runtime using ~25, and up to 100 pending HTTP connections allowed:
  // accept() itself fails with EMFILE.
  await using respd = await ChildServer.start([
    "--ws-port",
    "0",
    "--http-max-pending",
    "100",
    "--http-header-timeout",
    "1",
  ], 64);
  await using bystander = await Bystander.start(respd.port);
  const idle: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 80; i++) idle.push(await httpConn(respd.wsPort));
    await until(
      () => respd.logs.some((l) => l.includes("HTTP accept failed: Too many open files")),
      "the EMFILE log line",
    );
    // The header timeout frees descriptors; the waiting connections are then accepted.
    await until(
      () => respd.logs.some((l) => l.includes("HTTP accepting again")),
      "accepting to resume",
      1000,
      10,
    );
  } finally {
    closeAll(idle);
  }
  // Logged once per episode of failures, not once per failed accept.
  const failures = respd.logs.filter((l) => l.includes("accept failed")).length;
  const recoveries = respd.logs.filter((l) => l.includes("accepting again")).length;
  assert(failures <= recoveries + 1 && failures < 10, respd.logs.join("\n"));
  const response = await fetch(`http://127.0.0.1:${respd.wsPort}/no-such-asset`);
  await response.body?.cancel();
  assertEquals(response.status, 404);
  await bystander.stop();
  assert(respd.alive);
});

Deno.test("WebSocket clients that ignore the close frame leave no socket behind: cut off, killed, refused", async () => {
  const logs: string[] = [];
  await using server = startTestServer({
    wsPort: 0,
    maxclients: 40,
    clientOutputBufferLimit: {
      normal: { hard: 0, soft: 0, softSeconds: 0 },
      pubsub: { hard: 256 * 1024, soft: 0, softSeconds: 0 },
    },
    logger: (_, m) => logs.push(m),
    loglevel: "verbose",
  });
  await using bystander = await Bystander.start(server.port);
  using publisher = await RawClient.connect(server.port);

  // Cut off: 20 subscribers that never read, nor answer the close frame.
  const subscribers: RawWebSocket[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const ws = await RawWebSocket.connect(server.wsPort);
      subscribers.push(ws);
      await ws.send(encodeCommand(["SUBSCRIBE", "flood"]));
      await ws.readMessage();
    }
    const payload = "x".repeat(64 * 1024);
    let receivers = 20;
    for (let i = 0; receivers > 0; i++) {
      assert(i < 2000, "the subscribers were never cut off");
      receivers = Number((await publisher.call("PUBLISH", "flood", payload)).slice(1, -2));
    }
    const cutAt = Date.now();
    // Gone from the server within the bound, though they never read a byte.
    await until(() => wsSessions(server) === 0, "the cut-off sockets to be gone", 1000, 5);
    assert(Date.now() - cutAt < GONE_WITHIN_MS, `gone after ${Date.now() - cutAt} ms`);
    for (const ws of subscribers) await readUntilEnd(ws.conn);
  } finally {
    closeAll(subscribers);
  }

  // Killed: CLIENT KILL of a client that ignores the close frame.
  using victim = await RawWebSocket.connect(server.wsPort);
  await victim.send(encodeCommand(["CLIENT", "ID"]));
  const id = new TextDecoder().decode(await victim.readMessage()).slice(1, -2);
  assertEquals(await publisher.call("CLIENT", "KILL", "ID", id), ":1\r\n");
  const killedAt = Date.now();
  await readUntilEnd(victim.conn);
  assert(Date.now() - killedAt < GONE_WITHIN_MS);
  await until(() => wsSessions(server) === 0, "the killed socket to be gone");

  // Refused at maxclients: told why (message, close 1013), then gone within the bound.
  const filler: RawClient[] = [];
  try {
    while (server.sessions.size < 40) filler.push(await RawClient.connect(server.port));
    await until(() => server.sessions.size === 40, "the filler clients");
    using refused = await RawWebSocket.connect(server.wsPort);
    const refusedAt = Date.now();
    assertEquals(
      new TextDecoder().decode(await refused.readMessage()),
      "-ERR max number of clients reached\r\n",
    );
    const close = await refused.readFrame();
    assertEquals(close.opcode, 8);
    assertEquals((close.payload[0] << 8) | close.payload[1], 1013);
    await readUntilEnd(refused.conn);
    assert(Date.now() - refusedAt < GONE_WITHIN_MS);
    assert(logs.some((l) => l.includes("refused: max number of clients reached")));
  } finally {
    closeAll(filler);
  }
  await bystander.stop();
});

Deno.test("slowloris connections on the HTTP port are closed; pending ones are bounded", async () => {
  const logs: string[] = [];
  await using server = startTestServer({
    wsPort: 0,
    httpHeaderTimeout: 1,
    httpMaxPending: 20,
    loglevel: "verbose",
    logger: (_, m) => logs.push(m),
  });
  await using bystander = await Bystander.start(server.port);
  const conns: Deno.TcpConn[] = [];
  try {
    for (let i = 0; i < 30; i++) conns.push(await httpConn(server.wsPort, "G"));
    const started = Date.now();
    // One more header byte every 100 ms: never a whole head.
    let dripping = true;
    const drip = (async () => {
      while (dripping) {
        await Promise.all(conns.map((c) => c.write(encoder.encode("E")).catch(() => 0)));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    const closedAt = await Promise.all(conns.map((c) => readUntilEnd(c)));
    dripping = false;
    await drip;
    assert(Math.max(...closedAt) - started < 1000 + 1500, "closed within the header timeout");
    assertEquals(server.pendingHttpConnections, 0);
    assert(logs.some((l) => l.includes("no request within 1 s")), logs.join("\n"));
    assert(logs.some((l) => l.includes("--http-max-pending")), logs.join("\n"));
  } finally {
    closeAll(conns);
  }
  // A head over --http-max-header-size is refused with 431.
  using big = await httpConn(
    server.wsPort,
    `GET / HTTP/1.1\r\nX-Big: ${"a".repeat(20 * 1024)}\r\n\r\n`,
  );
  const reply = new Uint8Array(256);
  const n = await big.read(reply);
  assert(new TextDecoder().decode(reply.subarray(0, n ?? 0)).startsWith("HTTP/1.1 431 "));
  await bystander.stop();
});

Deno.test("a 64 MiB WebSocket message before AUTH is refused at its header, not buffered", async () => {
  await using server = startTestServer({ wsPort: 0, requirepass: "secret" });
  await using bystander = await Bystander.start(server.port, "secret");
  const rssBefore = Deno.memoryUsage().rss;
  const clients = await Promise.all(
    Array.from({ length: 10 }, () => RawWebSocket.connect(server.wsPort)),
  );
  try {
    await Promise.all(clients.map(async (ws) => {
      // A masked binary frame declaring 64 MiB, then its payload in 256 KiB pieces.
      const header = new Uint8Array([0x82, 0xff, 0, 0, 0, 0, 0x04, 0, 0, 0, 1, 2, 3, 4]);
      await ws.conn.write(header);
      const closing = ws.readUntilClose();
      const piece = new Uint8Array(256 * 1024);
      let sent = 0;
      let closed = false;
      closing.finally(() => (closed = true));
      while (!closed && sent < 64 * 1024 * 1024) {
        const n = await ws.conn.write(piece).catch(() => 0);
        if (n === 0) break;
        sent += n;
      }
      const { code, reason } = await closing;
      assertEquals([code, reason], [1009, "message too big"]);
    }));
  } finally {
    closeAll(clients);
  }
  const grown = Deno.memoryUsage().rss - rssBefore;
  assert(grown < 32 * 1024 * 1024, `RSS grew ${grown} bytes`);
  await bystander.stop();
});

Deno.test("a WebSocket whose reads are paused holds no queue; CLIENT KILL removes it at once", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using bystander = await Bystander.start(server.port);
  using admin = await RawClient.connect(server.port);
  const value = "v".repeat(256 * 1024);
  assertEquals(await admin.call("SET", "v", value), "+OK\r\n");
  using ws = await RawWebSocket.connect(server.wsPort);
  const get = encodeCommand(["GET", "v"]);
  // GETs it never reads until its session cannot write and stops reading.
  let session: Session | undefined;
  const stuck = () => (session?.pendingOutput ?? 0) >= value.length;
  for (let i = 0;; i++) {
    assert(i < 400, "the replies never backed up");
    const ran = server.stats.commands;
    await ws.send(get);
    session ??= [...server.sessions.values()].find((s) => s.transport.kind === "ws");
    assert(await eventually(() => server.stats.commands > ran || stuck()));
    if (stuck() && !(await eventually(() => !stuck(), 5))) break;
  }
  // Now it sends 32 MiB more: the server reads none of it, so its writes stall.
  const chunk = encodeCommand(["PING", "p".repeat(64 * 1024)]);
  let sent = 0;
  const flood = (async () => {
    while (sent < 32 * 1024 * 1024) {
      await ws.send(chunk);
      sent += chunk.length;
    }
  })().catch(() => {});
  await eventually(() => false, 30); // give the flood 300 ms
  assert(sent < 16 * 1024 * 1024, `the server took ${sent} bytes it was not reading`);
  const { used, size } = session!.queryBuffer;
  assert(size <= 256 * 1024 && used <= size, `query buffer ${used}/${size}`);
  const list = await admin.call("CLIENT", "LIST");
  assert(new RegExp(`id=${session!.id} .* qbuf=\\d+ `).test(list), list);

  assertEquals(await admin.call("CLIENT", "KILL", "ID", String(session!.id)), ":1\r\n");
  await until(() => !server.sessions.has(session!.id), "the stuck client to be removed", 100, 5);
  assert(!(await admin.call("CLIENT", "LIST")).includes(`id=${session!.id} `));
  await flood;
  await bystander.stop();
});

Deno.test("memory comes back after the attacks", async () => {
  await using respd = await ChildServer.start([
    "--ws-port",
    "0",
    "--requirepass",
    "secret",
    "--client-output-buffer-limit",
    "pubsub 1mb 0 0",
  ]);
  const baseline = respd.rss();
  await using bystander = await Bystander.start(respd.port, "secret");
  using admin = await RawClient.connect(respd.port);
  assertEquals(await admin.call("AUTH", "secret"), "+OK\r\n");
  let peak = baseline;
  // 200 WebSocket subscribers cut off by the output limit, never reading.
  const subscribers: RawWebSocket[] = [];
  try {
    for (let i = 0; i < 200; i++) {
      const ws = await RawWebSocket.connect(respd.wsPort, {
        "Sec-WebSocket-Protocol": "respd",
      });
      subscribers.push(ws);
      await ws.send(encodeCommand(["AUTH", "secret"]));
      await ws.readMessage();
      await ws.send(encodeCommand(["SUBSCRIBE", "flood"]));
      await ws.readMessage();
    }
    const payload = "x".repeat(256 * 1024);
    let receivers = 200;
    for (let i = 0; receivers > 0; i++) {
      assert(i < 500, "the subscribers were never cut off");
      receivers = Number((await admin.call("PUBLISH", "flood", payload)).slice(1, -2));
      peak = Math.max(peak, respd.rss());
    }
    // 500 rejected pre-AUTH connections (argument too long for an anonymous client).
    for (let i = 0; i < 500; i++) {
      using c = await RawClient.connect(respd.port);
      await c.sendCommand("SET", "k", "v".repeat(20 * 1024));
      await c.closedByPeer();
    }
  } finally {
    closeAll(subscribers);
  }
  const endedAt = Date.now();
  const back = await eventually(() => respd.rss() < baseline + 50 * 1024 * 1024, 120, 500);
  console.log(
    `RSS: baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, during the attacks ` +
      `${(peak / 2 ** 20).toFixed(0)} MiB at the peak, ${(respd.rss() / 2 ** 20).toFixed(0)} MiB ` +
      `${((Date.now() - endedAt) / 1000).toFixed(1)} s later`,
  );
  assert(peak > baseline + 100 * 1024 * 1024, "the attack did not take memory: no proof");
  assert(back, `RSS stayed at ${respd.rss()} (baseline ${baseline})`);
  await bystander.stop();
});
