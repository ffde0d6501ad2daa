/**
 * The floor for a proxy: the least a Deno process can do per request while standing between
 * a client and Redis, to tell the gateway's own costs from the runtime's. Every connection
 * is read through a BYOB reader of its `readable` (as respd reads every connection).
 *
 * `--mode pipe` (the default) parses nothing: each client connection gets one upstream
 * connection of its own and every read is written on as it is, in one write, both ways.
 * So at P=1 it makes one upstream write and one upstream read per request.
 *
 * `--mode mux` is the floor of the gateway's shape (and twemproxy's): all clients share one
 * upstream connection. It must know where frames end to do that, and does no more: the
 * protocol layer's `checkFrame` finds whole requests (forwarded as bytes) and whole replies
 * (handed back in order to the client that sent the request), with no arguments, names or
 * replies built. Requests gathered during one microtask leave in one upstream write; the
 * replies one upstream read brings go out in one write per client.
 *
 *   deno run -A bench/floor_proxy.ts --port 7000 --upstream 127.0.0.1:6379 [--mode pipe|mux]
 *   deno task bench:gateway --proxies floor,floor-mux   (measured in place of the gateway)
 */

import { parseArgs } from "node:util";
import { closeQuietly, serveConnections } from "./floor_listen.ts";
import { checkFrame } from "../src/protocol/frame_codec.ts";
import { INCOMPLETE } from "../src/protocol/frame.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    port: { type: "string" },
    upstream: { type: "string" },
    mode: { type: "string", default: "pipe" },
  },
});
const [upstreamHost, upstreamPort] = (values.upstream ?? "127.0.0.1:6379").split(":");
const READ_SIZE = 64 * 1024;

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
}

async function connectUpstream(): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: upstreamHost, port: Number(upstreamPort) });
  conn.setNoDelay(true);
  return conn;
}

// --- pipe: one upstream connection per client, bytes forwarded as read ---

/** Reads `from` through a BYOB reader and writes every read to `to`, once, as it is. */
async function pump(from: Deno.TcpConn, to: Deno.TcpConn): Promise<void> {
  const reader = from.readable.getReader({ mode: "byob" });
  let buf = new Uint8Array(READ_SIZE);
  for (;;) {
    const { value, done } = await reader.read(buf);
    if (done || value === undefined) return;
    await writeAll(to, value);
    buf = new Uint8Array(value.buffer);
  }
}

async function servePipe(client: Deno.TcpConn): Promise<void> {
  const upstream = await connectUpstream();
  // either side ending or failing ends both
  const quiet = (p: Promise<void>) => p.catch(() => {});
  await Promise.race([quiet(pump(client, upstream)), quiet(pump(upstream, client))]);
  closeQuietly(upstream);
}

// --- mux: one shared upstream connection, frames found with checkFrame ---

/** A growable byte buffer written by one drain loop, double-buffered. */
class Outbox {
  #out = new Uint8Array(16 * 1024);
  #spare = new Uint8Array(16 * 1024);
  #length = 0;
  #writing = false;

  constructor(readonly conn: Deno.Conn) {}

  append(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.#out.length) {
      let size = this.#out.length * 2;
      while (size < this.#length + bytes.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.#out.subarray(0, this.#length));
      this.#out = grown;
    }
    this.#out.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** Writes what was appended once the current microtask's work is done. */
  flushSoon(): void {
    if (this.#writing) return;
    this.#writing = true;
    queueMicrotask(() => this.#drain().catch(() => closeQuietly(this.conn)));
  }

  async #drain(): Promise<void> {
    try {
      while (this.#length !== 0) {
        const batch = this.#out.subarray(0, this.#length);
        [this.#out, this.#spare] = [this.#spare, this.#out];
        this.#length = 0;
        await writeAll(this.conn, batch);
      }
    } finally {
      this.#writing = false;
    }
  }
}

/** A BYOB-read buffer whose unconsumed bytes are `buf[start, end)`. */
class Reader {
  buf = new Uint8Array(READ_SIZE);
  start = 0;
  end = 0;
  #reader: ReadableStreamBYOBReader;

  constructor(conn: Deno.Conn) {
    this.#reader = conn.readable.getReader({ mode: "byob" });
  }

  /** Reads more bytes after the unconsumed ones; false at the end of the stream. */
  async fill(): Promise<boolean> {
    if (this.start === this.end) this.start = this.end = 0;
    else if (this.end === this.buf.length) {
      const used = this.end - this.start;
      if (this.start > 0) this.buf.copyWithin(0, this.start, this.end);
      else {
        const grown = new Uint8Array(this.buf.length * 2);
        grown.set(this.buf);
        this.buf = grown;
      }
      this.start = 0;
      this.end = used;
    }
    const { value, done } = await this.#reader.read(
      new Uint8Array(this.buf.buffer, this.end, this.buf.length - this.end),
    );
    if (value === undefined || done) return false;
    this.buf = new Uint8Array(value.buffer);
    this.end += value.byteLength;
    return true;
  }
}

let shared: { out: Outbox; waiting: Outbox[] } | null = null;

async function sharedUpstream(): Promise<{ out: Outbox; waiting: Outbox[] }> {
  if (shared !== null) return shared;
  const conn = await connectUpstream();
  const link = { out: new Outbox(conn), waiting: [] as Outbox[] };
  shared ??= link;
  readReplies(conn, link.waiting).catch(() => Deno.exit(1));
  return link;
}

/** Hands each whole reply to the client waiting longest, one write per client per read. */
async function readReplies(conn: Deno.Conn, waiting: Outbox[]): Promise<void> {
  const reader = new Reader(conn);
  let head = 0;
  while (await reader.fill()) {
    for (;;) {
      const next = checkFrame(reader.buf, reader.start, reader.end);
      if (next === INCOMPLETE) break;
      const client = waiting[head];
      waiting[head++] = undefined as never;
      client.append(reader.buf.subarray(reader.start, next));
      client.flushSoon();
      reader.start = next;
    }
    if (head > 1024 && head * 2 > waiting.length) {
      waiting.splice(0, head);
      head = 0;
    }
  }
  throw new Error("upstream closed");
}

async function serveMux(client: Deno.TcpConn): Promise<void> {
  const upstream = await sharedUpstream();
  const replies = new Outbox(client);
  const reader = new Reader(client);
  while (await reader.fill()) {
    const from = reader.start;
    for (;;) {
      const next = checkFrame(reader.buf, reader.start, reader.end);
      if (next === INCOMPLETE) break;
      upstream.waiting.push(replies);
      reader.start = next;
    }
    if (reader.start !== from) {
      upstream.out.append(reader.buf.subarray(from, reader.start));
      upstream.out.flushSoon();
    }
  }
}

const serve = values.mode === "mux" ? serveMux : servePipe;
await serveConnections(
  Deno.listen({ hostname: "127.0.0.1", port: Number(values.port) }),
  (conn) => {
    conn.setNoDelay(true);
    return serve(conn);
  },
);
