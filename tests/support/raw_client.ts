/**
 * A byte-level RESP client for tests: sends raw bytes or commands over TCP and reads
 * replies as whole frames (with the protocol layer's check/parse), or as the exact bytes
 * of each reply for byte-for-byte comparison with real Redis.
 */

import { checkFrame, encodeCommand, parseFrame } from "../../src/protocol/frame_codec.ts";
import type { CommandArg } from "../../src/protocol/frame_codec.ts";
import type { Frame } from "../../src/protocol/frame.ts";
import { INCOMPLETE } from "../../src/protocol/frame.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One TCP connection speaking raw RESP. */
export class RawClient {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(0);
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  static async connect(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  /** Writes bytes (a string is sent as UTF-8). */
  async send(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    let written = 0;
    while (written < bytes.length) written += await this.#conn.write(bytes.subarray(written));
  }

  /** Sends one command as a RESP array of bulks. */
  sendCommand(...args: CommandArg[]): Promise<void> {
    return this.send(encodeCommand(args));
  }

  /** Reads more bytes; false at end of stream (or after a reset by the peer). */
  async #fill(timeoutMs: number): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      const n = await Promise.race([this.#conn.read(chunk).catch(() => null), timeout]);
      if (n === "timeout") throw new Error(`no reply within ${timeoutMs} ms`);
      if (n === null) return false;
      const grown = new Uint8Array(this.#buf.length + n);
      grown.set(this.#buf);
      grown.set(chunk.subarray(0, n), this.#buf.length);
      this.#buf = grown;
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The exact bytes of the next whole reply frame. */
  async readReplyBytes(timeoutMs = 5000): Promise<Uint8Array> {
    for (;;) {
      const end = this.#buf.length === 0 ? INCOMPLETE : checkFrame(this.#buf, 0, this.#buf.length);
      if (end !== INCOMPLETE) {
        const out = this.#buf.slice(0, end);
        this.#buf = this.#buf.slice(end);
        return out;
      }
      if (!(await this.#fill(timeoutMs))) throw new Error("connection closed before a reply");
    }
  }

  /** The next reply as a frame. */
  async readFrame(timeoutMs = 5000): Promise<Frame> {
    return parseFrame(await this.readReplyBytes(timeoutMs), 0).frame;
  }

  /** The next reply as text, e.g. "+OK\r\n", for exact assertions. */
  async readText(timeoutMs = 5000): Promise<string> {
    return decoder.decode(await this.readReplyBytes(timeoutMs));
  }

  /** Sends a command and returns its reply as text. */
  async call(...args: CommandArg[]): Promise<string> {
    await this.sendCommand(...args);
    return this.readText();
  }

  /** Resolves true when the server closes the connection (after any pending bytes). */
  async closedByPeer(timeoutMs = 5000): Promise<boolean> {
    while (await this.#fill(timeoutMs)) this.#buf = new Uint8Array(0);
    return true;
  }

  /** Bytes received but not yet read as replies. */
  get pending(): Uint8Array {
    return this.#buf;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed by the peer
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
