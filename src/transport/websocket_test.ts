/**
 * The WebSocket transport's byte stream and write path, against a stand-in socket: BYOB
 * reads get message bytes copied into their view with the rest kept for the next read,
 * text is UTF-8, the stream ends on close, and writes wait while bufferedAmount is high.
 */

import { assert, assertEquals } from "../../tests/support/assert.ts";
import { webSocketTransport } from "./websocket.ts";

/** Just enough of a WebSocket for the transport. */
class FakeSocket {
  binaryType = "blob";
  readyState: number = WebSocket.OPEN;
  bufferedAmount = 0;
  sent: Uint8Array[] = [];
  closedWith: [number | undefined, string | undefined] | null = null;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onclose: ((e: CloseEvent) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;

  send(data: Uint8Array): void {
    this.sent.push(data.slice()); // as a WebSocket does: it takes a copy of the bytes
  }
  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
    this.readyState = WebSocket.CLOSED;
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }
  receive(data: string | Uint8Array): void {
    const payload = typeof data === "string" ? data : data.slice().buffer;
    this.onmessage?.(new MessageEvent("message", { data: payload }));
  }
}

const warnings: string[] = [];

function open(socket: FakeSocket | WebSocket, maxBuffered = 1024, maxQueued = 1 << 20) {
  return webSocketTransport(socket as unknown as WebSocket, {
    maxBuffered,
    maxQueued,
    remoteAddress: "test:1",
    localAddress: "test:2",
    warn: (message: string) => warnings.push(message),
  });
}

Deno.test("a BYOB read gets what fits of a message; the rest waits for the next read", async () => {
  const socket = new FakeSocket();
  const transport = open(socket);
  assertEquals(socket.binaryType, "arraybuffer");
  const reader = transport.readable.getReader({ mode: "byob" });
  const first = reader.read(new Uint8Array(4));
  socket.receive(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  assertEquals([...(await first).value!], [1, 2, 3, 4]);
  assertEquals([...(await reader.read(new Uint8Array(4))).value!], [5, 6, 7, 8]);
  assertEquals([...(await reader.read(new Uint8Array(4))).value!], [9, 10]);
  socket.receive("é\r\n");
  assertEquals([...(await reader.read(new Uint8Array(8))).value!], [0xc3, 0xa9, 13, 10]);
  const end = reader.read(new Uint8Array(4));
  socket.close(1000);
  assert((await end).done);
});

Deno.test("a write sends one binary message of the caller's bytes", async () => {
  const socket = new FakeSocket();
  const transport = open(socket);
  await transport.write(new TextEncoder().encode("+OK\r\n"));
  assertEquals(socket.sent.map((b) => new TextDecoder().decode(b)), ["+OK\r\n"]);
});

Deno.test("a real WebSocket peer gets the bytes as written, though the writer reuses them at once", async () => {
  // The session refills its reply buffer as soon as write() settles; the transport relies
  // on send() taking a copy (WebSocket standard), which this checks against Deno's own.
  const received: string[] = [];
  const allReceived = Promise.withResolvers<void>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onopen = async () => {
      const transport = open(socket);
      const buffer = new Uint8Array(6);
      for (const reply of ["+AAA\r\n", "+BBB\r\n"]) {
        new TextEncoder().encodeInto(reply, buffer);
        await transport.write(buffer);
        buffer.fill(0);
      }
    };
    return response;
  });
  const client = new WebSocket(`ws://127.0.0.1:${server.addr.port}/`);
  client.binaryType = "arraybuffer";
  client.onmessage = (e) => {
    received.push(new TextDecoder().decode(e.data));
    if (received.length === 2) allReceived.resolve();
  };
  try {
    await allReceived.promise;
    assertEquals(received, ["+AAA\r\n", "+BBB\r\n"]);
  } finally {
    const closed = new Promise((r) => (client.onclose = r));
    client.close();
    await closed;
    await server.shutdown();
  }
});

Deno.test("a write waits while bufferedAmount is over the limit, and ends on close", async () => {
  const socket = new FakeSocket();
  const transport = open(socket, 10);
  socket.bufferedAmount = 11;
  let settled = false;
  const write = transport.write(new Uint8Array(3)).then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, 20));
  assert(!settled);
  assertEquals(transport.queued, 11);
  socket.bufferedAmount = 5;
  await write;
  assert(settled);
  socket.bufferedAmount = 50;
  const stuck = transport.write(new Uint8Array(3));
  transport.close("bye", 1008);
  let failed = false;
  await stuck.catch(() => (failed = true));
  assert(failed);
  assertEquals(socket.closedWith, [1008, "bye"]);
});

Deno.test("a client that keeps sending while it is not read is closed past the limit", async () => {
  const socket = new FakeSocket();
  const transport = open(socket, 1024, 8);
  const reader = transport.readable.getReader({ mode: "byob" });
  socket.receive(new Uint8Array(8)); // queued: nobody is reading
  assertEquals(socket.closedWith, null);
  socket.receive(new Uint8Array(1));
  assertEquals(socket.closedWith, [1008, "max query buffer length reached"]);
  assert(warnings.some((w) => w.includes("max query buffer length")));
  // What was queued is still delivered, then the stream ends.
  assertEquals((await reader.read(new Uint8Array(16))).value!.length, 9);
  assert((await reader.read(new Uint8Array(16))).done);
});
