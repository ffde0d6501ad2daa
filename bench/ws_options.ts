/**
 * The WebSocket layers respd could stand on, compared on the same work (issue #11): each
 * server echoes a reply of `+PONG\r\n` per request for every message of PINGs, so only the
 * WebSocket layer's own cost differs. Prints ops/s and the server's CPU per command.
 *
 * - deno:  Deno.serve + Deno.upgradeWebSocket (what respd used until issue #11)
 * - ws:    npm `ws` on node:http (Deno's Node compatibility layer)
 * - respd: respd's own layer (src/transport/websocket.ts) read through a ByteReader, as
 *          the session does
 *
 *   deno run -A bench/ws_options.ts [--clients 50] [--requests 200000] [--per 16]
 *   (the script runs itself with `--serve MODE --port N` for each server)
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "50" },
    requests: { type: "string", default: "200000" },
    per: { type: "string", default: "16" },
    serve: { type: "string" },
    port: { type: "string" },
  },
});
const PING = "*1\r\n$4\r\nPING\r\n";
const PONG = new TextEncoder().encode("+PONG\r\n");

function replyFor(bytes: number): Uint8Array {
  const n = Math.floor(bytes / PING.length);
  const out = new Uint8Array(n * PONG.length);
  for (let i = 0; i < n; i++) out.set(PONG, i * PONG.length);
  return out;
}

async function serve(mode: string, port: number): Promise<void> {
  if (mode === "deno") {
    Deno.serve({ hostname: "127.0.0.1", port, onListen() {} }, (req) => {
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.binaryType = "arraybuffer";
      socket.onmessage = (e) => socket.send(replyFor((e.data as ArrayBuffer).byteLength));
      return response;
    });
  } else if (mode === "ws") {
    const { createServer } = await import("node:http");
    const { WebSocketServer } = await import("ws");
    const http = createServer();
    const wss = new WebSocketServer({ server: http, maxPayload: 1 << 20 });
    interface Peer {
      on(event: "message", listener: (data: Uint8Array) => void): void;
      send(data: Uint8Array): void;
    }
    wss.on("connection", (ws: Peer) => {
      ws.on("message", (data: Uint8Array) => ws.send(replyFor(data.length)));
    });
    http.listen(port, "127.0.0.1");
  } else {
    const { WebSocketTransport } = await import("../src/transport/websocket.ts");
    const { ByteReader } = await import("../src/protocol/byte_reader.ts");
    const { readRequestHead } = await import("../src/transport/http_head.ts");
    const { websocketAccept } = await import("../src/transport/http.ts");
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    for await (const conn of listener) {
      (async () => {
        conn.setNoDelay(true);
        const got = await readRequestHead(conn, 16384);
        if (got === null) return conn.close();
        const key = got.head.headers.get("sec-websocket-key")!;
        await conn.write(new TextEncoder().encode(
          "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n" +
            `sec-websocket-accept: ${websocketAccept(key)}\r\n\r\n`,
        ));
        const t = new WebSocketTransport(conn, got.rest, {
          maxMessage: () => 1 << 20,
          remoteAddress: "",
          localAddress: "",
          log() {},
        });
        const reader = new ByteReader(t.readable, 16 * 1024);
        while (await reader.fill()) {
          const whole = reader.buffered - (reader.buffered % PING.length);
          reader.consume(reader.start + whole);
          await t.write(replyFor(whole));
        }
        t.close();
      })();
    }
  }
  await new Promise(() => {});
}

async function load(port: number, clients: number, requests: number, per: number) {
  const message = new TextEncoder().encode(PING.repeat(per));
  const expected = per * PONG.length;
  const perClient = Math.ceil(requests / per / clients);
  await Promise.all(Array.from({ length: clients }, async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    let got = 0;
    let wake: (() => void) | null = null;
    ws.onmessage = (e) => {
      got += (e.data as ArrayBuffer).byteLength;
      if (got >= expected) wake?.();
    };
    for (let i = 0; i < perClient; i++) {
      got = 0;
      const done = new Promise<void>((r) => (wake = r));
      ws.send(message);
      await done;
    }
    const closed = new Promise((r) => (ws.onclose = r));
    ws.close();
    await closed;
  }));
  return perClient * clients * per;
}

if (values.serve !== undefined) {
  await serve(values.serve, Number(values.port));
} else {
  const clients = Number(values.clients);
  const requests = Number(values.requests);
  const per = Number(values.per);
  console.log(`# ${clients} clients, ${per} PINGs per message, ${requests} PINGs per server`);
  console.log("layer   ops/s     server-cpu-ns/cmd");
  for (const mode of ["deno", "ws", "respd"]) {
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(import.meta.url).pathname,
        "--serve",
        mode,
        "--port",
        String(port),
      ],
      stdout: "inherit",
      stderr: "inherit",
    }).spawn();
    try {
      for (let i = 0;; i++) {
        try {
          (await Deno.connect({ hostname: "127.0.0.1", port })).close();
          break;
        } catch {
          if (i > 100) throw new Error(`${mode} server did not start`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await load(port, clients, Math.min(requests, 20_000), per); // warm-up
      const cpu0 = cpuOf(child.pid).total;
      const t0 = performance.now();
      const done = await load(port, clients, requests, per);
      const seconds = (performance.now() - t0) / 1000;
      const cpu = cpuOf(child.pid).total - cpu0;
      console.log(
        `${mode.padEnd(6)} ${String(Math.round(done / seconds)).padStart(8)} ` +
          `${String(Math.round(cpu / done)).padStart(12)}`,
      );
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
  }
}
