/**
 * A byte-level RESP client for tests: sends raw bytes or commands over TCP and reads
 * replies as whole frames (with the protocol layer's check/parse), or as the exact bytes
 * of each reply for byte-for-byte comparison with real Redis (reading: reply_reader.ts).
 */

import { encodeCommand } from "../../src/protocol/frame_codec.ts";
import type { CommandArg } from "../../src/protocol/frame_codec.ts";
import { ReplyReader } from "./reply_reader.ts";
import { assertEquals } from "./assert.ts";

const encoder = new TextEncoder();

/** One TCP connection speaking raw RESP. */
export class RawClient extends ReplyReader {
  #conn: Deno.TcpConn;
  #closed = false;

  private constructor(conn: Deno.TcpConn) {
    super();
    this.#conn = conn;
  }

  static async connect(port: number, hostname = "127.0.0.1"): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname, port }));
  }

  /** Connects as soon as a server starting up listens on `port` (retrying every 10 ms). */
  static async connectWhenListening(port: number): Promise<RawClient> {
    for (;;) {
      const c = await RawClient.connect(port).catch(() => null);
      if (c !== null) return c;
      await new Promise((r) => setTimeout(r, 10));
    }
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
  protected async more(timeoutMs: number): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      const n = await Promise.race([this.#conn.read(chunk).catch(() => null), timeout]);
      if (n === "timeout") throw new Error(`no reply within ${timeoutMs} ms`);
      if (n === null) return false;
      this.append(chunk.subarray(0, n));
      return true;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Sends a command and returns its reply as text. */
  async call(...args: CommandArg[]): Promise<string> {
    await this.sendCommand(...args);
    return this.readText();
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

/** Sends each [command, expected reply] in order and checks every reply exactly. */
export async function expectReplies(c: RawClient, pairs: [string[], string][]): Promise<void> {
  for (const [args, expected] of pairs) {
    assertEquals(await c.call(...args), expected, args.join(" "));
  }
}
