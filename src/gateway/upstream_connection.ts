/**
 * One connection from the gateway to an upstream Redis node: commands go out in order,
 * each gets its reply back as the raw bytes of one RESP frame (never re-encoded, so a
 * client sees exactly what Redis wrote), in the order they were sent.
 *
 * Writes are batched: every command sent in one turn of the event loop (a client's
 * pipeline, or many clients' commands) leaves in one write, double-buffered so commands
 * keep queuing while a write is in flight. Reads find whole frames with the protocol
 * layer's `checkFrame`, without building them.
 *
 * The connection logs in as it opens (AUTH, HELLO 3 for a RESP3 connection, SELECT for
 * the URL's database); those replies are checked, not passed on. Frames that are not
 * replies (RESP3 pushes: tracking invalidations; every frame of a RESP2 subscriber
 * connection) go to `onPush`. When the connection fails, every reply still due is
 * answered with an error naming the upstream, and `onClose` is told.
 */

import { checkFrame } from "../protocol/frame_codec.ts";
import { INCOMPLETE } from "../protocol/frame.ts";
import { ReplyWriter } from "../protocol/reply_writer.ts";
import { addressKey, type UpstreamAddress } from "./upstream_address.ts";

const READ_BUFFER_SIZE = 64 * 1024;
const PUSH = 0x3e; // '>'
const ERROR = 0x2d; // '-'

/** `-<message>\r\n`: an error reply as bytes. */
export function errorReply(message: string): Uint8Array {
  return new TextEncoder().encode(`-${message.replace(/[\r\n]+/g, " ")}\r\n`);
}

/** The text of an error reply's bytes (without the `-` and CRLF); null if not an error. */
export function errorText(reply: Uint8Array): string | null {
  if (reply[0] !== ERROR) return null;
  return String.fromCharCode(...reply.subarray(1, reply.length - 2));
}

export class UpstreamConnection {
  #conn: Deno.Conn | null = null;
  #out = new ReplyWriter(16 * 1024);
  #spare = new ReplyWriter(16 * 1024);
  #writing = false;
  #closed = false;
  #closeReason = "connection closed";
  /** Replies still due, oldest first (`#head` indexes the oldest). */
  #waiters: ((reply: Uint8Array) => void)[] = [];
  #head = 0;
  /** Frames that answer no command: RESP3 pushes, a RESP2 subscriber's messages. */
  onPush: ((frame: Uint8Array) => void) | null = null;
  /** Told once when the connection is gone (failed or closed). */
  onClose: ((reason: string) => void) | null = null;
  /** Commands sent over the connection's life (INFO gateway). */
  commandsSent = 0;
  /** Writes made (each carries every command queued meanwhile: INFO gateway). */
  writes = 0;
  readonly name: string;

  constructor(
    readonly address: UpstreamAddress,
    readonly protocol: 2 | 3,
    readonly connectTimeoutMs = 5000,
  ) {
    this.name = addressKey(address);
    const { user, password, db } = address;
    if (password !== null) {
      this.#login(user === null ? ["AUTH", password] : ["AUTH", user, password]);
    }
    if (protocol === 3) this.#login(["HELLO", "3"]);
    if (db !== 0) this.#login(["SELECT", String(db)]);
    this.#open();
  }

  /** Replies not yet received. */
  get inFlight(): number {
    return this.#waiters.length - this.#head;
  }

  /** False once the connection failed or was closed: pools replace it. */
  get alive(): boolean {
    return !this.#closed;
  }

  /** Sends one command; resolves with its reply's bytes (an error reply if the link fails). */
  send(argv: readonly string[]): Promise<Uint8Array> {
    return new Promise((resolve) => this.sendWith(argv, resolve));
  }

  /**
   * As `send`, with a callback instead of a promise. The command may be given as the
   * request's bytes as a client sent them (a `*N` frame, copied before this returns).
   */
  sendWith(argv: readonly string[] | Uint8Array, onReply: (reply: Uint8Array) => void): void {
    if (this.#closed) return onReply(this.#failure());
    const out = this.#out;
    if (argv instanceof Uint8Array) out.raw(argv);
    else {
      out.array(argv.length);
      for (const arg of argv) out.bulk(arg);
    }
    this.#waiters.push(onReply);
    this.commandsSent++;
    this.#scheduleWrite();
  }

  /** Sends a command whose answer arrives through `onPush` (a subscriber's SUBSCRIBE). */
  sendUnanswered(argv: readonly string[]): void {
    if (this.#closed) return;
    const out = this.#out;
    out.array(argv.length);
    for (const arg of argv) out.bulk(arg);
    this.commandsSent++;
    this.#scheduleWrite();
  }

  /** Closes the connection; replies still due are answered with an error. */
  close(reason = "connection closed by the gateway"): void {
    this.#fail(reason);
  }

  #login(argv: string[]): void {
    this.sendWith(argv, (reply) => {
      const error = errorText(reply);
      if (error !== null) this.#fail(`${argv[0]} refused: ${error}`);
    });
  }

  #failure(): Uint8Array {
    return errorReply(`ERR upstream ${this.name}: ${this.#closeReason}`);
  }

  async #open(): Promise<void> {
    const { host, port, tls } = this.address;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const connecting = tls
        ? Deno.connectTls({ hostname: host, port, ...this.address.tlsOptions })
        : Deno.connect({
          hostname: host,
          port,
        });
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("connect timed out")), this.connectTimeoutMs);
      });
      const conn = await Promise.race([connecting, timeout]);
      clearTimeout(timer);
      if (this.#closed) {
        conn.close();
        return;
      }
      if (!tls) (conn as Deno.TcpConn).setNoDelay(true);
      this.#conn = conn;
    } catch (e: unknown) {
      clearTimeout(timer);
      return this.#fail(e instanceof Error ? e.message : String(e));
    }
    this.#scheduleWrite();
    this.#readLoop(this.#conn).catch((e: unknown) =>
      this.#fail(e instanceof Error ? e.message : String(e))
    );
  }

  #scheduleWrite(): void {
    if (this.#writing || this.#conn === null) return;
    this.#writing = true;
    queueMicrotask(() => this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#out.length !== 0 && !this.#closed) {
        const batch = this.#out;
        this.#out = this.#spare;
        this.#spare = batch;
        const bytes = batch.bytes();
        this.writes++;
        for (let off = 0; off < bytes.length;) off += await this.#conn!.write(bytes.subarray(off));
        batch.clear();
      }
    } catch (e: unknown) {
      this.#fail(e instanceof Error ? e.message : String(e));
    } finally {
      this.#writing = false;
    }
  }

  async #readLoop(conn: Deno.Conn): Promise<void> {
    let buf = new Uint8Array(READ_BUFFER_SIZE);
    let start = 0;
    let end = 0;
    for (;;) {
      if (end === buf.length) {
        if (start > 0) {
          buf.copyWithin(0, start, end);
          end -= start;
          start = 0;
        } else {
          const grown = new Uint8Array(buf.length * 2);
          grown.set(buf);
          buf = grown;
        }
      }
      const n = await conn.read(buf.subarray(end));
      if (n === null) return this.#fail("connection closed by the upstream");
      end += n;
      for (;;) {
        const next = checkFrame(buf, start, end);
        if (next === INCOMPLETE) break;
        this.#frame(buf.slice(start, next));
        start = next;
      }
      if (start === end) {
        start = end = 0;
        if (buf.length > READ_BUFFER_SIZE * 16) buf = new Uint8Array(READ_BUFFER_SIZE);
      }
    }
  }

  #frame(frame: Uint8Array): void {
    // RESP3 pushes are never replies; on a RESP2 subscriber connection nothing is.
    if (frame[0] === PUSH && this.protocol === 3) return this.onPush?.(frame);
    if (this.inFlight === 0 && this.onPush !== null) return this.onPush(frame);
    if (this.inFlight === 0) return; // nothing asked for it
    const waiter = this.#waiters[this.#head];
    this.#waiters[this.#head++] = undefined as never;
    if (this.#head > 1024 && this.#head * 2 > this.#waiters.length) {
      this.#waiters = this.#waiters.slice(this.#head);
      this.#head = 0;
    }
    waiter(frame);
  }

  #fail(reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeReason = reason;
    try {
      this.#conn?.close();
    } catch {
      // already closed
    }
    const due = this.#waiters.slice(this.#head);
    this.#waiters = [];
    this.#head = 0;
    const failure = this.#failure();
    for (const waiter of due) waiter(failure);
    this.onClose?.(reason);
  }
}
