/**
 * Memory per idle client: RSS of the server before and after N connections that each ran
 * one PING and then stay idle, for respd over TCP and over WebSocket and for a real
 * redis-server over TCP, in one run. Prints KB per connection (RSS delta / N, measured
 * once the server settled).
 *
 *   deno task bench:idle [--clients 1000] [--settle 3]
 *       [--server "deno run -A main.ts --port {port} --ws-port {wsport}"]
 */

import { parseArgs } from "node:util";
import { freePort, waitForPing } from "./processes.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    clients: { type: "string", default: "1000" },
    settle: { type: "string", default: "3" },
    server: { type: "string", default: "deno run -A main.ts --port {port} --ws-port {wsport}" },
  },
});
const CLIENTS = Number(values.clients);
const SETTLE_MS = Number(values.settle) * 1000;
const PING = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");

function rssOf(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

const settle = () => new Promise((r) => setTimeout(r, SETTLE_MS));

async function tcpClients(port: number): Promise<Deno.TcpConn[]> {
  const conns: Deno.TcpConn[] = [];
  const buf = new Uint8Array(64);
  for (let i = 0; i < CLIENTS; i++) {
    const c = await Deno.connect({ hostname: "127.0.0.1", port });
    await c.write(PING);
    await c.read(buf);
    conns.push(c);
  }
  return conns;
}

async function wsClients(port: number): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      ws.onopen = resolve;
      ws.onerror = reject;
    });
    const reply = new Promise((resolve) => (ws.onmessage = resolve));
    ws.send(PING);
    await reply;
    sockets.push(ws);
  }
  return sockets;
}

async function measure(
  name: string,
  command: string[],
  port: number,
  connect: () => Promise<{ close(): void }[]>,
): Promise<void> {
  const child = new Deno.Command(command[0], {
    args: command.slice(1),
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitForPing(port, child, name);
    await settle();
    const before = rssOf(child.pid);
    const conns = await connect();
    await settle();
    const after = rssOf(child.pid);
    console.log(
      `${name.padEnd(22)} ${CLIENTS} idle: RSS ${(before / 2 ** 20).toFixed(1)} → ` +
        `${(after / 2 ** 20).toFixed(1)} MiB, ${((after - before) / CLIENTS / 1024).toFixed(1)} ` +
        "KB per connection",
    );
    for (const c of conns) c.close();
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
}

const respd = (port: number, wsPort: number) =>
  values.server.replace("{port}", String(port)).replace("{wsport}", String(wsPort)).split(" ");

{
  const port = freePort();
  await measure(
    "redis-server, TCP",
    [
      "redis-server",
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxclients",
      String(CLIENTS + 100),
    ],
    port,
    () => tcpClients(port),
  );
}
{
  const port = freePort();
  await measure("respd, TCP", respd(port, freePort()), port, () => tcpClients(port));
}
{
  const port = freePort();
  const wsPort = freePort();
  await measure("respd, WebSocket", respd(port, wsPort), port, () => wsClients(wsPort));
}
