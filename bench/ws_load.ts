/**
 * WebSocket load against TCP load on the same respd: N clients each send SETs (then GETs)
 * in messages of 1 command and of 16 commands, waiting for all replies of a message before
 * sending the next, over the WebSocket bridge and over plain TCP from the same client
 * process. Prints ops/s and the server's CPU per command (all its threads, /proc), and
 * for each case the WebSocket/TCP ratio of CPU per command (the target: ≤ 1.2 batched).
 *
 *   deno task bench:ws [--clients 50] [--requests 200000]
 *       [--server "deno run -A main.ts --save '' --port {port} --ws-port {wsport}"]
 *
 * Replies are counted by bytes (`+OK\r\n`, `$3\r\nxxx\r\n`), which is exact for these
 * commands and keeps the client's own cost per reply small.
 */

import { parseArgs } from "node:util";
import { cpuOf, freePort, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "50" },
    requests: { type: "string", default: "200000" },
    server: {
      type: "string",
      default: "deno run -A main.ts --save '' --port {port} --ws-port {wsport}",
    },
  },
});
const CLIENTS = Number(values.clients);
const REQUESTS = Number(values.requests);
const encoder = new TextEncoder();

interface Workload {
  name: string;
  command: Uint8Array;
  replyBytes: number;
}

const WORKLOADS: Workload[] = [
  {
    name: "SET",
    command: encoder.encode("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$3\r\nxxx\r\n"),
    replyBytes: 5,
  },
  { name: "GET", command: encoder.encode("*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"), replyBytes: 9 },
];

function message(w: Workload, perMessage: number): Uint8Array {
  const out = new Uint8Array(w.command.length * perMessage);
  for (let i = 0; i < perMessage; i++) out.set(w.command, i * w.command.length);
  return out;
}

/** One client's loop over any transport: send a message, wait for its replies, repeat. */
async function drive(
  messages: number,
  send: () => void,
  replies: { waitFor(bytes: number): Promise<void> },
  bytesPerMessage: number,
): Promise<void> {
  for (let i = 0; i < messages; i++) {
    send();
    await replies.waitFor(bytesPerMessage);
  }
}

/** Counts received bytes and resolves once a wanted amount has arrived. */
class ByteCounter {
  #received = 0;
  #wanted = 0;
  #resolve: (() => void) | null = null;
  add(n: number): void {
    this.#received += n;
    if (this.#resolve !== null && this.#received >= this.#wanted) {
      this.#received -= this.#wanted;
      const r = this.#resolve;
      this.#resolve = null;
      r();
    }
  }
  waitFor(bytes: number): Promise<void> {
    if (this.#received >= bytes) {
      this.#received -= bytes;
      return Promise.resolve();
    }
    this.#wanted = bytes;
    return new Promise((r) => this.#resolve = r);
  }
}

async function overWebSocket(wsPort: number, w: Workload, perMessage: number): Promise<void> {
  const payload = message(w, perMessage);
  const messages = Math.ceil(REQUESTS / CLIENTS / perMessage);
  const sockets = await Promise.all(
    Array.from({ length: CLIENTS }, () =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${wsPort}/ws`);
        ws.binaryType = "arraybuffer";
        ws.onopen = () => resolve(ws);
        ws.onerror = () => reject(new Error("WebSocket connection failed"));
      })),
  );
  try {
    await Promise.all(sockets.map((ws) => {
      const counter = new ByteCounter();
      ws.onmessage = (e) =>
        counter.add(
          typeof e.data === "string" ? encoder.encode(e.data).length : e.data.byteLength,
        );
      return drive(messages, () => ws.send(payload), counter, w.replyBytes * perMessage);
    }));
  } finally {
    await Promise.all(sockets.map((ws) =>
      new Promise<void>((resolve) => {
        ws.onclose = () => resolve();
        ws.close();
      })
    ));
  }
}

async function overTcp(port: number, w: Workload, perMessage: number): Promise<void> {
  const payload = message(w, perMessage);
  const messages = Math.ceil(REQUESTS / CLIENTS / perMessage);
  const conns = await Promise.all(
    Array.from({ length: CLIENTS }, () => Deno.connect({ hostname: "127.0.0.1", port })),
  );
  try {
    await Promise.all(conns.map(async (conn) => {
      conn.setNoDelay(true);
      const counter = new ByteCounter();
      const buf = new Uint8Array(64 * 1024);
      const reading = (async () => {
        for (;;) {
          const n = await conn.read(buf);
          if (n === null) return;
          counter.add(n);
        }
      })();
      await drive(
        messages,
        () => {
          conn.write(payload); // small: the kernel takes it whole
        },
        counter,
        w.replyBytes * perMessage,
      );
      conn.closeWrite();
      await reading;
    }));
  } finally {
    for (const c of conns) {
      try {
        c.close();
      } catch {
        // closed by the peer
      }
    }
  }
}

const port = freePort(), wsPort = freePort();
const command = values.server.replaceAll("{port}", String(port)).replaceAll(
  "{wsport}",
  String(wsPort),
);
const server = new Deno.Command("bash", {
  args: ["-c", `exec ${command}`],
  stdout: "null",
  stderr: "null",
}).spawn();
try {
  await waitForPing(port, server, "respd");
  console.log(`# respd: ${command}; ${CLIENTS} clients, ${REQUESTS} commands per case`);
  console.log(
    "workload  per-msg  transport      ops/s  server-cpu-ns/cmd",
  );
  for (const w of WORKLOADS) {
    for (const perMessage of [1, 16]) {
      const cpu: Record<string, number> = {};
      for (const transport of ["tcp", "ws"]) {
        const total = Math.ceil(REQUESTS / CLIENTS / perMessage) * perMessage * CLIENTS;
        const c0 = cpuOf(server.pid).total;
        const t0 = performance.now();
        if (transport === "ws") await overWebSocket(wsPort, w, perMessage);
        else await overTcp(port, w, perMessage);
        const seconds = (performance.now() - t0) / 1000;
        cpu[transport] = (cpuOf(server.pid).total - c0) / total;
        console.log(
          `${w.name.padEnd(9)} ${String(perMessage).padStart(7)}  ${transport.padEnd(9)} ` +
            `${Math.round(total / seconds).toString().padStart(10)}  ${
              Math.round(cpu[transport]).toString().padStart(17)
            }`,
        );
      }
      console.log(
        `ws/tcp cpu per command, ${w.name} ${perMessage} per message: ${
          (cpu.ws / cpu.tcp).toFixed(2)
        }`,
      );
    }
  }
} finally {
  try {
    server.kill("SIGTERM");
  } catch {
    // already exited
  }
  await server.status;
}
