/**
 * The reading half shared by the raw test clients (RawClient over TCP, WsRawClient over
 * WebSocket): received bytes are joined in one buffer and cut into whole reply frames with
 * the protocol layer's checkFrame, however the transport split them. A subclass only says
 * how more bytes arrive (`more`) and hands them over with `append`.
 */

import { checkFrame, FrameDecoder } from "../../src/protocol/frame_codec.ts";
import { type Frame, INCOMPLETE } from "../../src/protocol/frame.ts";

const decoder = new TextDecoder();

/** Reads replies, as exact bytes, text or frames, from bytes a transport appends. */
export abstract class ReplyReader {
  #buf = new Uint8Array(0);

  /** Adds received bytes after those not yet read. */
  protected append(bytes: Uint8Array): void {
    const grown = new Uint8Array(this.#buf.length + bytes.length);
    grown.set(this.#buf);
    grown.set(bytes, this.#buf.length);
    this.#buf = grown;
  }

  /** Waits for more bytes (throws after timeoutMs); false at end of stream. */
  protected abstract more(timeoutMs: number): Promise<boolean>;

  /** The exact bytes of the next whole reply frame. */
  async readReplyBytes(timeoutMs = 5000): Promise<Uint8Array> {
    for (;;) {
      const end = this.#buf.length === 0 ? INCOMPLETE : checkFrame(this.#buf, 0, this.#buf.length);
      if (end !== INCOMPLETE) {
        const out = this.#buf.slice(0, end);
        this.#buf = this.#buf.slice(end);
        return out;
      }
      if (!(await this.more(timeoutMs))) throw new Error("connection closed before a reply");
    }
  }

  /** The next reply as a frame; its bulks are views of that reply's own copy of the bytes. */
  async readFrame(timeoutMs = 5000): Promise<Frame> {
    const bytes = await this.readReplyBytes(timeoutMs);
    const frame = new FrameDecoder().decode(bytes, 0, bytes.length);
    if (frame === INCOMPLETE) throw new Error("a checked reply did not decode");
    return frame;
  }

  /** The next reply as text, e.g. "+OK\r\n", for exact assertions. */
  async readText(timeoutMs = 5000): Promise<string> {
    return decoder.decode(await this.readReplyBytes(timeoutMs));
  }

  /** Resolves true when the peer closes the connection (after any pending bytes). */
  async closedByPeer(timeoutMs = 5000): Promise<boolean> {
    while (await this.more(timeoutMs)) this.#buf = new Uint8Array(0);
    return true;
  }

  /** Bytes received but not yet read as replies. */
  get pending(): Uint8Array {
    return this.#buf;
  }
}
