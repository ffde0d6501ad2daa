/**
 * The floor of the transaction and blocking benches (bench/transactions_bench.ts,
 * bench/blocking_bench.ts): the least a Deno TCP server does to answer them, so a ratio to
 * Redis can be split into the runtime's share and respd's own. Like bench/floor_server.ts it
 * reads through a BYOB reader of `conn.readable` (as respd does) and writes one reply per read,
 * but it answers each command with a canned reply of the right shape, chosen by the first
 * letter of the command's name, so the clients see what they wait for:
 *
 *   PING +PONG, SET +OK, INCR :1, GET $5 value; MULTI +OK, then +QUEUED for each command and
 *   EXEC the array of their canned replies; LPUSH key :1, and it wakes the oldest connection
 *   waiting in BLPOP on that key (its reply, `key` and `x`, written to that connection at once,
 *   in its own write, as Redis and respd do); BLPOP key ... waits unless a push is pending.
 *
 * No store, no argument parsing beyond the command's first letter and its first key, no
 * error handling: only for those two benches.
 *
 *   deno task bench:tx --also "deno run -A bench/floor_canned_server.ts --port {port}"
 *   deno task bench:blocking --also "deno run -A bench/floor_canned_server.ts --port {port}"
 *
 * (`--also`: measured in the same interleaved runs as respd; `--server`: in respd's place.)
 */

import { parseArgs } from "node:util";
import { serveConnections } from "./floor_listen.ts";

const { values } = parseArgs({ args: Deno.args, options: { port: { type: "string" } } });

const text = (s: string) => new TextEncoder().encode(s);
const OK = text("+OK\r\n");
const PONG = text("+PONG\r\n");
const QUEUED = text("+QUEUED\r\n");
const ONE = text(":1\r\n");
const VALUE = text("$5\r\nvalue\r\n");
const CR = 13;

/**
 * A connection's state: its MULTI queue (canned replies), its socket for wake-ups, the key
 * it waits on (dropped from the waiters when it disconnects).
 */
interface Client {
  conn: Deno.TcpConn;
  queued: Uint8Array[] | null;
  waitsOn: string | null;
}

/** Waiting BLPOP clients per key, oldest first; pushes not yet popped per key. */
const waiters = new Map<string, Client[]>();
const pending = new Map<string, number>();

/** The reply to a BLPOP served from `key`: the key and the canned element `x`. */
function popReply(key: string): Uint8Array {
  return text(`*2\r\n$${key.length}\r\n${key}\r\n$1\r\nx\r\n`);
}

/**
 * Reads a decimal number ending in CRLF at `at`: [value, position after the CRLF], or a
 * position past the end when the bytes stop first.
 */
function number(bytes: Uint8Array, at: number): [number, number] {
  let n = 0;
  while (at < bytes.length && bytes[at] !== CR) n = n * 10 + bytes[at++] - 48;
  return [n, at + 2];
}

/**
 * Answers the whole commands in `bytes` into `out`; returns where the first
 * incomplete command starts and how many reply bytes were written.
 */
function serve(client: Client, bytes: Uint8Array, out: Uint8Array): [number, number] {
  let at = 0, n = 0;
  const put = (reply: Uint8Array) => {
    out.set(reply, n);
    n += reply.length;
  };
  for (;;) {
    const start = at;
    if (at >= bytes.length) return [at, n];
    let argc: number, len: number;
    [argc, at] = number(bytes, at + 1);
    if (at > bytes.length) return [start, n];
    let name = 0, key = "";
    for (let i = 0; i < argc; i++) {
      if (at >= bytes.length) return [start, n];
      [len, at] = number(bytes, at + 1);
      if (at > bytes.length || at + len + 2 > bytes.length) return [start, n];
      if (i === 0) name = bytes[at] & 0xdf; // upper case
      else if (i === 1) key = String.fromCharCode(...bytes.subarray(at, at + len));
      at += len + 2;
    }
    const queue = client.queued;
    if (name === 0x45 /* EXEC */ && queue !== null) {
      client.queued = null;
      put(text(`*${queue.length}\r\n`));
      for (const reply of queue) put(reply);
      continue;
    }
    let reply: Uint8Array | null;
    switch (name) {
      case 0x50: // PING
        reply = PONG;
        break;
      case 0x49: // INCR
        reply = ONE;
        break;
      case 0x47: // GET
        reply = VALUE;
        break;
      case 0x4c: { // LPUSH
        reply = ONE;
        const woken = waiters.get(key)?.shift();
        if (woken !== undefined) {
          woken.waitsOn = null;
          woken.conn.write(popReply(key)).catch(() => {});
        } else pending.set(key, (pending.get(key) ?? 0) + 1);
        break;
      }
      case 0x42: { // BLPOP
        const ready = pending.get(key) ?? 0;
        if (ready > 0) {
          pending.set(key, ready - 1);
          reply = popReply(key);
        } else {
          let list = waiters.get(key);
          if (list === undefined) waiters.set(key, list = []);
          list.push(client);
          client.waitsOn = key;
          reply = null;
        }
        break;
      }
      case 0x4d: // MULTI
        client.queued = [];
        put(OK);
        continue;
      default: // SET and anything else
        reply = OK;
    }
    if (reply === null) continue;
    if (queue !== null) {
      queue.push(reply);
      put(QUEUED);
    } else put(reply);
  }
}

async function connection(conn: Deno.TcpConn): Promise<void> {
  conn.setNoDelay(true);
  const client: Client = { conn, queued: null, waitsOn: null };
  try {
    await serveConnection(client);
  } finally {
    const list = client.waitsOn === null ? undefined : waiters.get(client.waitsOn);
    list?.splice(list.indexOf(client), 1);
  }
}

async function serveConnection(client: Client): Promise<void> {
  const conn = client.conn;
  const out = new Uint8Array(512 * 1024);
  const reader = conn.readable.getReader({ mode: "byob" });
  let buf = new Uint8Array(64 * 1024);
  let kept = 0; // bytes of an incomplete command at the start of buf
  for (;;) {
    const { value, done } = await reader.read(buf.subarray(kept));
    if (done || value === undefined) return;
    buf = new Uint8Array(value.buffer);
    const bytes = buf.subarray(0, kept + value.length);
    const [used, n] = serve(client, bytes, out);
    kept = bytes.length - used;
    if (kept !== 0) buf.copyWithin(0, used, bytes.length);
    let written = 0;
    while (written < n) written += await conn.write(out.subarray(written, n));
  }
}

await serveConnections(
  Deno.listen({ hostname: "127.0.0.1", port: Number(values.port) }),
  connection,
);
