/**
 * A WebSocket session's transport, on the TCP (or TLS) connection respd accepted itself
 * (the handshake is in http.ts). respd owns this layer rather than using Deno's server-side
 * WebSocket because that one cannot be aborted or paused: a peer that ignores the close
 * frame kept its socket for good, a paused client's messages kept queueing in memory, and
 * a 64 MiB message was held whole before any limit was checked. npm `ws` on node:http was
 * measured too: slower per message, and its pausing and HTTP timeouts would rest on Deno's
 * Node compatibility layer (BENCHMARKS.md, "respd's own WebSocket layer"). Here:
 *
 * - Reading is pulled: the session's BYOB read is the only thing that reads the socket,
 *   straight into the session's buffer, and the frames are taken apart in place
 *   (ws_frames.ts). A session that is not reading (its replies are not being read) reads
 *   nothing, so nothing queues; the peer's TCP window fills, as over plain TCP.
 * - Message size is checked on each frame header, before its payload is read: 1 MiB until
 *   the client authenticated, `--client-query-buffer-limit` after (http.ts decides).
 * - Writing is as TCP: each batch of replies is one binary frame, and `write()` settles
 *   once the socket took it, so output limits see every unsent byte.
 * - Closing is bounded: close() sends the close frame and reads (discarding) until the
 *   peer's close frame or end of stream, for at most CLOSE_TIMEOUT_MS; then the socket is
 *   closed whatever the peer does (`abort()` closes at once: CLIENT KILL of a client whose
 *   replies are stuck). The close frame goes behind a write still in flight, so a peer
 *   that reads again in time sees its data and then why it was closed. `closed` settles
 *   once the socket is gone.
 * - Keep-alive: a session waiting for input that heard nothing for PING_AFTER_MS is sent a
 *   ping (browsers answer by themselves); one more PING_AFTER_MS of silence closes it, so
 *   a vanished peer (laptop lid closed) is freed. `tick()` is driven by the client cron.
 */

import type { ByteConn, Transport } from "./transport.ts";
import {
  CLOSE_NORMAL,
  closeFrame,
  controlFrame,
  Deframer,
  frameHeaderLength,
  MAX_CONTROL_FRAME,
  OP_BINARY,
  OP_PING,
  OP_PONG,
  writeFrameHeader,
} from "./ws_frames.ts";

/** How long a closed WebSocket may wait for the peer's close frame before it is dropped. */
export const CLOSE_TIMEOUT_MS = 2000;
/** Silence (while waiting for input) before a ping, and after the ping before closing. */
export const PING_AFTER_MS = 60_000;
/**
 * Replies up to this size are copied behind their frame header and written at once; larger
 * ones are written as header, then payload (a copy would cost more than a second write).
 */
const COPY_MAX = 64 * 1024;

export interface WebSocketTransportOptions {
  /** The largest message the client may send now (read at every frame header). */
  maxMessage: () => number;
  remoteAddress: string;
  localAddress: string;
  /** Where the transport reports closing a client itself (server.log). */
  log: (level: "verbose" | "warning", message: string) => void;
}

/** An upgraded WebSocket connection as a session transport. */
export class WebSocketTransport implements Transport {
  readonly kind = "ws";
  readonly readable: ReadableStream<Uint8Array>;
  readonly remoteAddress: string;
  readonly localAddress: string;
  /** Settles once the socket is closed. */
  readonly closed: Promise<void>;
  #conn: ByteConn;
  #opts: WebSocketTransportOptions;
  #deframer: Deframer;
  /** Raw bytes received and not yet deframed (after the handshake, or a partial header). */
  #carry: Uint8Array;
  #controller!: ReadableByteStreamController;
  #streamEnded = false;
  /** The pull's socket read in flight, so the closing drain does not read beside it. */
  #pullRead: Promise<unknown> | null = null;
  #waitingForInput = false;
  #lastHeard = Date.now();
  #pingSentAt = 0;
  /** Writes (frames) in flight, chained so control frames never land inside a reply. */
  #writes = 0;
  #tail: Promise<void> = Promise.resolve();
  #frame = new Uint8Array(0);
  #closing = false;
  #peerClose: { code: number } | null = null;
  #gone = false;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #resolveClosed!: () => void;

  constructor(conn: ByteConn, received: Uint8Array, opts: WebSocketTransportOptions) {
    this.#conn = conn;
    this.#opts = opts;
    this.#carry = received;
    this.remoteAddress = opts.remoteAddress;
    this.localAddress = opts.localAddress;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#deframer = new Deframer(() => this.#closing ? Infinity : opts.maxMessage(), {
      ping: (payload) => {
        if (!this.#closing) this.#send(controlFrame(OP_PONG, payload)).catch(() => {});
      },
      close: (code) => {
        this.#peerClose = { code };
      },
    });
    this.readable = new ReadableStream({
      type: "bytes",
      start: (c) => {
        this.#controller = c;
      },
      pull: (c) => this.#pull(c),
      cancel: () => {
        this.#streamEnded = true;
      },
    });
  }

  /** Fills the session's pending BYOB read with payload bytes, reading the socket as needed. */
  async #pull(c: ReadableByteStreamController): Promise<void> {
    const request = c.byobRequest!;
    const view = request.view as Uint8Array;
    let have = this.#takeCarry(view, 0);
    for (;;) {
      if (this.#peerClose !== null || this.#closing) return this.#endStream();
      if (have > 0) {
        const { payload, consumed, error } = this.#deframer.deframe(view, 0, have);
        if (error !== null) {
          this.#opts.log(
            "warning",
            `closing WebSocket client ${this.remoteAddress}: ${error.message} (code ${error.code})`,
          );
          // What follows the bad frame's header goes to the closing drain.
          this.#carry = view.slice(consumed, have);
          this.close(error.message, error.code);
          return;
        }
        if (payload > 0) {
          if (consumed < have) this.#carry = view.slice(consumed, have);
          return request.respond(payload);
        }
        view.copyWithin(0, consumed, have);
        have -= consumed;
        if (this.#peerClose !== null) return this.#endStream();
      }
      if (this.#carry.length > 0) {
        have = this.#takeCarry(view, have);
        continue;
      }
      if (have >= view.length) {
        // Only an incomplete control frame can be left over, and views are larger.
        throw new Error(`WebSocket read buffer too small (${view.length} bytes)`);
      }
      let n: number | null;
      this.#waitingForInput = true;
      try {
        const read = this.#conn.read(view.subarray(have));
        this.#pullRead = read;
        n = await read;
      } catch {
        n = null; // closed under the read (abort, shutdown) or reset by the peer
      } finally {
        this.#pullRead = null;
        this.#waitingForInput = false;
      }
      if (n === null) return this.#endStream();
      this.#lastHeard = Date.now();
      this.#pingSentAt = 0;
      if (this.#streamEnded || this.#closing) {
        // The session went away meanwhile: the closing drain takes over the socket; these
        // bytes may hold the peer's close frame.
        this.#carry = this.#discard(view.subarray(0, have + n));
        return;
      }
      have += n;
    }
  }

  #takeCarry(view: Uint8Array, at: number): number {
    const n = Math.min(this.#carry.length, view.length - at);
    view.set(this.#carry.subarray(0, n), at);
    this.#carry = this.#carry.subarray(n);
    return at + n;
  }

  #endStream(): void {
    if (this.#streamEnded) return;
    this.#streamEnded = true;
    try {
      this.#controller.close();
      this.#controller.byobRequest?.respond(0);
    } catch {
      // already closed, or cancelled by the session
    }
  }

  /** Sends `bytes` as one binary message; settles once the socket took all of it. */
  async write(bytes: Uint8Array): Promise<void> {
    if (this.#closing) throw new Error("WebSocket closed");
    const n = bytes.length;
    const headerLength = frameHeaderLength(n);
    if (n <= COPY_MAX) {
      if (this.#frame.length < headerLength + n) {
        this.#frame = new Uint8Array(Math.max(headerLength + n, 2 * this.#frame.length, 256));
      }
      const frame = this.#frame;
      writeFrameHeader(frame, 0, OP_BINARY, n);
      frame.set(bytes, headerLength);
      await this.#send(frame.subarray(0, headerLength + n));
      // A buffer one large batch grew is given back.
      if (frame.length > 4 * 1024) this.#frame = new Uint8Array(0);
    } else {
      const header = new Uint8Array(headerLength);
      writeFrameHeader(header, 0, OP_BINARY, n);
      await this.#send(header);
      await this.#send(bytes);
    }
  }

  /** Writes after every write already queued; the session never has two of its own. */
  #send(bytes: Uint8Array): Promise<void> {
    const write = this.#writes++ === 0
      ? this.#writeAll(bytes)
      : this.#tail.then(() => this.#writeAll(bytes), () => this.#writeAll(bytes));
    this.#tail = write;
    return write;
  }

  async #writeAll(bytes: Uint8Array): Promise<void> {
    try {
      let written = 0;
      while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
    } finally {
      this.#writes--;
    }
  }

  /**
   * Closes with a close frame (`code`, `reason`); see the module comment for the bound.
   * Safe to call twice.
   */
  close(reason?: string, code = CLOSE_NORMAL): void {
    if (this.#closing || this.#gone) return;
    this.#closing = true;
    this.#endStream();
    this.#deadline = setTimeout(() => this.abort(), CLOSE_TIMEOUT_MS);
    // Behind a write still in flight: the peer gets it if it reads again in time.
    const echo = this.#peerClose;
    this.#send(closeFrame(echo !== null && reason === undefined ? echo.code : code, reason ?? ""))
      .then(() => (echo !== null ? this.abort() : this.#drain()), () => this.abort());
  }

  /** After our close frame: reads and drops everything until the peer's close frame. */
  async #drain(): Promise<void> {
    try {
      await this.#pullRead;
    } catch {
      // the pull handles its own read's failure
    }
    const scratch = new Uint8Array(4 * 1024);
    const left = this.#discard(this.#carry);
    this.#carry = new Uint8Array(0);
    scratch.set(left.subarray(0, MAX_CONTROL_FRAME));
    let have = Math.min(left.length, MAX_CONTROL_FRAME);
    while (this.#peerClose === null && !this.#gone) {
      let n: number | null;
      try {
        n = await this.#conn.read(scratch.subarray(have));
      } catch {
        n = null;
      }
      if (n === null) break;
      const left = this.#discard(scratch.subarray(0, have + n));
      scratch.set(left);
      have = left.length;
    }
    this.abort();
  }

  /** Deframes and drops `raw`; returns a copy of the incomplete frame at its end. */
  #discard(raw: Uint8Array): Uint8Array {
    const { consumed, error } = this.#deframer.deframe(raw, 0, raw.length);
    return error === null ? raw.slice(consumed) : new Uint8Array(0);
  }

  /** Closes the socket now: no close handshake, a pending read or write fails. */
  abort(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#closing = true;
    clearTimeout(this.#deadline);
    this.#endStream();
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
    this.#resolveClosed();
  }

  /** Keep-alive (see the module comment); `now` in ms. */
  tick(now: number): void {
    if (this.#closing || !this.#waitingForInput) return;
    if (this.#pingSentAt !== 0) {
      if (now - this.#pingSentAt < PING_AFTER_MS) return;
      this.#opts.log("verbose", `WebSocket client ${this.remoteAddress} did not answer a ping`);
      return this.abort();
    }
    if (now - this.#lastHeard < PING_AFTER_MS) return;
    this.#pingSentAt = now;
    this.#send(controlFrame(OP_PING, new Uint8Array(0))).catch(() => this.abort());
  }
}
