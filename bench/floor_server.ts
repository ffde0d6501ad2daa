/**
 * The floor: the least a Deno TCP server can do per request, to tell respd's own costs
 * from the runtime's. It answers `+PONG` to every `*` it sees (no parsing, no store) with
 * one write per read, reading either through a BYOB reader of `conn.readable` (the path
 * respd takes) or with `conn.read` into one reused buffer. Only for PING-like benchmarks:
 *
 *   deno task bench:ratio --tests ping,get --server \
 *     "deno run -A bench/floor_server.ts --port {port} --mode byob"
 *
 * With `--tls-cert FILE --tls-key FILE` it listens with Deno's own TLS (`Deno.listenTls`,
 * as respd's tls-port does for `tls-auth-clients no`): the floor of a Deno TLS server
 * (`deno task bench:tls --server floor`).
 *
 * With `--appendfsync always|everysec|no --dir D` it also appends every read's bytes to
 * `D/floor.aof` as respd's AOF does: the bytes of one turn of the event loop written at its
 * end with one write, fdatasynced then (always, the replies waiting for it) or once a
 * second off the loop (everysec): the floor of a Deno server with an AOF
 * (`deno task bench:persistence --parts aof --server floor`).
 */

import { parseArgs } from "node:util";
import { serveConnections } from "./floor_listen.ts";
import { writeAllSync } from "../src/persistence/file_io.ts";

const { values } = parseArgs({
  args: Deno.args,
  // --maxclients: bench/latency.ts passes it to every server; the floor takes any number
  options: {
    port: { type: "string" },
    mode: { type: "string", default: "byob" },
    maxclients: { type: "string" },
    "tls-cert": { type: "string" },
    "tls-key": { type: "string" },
    appendfsync: { type: "string" },
    dir: { type: "string", default: "." },
  },
});
const REPLY = new TextEncoder().encode("+PONG\r\n");

/** Fills `out` with one reply per request start in `bytes`; returns the reply length. */
function replies(bytes: Uint8Array, out: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 42) {
      out.set(REPLY, n);
      n += REPLY.length;
    }
  }
  return n;
}

/** The AOF's part: the turn's appended bytes, one write (and fdatasync) per turn. */
class FloorAof {
  readonly #file: Deno.FsFile;
  #pending: Uint8Array[] = [];
  #turn: Promise<void> | null = null;

  constructor(readonly mode: string, dir: string) {
    this.#file = Deno.openSync(`${dir}/floor.aof`, { append: true, create: true, write: true });
    if (mode === "everysec") setInterval(() => this.#file.syncData(), 1000);
  }

  /** Appends `bytes`; resolves once they are as durable as the mode promises. */
  append(bytes: Uint8Array): Promise<void> {
    this.#pending.push(bytes.slice());
    return this.#turn ??= Promise.resolve().then(() => {
      this.#turn = null;
      for (const chunk of this.#pending) writeAllSync(this.#file, chunk);
      this.#pending = [];
      if (this.mode === "always") this.#file.syncDataSync();
    });
  }
}

const aof = values.appendfsync === undefined || values.appendfsync === "no"
  ? null
  : new FloorAof(values.appendfsync, values.dir);

async function serve(conn: Deno.TcpConn | Deno.TlsConn): Promise<void> {
  if ("setNoDelay" in conn) conn.setNoDelay(true);
  const out = new Uint8Array(512 * 1024);
  if (values.mode === "read") {
    const buf = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) return;
      await conn.write(out.subarray(0, replies(buf.subarray(0, n), out)));
    }
  }
  const reader = conn.readable.getReader({ mode: "byob" });
  let buf = new Uint8Array(64 * 1024);
  for (;;) {
    const { value, done } = await reader.read(buf);
    if (done || value === undefined) return;
    const n = replies(value, out);
    if (aof !== null) await aof.append(value);
    buf = new Uint8Array(value.buffer);
    await conn.write(out.subarray(0, n));
  }
}

const address = { hostname: "127.0.0.1", port: Number(values.port) };
await serveConnections(
  values["tls-cert"] === undefined ? Deno.listen(address) : Deno.listenTls({
    ...address,
    cert: Deno.readTextFileSync(values["tls-cert"]),
    key: Deno.readTextFileSync(values["tls-key"] ?? values["tls-cert"]),
  }),
  serve,
);
