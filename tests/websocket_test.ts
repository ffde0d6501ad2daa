/**
 * The WebSocket bridge from Deno's own WebSocket client: requests split across messages at
 * every byte boundary, many requests per message, text messages, HELLO 3, pipelining,
 * protocol errors (error reply, then close 1002 with the error as reason), the Origin
 * check, and the same replies as over TCP.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { startTestServer } from "./support/servers.ts";
import { RawClient } from "./support/raw_client.ts";
import { WsRawClient } from "./support/ws_raw_client.ts";
import { RawWebSocket } from "./support/raw_websocket.ts";
import { encodeCommand } from "../src/protocol/frame_codec.ts";
import { concat } from "../src/protocol/_test_streams.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The error a handshake fails with (the test fails if it succeeds). */
async function handshakeError(
  port: number,
  origin: string,
  headers: Record<string, string> = {},
  hostname = "127.0.0.1",
): Promise<string> {
  try {
    using _accepted = await RawWebSocket.connect(port, { Origin: origin, ...headers }, hostname);
  } catch (e: unknown) {
    return e instanceof Error ? e.message : String(e);
  }
  throw new Error(`the handshake from ${origin} succeeded`);
}

/** A WebSocket that records each message and how the socket closed. */
class RecordingSocket implements AsyncDisposable {
  readonly messages: string[] = [];
  readonly closed: Promise<CloseEvent>;
  #waiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    const { promise, resolve } = Promise.withResolvers<CloseEvent>();
    this.closed = promise;
    ws.onmessage = (e: MessageEvent) => {
      this.messages.push(decoder.decode(new Uint8Array(e.data as ArrayBuffer)));
      for (const wake of this.#waiters.splice(0)) wake();
    };
    ws.onclose = (e) => {
      resolve(e);
      for (const wake of this.#waiters.splice(0)) wake();
    };
  }

  static open(port: number): Promise<RecordingSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.binaryType = "arraybuffer";
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new RecordingSocket(ws));
      ws.onerror = () => reject(new Error("WebSocket failed to open"));
    });
  }

  /** Waits until `n` messages have arrived (or the socket closed). */
  async waitFor(n: number): Promise<void> {
    while (this.messages.length < n && this.ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.ws.readyState <= WebSocket.OPEN) this.ws.close();
    await this.closed;
  }
}

Deno.test("a command split across two messages at every byte boundary is answered once", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  const request = encodeCommand(["SET", "k", "hello world"]);
  for (let i = 1; i < request.length; i++) {
    await ws.send(request.subarray(0, i));
    await ws.send(request.subarray(i));
    assertEquals(decoder.decode(await ws.readReplyBytes()), "+OK\r\n");
  }
  await ws.sendCommand("GET", "k");
  assertEquals(decoder.decode(await ws.readReplyBytes()), "$11\r\nhello world\r\n");
});

Deno.test("a request sent one byte per message is answered", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  const request = encodeCommand(["ECHO", "byte by byte"]);
  for (let i = 0; i < request.length; i++) await ws.send(request.subarray(i, i + 1));
  assertEquals(decoder.decode(await ws.readReplyBytes()), "$12\r\nbyte by byte\r\n");
});

Deno.test("many requests in one message are answered in order, in one message", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await RecordingSocket.open(server.wsPort);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 100; i++) parts.push(encodeCommand(["INCR", "n"]));
  ws.ws.send(concat(...parts));
  await ws.waitFor(1);
  let expected = "";
  for (let i = 1; i <= 100; i++) expected += `:${i}\r\n`;
  assertEquals(ws.messages, [expected]);
});

Deno.test("pipelined requests spread over several messages keep their order", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  const stream = new Uint8Array([
    ...encodeCommand(["RPUSH", "l", "a", "b"]),
    ...encodeCommand(["LPOP", "l"]),
    ...encodeCommand(["LPOP", "l"]),
    ...encodeCommand(["LPOP", "l"]),
  ]);
  for (let i = 0; i < stream.length; i += 7) await ws.send(stream.subarray(i, i + 7));
  const replies = [];
  for (let i = 0; i < 4; i++) replies.push(decoder.decode(await ws.readReplyBytes()));
  assertEquals(replies, [":2\r\n", "$1\r\na\r\n", "$1\r\nb\r\n", "$-1\r\n"]);
});

Deno.test("text messages are read as their UTF-8 bytes, inline commands included", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await RecordingSocket.open(server.wsPort);
  ws.ws.send("SET greeting héllo\r\n");
  await ws.waitFor(1);
  ws.ws.send("STRLEN greeting\r\n");
  await ws.waitFor(2);
  assertEquals(ws.messages, ["+OK\r\n", ":6\r\n"]);
});

Deno.test("HELLO 3 switches a WebSocket session to RESP3", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await WsRawClient.connect(server.wsPort);
  await ws.sendCommand("HELLO", "3");
  const hello = decoder.decode(await ws.readReplyBytes());
  assert(hello.startsWith("%7\r\n$6\r\nserver\r\n"), hello);
  assert(hello.includes("$5\r\nproto\r\n:3\r\n"), hello);
  await ws.sendCommand("GET", "missing");
  assertEquals(decoder.decode(await ws.readReplyBytes()), "_\r\n");
});

Deno.test("a protocol error is answered, then the socket closes with 1002 and the error", async () => {
  await using server = startTestServer({ wsPort: 0 });
  await using ws = await RecordingSocket.open(server.wsPort);
  ws.ws.send(encoder.encode("PING\r\n*2\r\n$3\r\nGET\r\n$x\r\n"));
  const closed = await ws.closed;
  assertEquals(ws.messages.join(""), "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  assertEquals(closed.code, 1002);
  assertEquals(closed.reason, "ERR Protocol error: invalid bulk length");
  // The server keeps serving everyone else.
  await using again = await WsRawClient.connect(server.wsPort);
  await again.sendCommand("PING");
  assertEquals(decoder.decode(await again.readReplyBytes()), "+PONG\r\n");
});

Deno.test("the same requests get the same bytes over TCP and over WebSocket", async () => {
  await using server = startTestServer({ wsPort: 0 });
  using tcp = await RawClient.connect(server.port);
  await using ws = await WsRawClient.connect(server.wsPort);
  const script = [
    ["SET", "same", "1"],
    ["INCR", "same"],
    ["GET", "same"],
    ["NOSUCH", "a", "b"],
    ["GET"],
    ["SELECT", "99"],
    ["LPUSH", "same", "x"],
    ["ECHO", "\u00ff\u0000bytes"],
  ];
  for (const [i, cmd] of script.entries()) {
    // Each transport works on its own key so both see the same state.
    const tcpArgs = cmd.map((a) => (a === "same" ? "same-tcp" : a));
    const wsArgs = cmd.map((a) => (a === "same" ? "same-ws" : a));
    const viaTcp = await tcp.call(...tcpArgs);
    await ws.sendCommand(...wsArgs);
    const viaWs = decoder.decode(await ws.readReplyBytes());
    assertEquals(viaWs, viaTcp, `command ${i}: ${cmd.join(" ")}`);
  }
});

Deno.test("a foreign Origin gets HTTP 403 and never reaches the store", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const before = server.stats.connections;
  const refused = await handshakeError(server.wsPort, "http://evil.example");
  assert(refused.includes("HTTP/1.1 403"), refused);
  assertEquals(server.stats.connections, before);
  assertEquals(server.sessions.size, 0);
});

Deno.test("localhost pages, the server's own origin and clients without Origin connect", async () => {
  await using server = startTestServer({ wsPort: 0 });
  for (
    const origin of [
      "http://localhost:3000",
      "http://127.0.0.1:8080",
      "http://localhost",
      `http://127.0.0.1:${server.wsPort}`,
    ]
  ) {
    using ws = await RawWebSocket.connect(server.wsPort, { Origin: origin });
    await ws.send(encodeCommand(["PING"]));
    assertEquals(decoder.decode(await ws.readMessage()), "+PONG\r\n", origin);
  }
  using bare = await RawWebSocket.connect(server.wsPort);
  await bare.send(encodeCommand(["PING"]));
  assertEquals(decoder.decode(await bare.readMessage()), "+PONG\r\n");
});

Deno.test("bound to 0.0.0.0, a page from a non-loopback address opens /ws on that address", async () => {
  // 127.0.0.2 stands in for the machine's LAN address: the page came from
  // http://127.0.0.2:PORT/, so its Origin matches the Host it connects to.
  await using server = startTestServer({ wsPort: 0, bind: "0.0.0.0" });
  const own = `127.0.0.2:${server.wsPort}`;
  using ws = await RawWebSocket.connect(server.wsPort, { Origin: `http://${own}` }, "127.0.0.2");
  await ws.send(encodeCommand(["PING"]));
  assertEquals(decoder.decode(await ws.readMessage()), "+PONG\r\n");
  // another page's origin is still refused there
  const other = await handshakeError(server.wsPort, "http://127.0.0.3:8000", {}, "127.0.0.2");
  assert(other.includes("HTTP/1.1 403"), other);
});

Deno.test("a DNS-rebinding request (Origin and Host both an unknown name) is refused", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const host = `rebind.example:${server.wsPort}`;
  const refused = await handshakeError(server.wsPort, `http://${host}`, { Host: host });
  assert(refused.includes("HTTP/1.1 403"), refused);
  assertEquals(server.sessions.size, 0);
});

Deno.test("--ws-allowed-hosts names hosts whose own pages may open /ws", async () => {
  await using server = startTestServer({ wsPort: 0, wsAllowedHosts: ["respd.lan"] });
  const host = `respd.lan:${server.wsPort}`;
  using ws = await RawWebSocket.connect(server.wsPort, { Origin: `http://${host}`, Host: host });
  await ws.send(encodeCommand(["PING"]));
  assertEquals(decoder.decode(await ws.readMessage()), "+PONG\r\n");
  // a listed host does not admit pages from elsewhere
  const refused = await handshakeError(server.wsPort, "http://respd.lan:9999", { Host: host });
  assert(refused.includes("HTTP/1.1 403"), refused);
});

Deno.test("--ws-allowed-origins replaces the default list", async () => {
  await using server = startTestServer({ wsPort: 0, wsAllowedOrigins: ["https://app.example"] });
  using ok = await RawWebSocket.connect(server.wsPort, { Origin: "https://app.example" });
  await ok.send(encodeCommand(["PING"]));
  assertEquals(decoder.decode(await ok.readMessage()), "+PONG\r\n");
  const refused = await handshakeError(server.wsPort, "http://localhost:3000");
  assert(refused.includes("HTTP/1.1 403"), refused);
});

Deno.test("a plain HTTP request to /ws is told to upgrade; unknown paths are 404", async () => {
  await using server = startTestServer({ wsPort: 0 });
  const ws = await fetch(`http://127.0.0.1:${server.wsPort}/ws`);
  await ws.body?.cancel();
  assertEquals(ws.status, 426);
  const missing = await fetch(`http://127.0.0.1:${server.wsPort}/no-such-asset`);
  await missing.body?.cancel();
  assertEquals(missing.status, 404);
});

Deno.test("shutdown closes open WebSocket sessions", async () => {
  const server = startTestServer({ wsPort: 0 });
  const ws = await WsRawClient.connect(server.wsPort);
  await ws.sendCommand("PING");
  assertEquals(decoder.decode(await ws.readReplyBytes()), "+PONG\r\n");
  await server.shutdown();
  await ws.closed;
  assertEquals(server.sessions.size, 0);
});
