/**
 * A byte-level RESP client over WebSocket for tests, with the same reading methods as
 * RawClient (TCP): requests go out as binary messages, reply bytes from any number of
 * messages are joined and cut into whole frames (reply_reader.ts, as for TCP). So a test
 * can run the same script over both transports through the `RespConn` interface.
 */

import { encodeCommand } from "../../src/protocol/frame_codec.ts";
import type { CommandArg } from "../../src/protocol/frame_codec.ts";
import { RawClient } from "./raw_client.ts";
import { ReplyReader } from "./reply_reader.ts";

const encoder = new TextEncoder();

/** What both transports' raw clients offer. */
export interface RespConn extends AsyncDisposable {
  send(data: string | Uint8Array): Promise<void>;
  sendCommand(...args: CommandArg[]): Promise<void>;
  readReplyBytes(timeoutMs?: number): Promise<Uint8Array>;
  closedByPeer(timeoutMs?: number): Promise<boolean>;
  /** Closes the connection and waits until it is fully closed. */
  end(): Promise<void>;
}

/** RawClient (TCP) seen as a RespConn. */
class TcpResp implements RespConn {
  constructor(readonly raw: RawClient) {}
  send(data: string | Uint8Array): Promise<void> {
    return this.raw.send(data);
  }
  sendCommand(...args: CommandArg[]): Promise<void> {
    return this.raw.sendCommand(...args);
  }
  readReplyBytes(timeoutMs?: number): Promise<Uint8Array> {
    return this.raw.readReplyBytes(timeoutMs);
  }
  closedByPeer(timeoutMs?: number): Promise<boolean> {
    return this.raw.closedByPeer(timeoutMs);
  }
  end(): Promise<void> {
    this.raw.close();
    return Promise.resolve();
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.end();
  }
}

/** Opens a TCP or WebSocket connection to a respd (give the port of that transport). */
export async function connectResp(transport: "tcp" | "ws", port: number): Promise<RespConn> {
  return transport === "tcp"
    ? new TcpResp(await RawClient.connect(port))
    : await WsRawClient.connect(port);
}

/** One WebSocket connection to `ws://127.0.0.1:port/ws`, read as a RESP byte stream. */
export class WsRawClient extends ReplyReader implements RespConn {
  #ws: WebSocket;
  #ended = false;
  #wake: (() => void) | null = null;
  /** Resolves once the socket has closed (by either side). */
  readonly closed: Promise<void>;

  private constructor(ws: WebSocket) {
    super();
    this.#ws = ws;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.closed = promise;
    ws.onmessage = (e: MessageEvent) => {
      this.append(
        typeof e.data === "string" ? encoder.encode(e.data) : new Uint8Array(e.data as ArrayBuffer),
      );
      this.#wake?.();
    };
    ws.onclose = () => {
      this.#ended = true;
      this.#wake?.();
      resolve();
    };
    ws.onerror = () => {};
  }

  static connect(port: number, protocols?: string | string[]): Promise<WsRawClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols);
    ws.binaryType = "arraybuffer";
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new WsRawClient(ws));
      ws.onerror = (e) => reject(new Error(`WebSocket failed: ${(e as ErrorEvent).message}`));
    });
  }

  send(data: string | Uint8Array): Promise<void> {
    this.#ws.send(typeof data === "string" ? encoder.encode(data) : data);
    return Promise.resolve();
  }

  sendCommand(...args: CommandArg[]): Promise<void> {
    return this.send(encodeCommand(args));
  }

  /** Waits for more bytes or the close; false once closed with nothing new. */
  protected async more(timeoutMs: number): Promise<boolean> {
    if (this.#ended) return false;
    const before = this.pending.length;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.#wake = resolve;
        timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs);
      });
    } finally {
      this.#wake = null;
      clearTimeout(timer);
    }
    return this.pending.length > before || !this.#ended;
  }

  /** Bytes the server sent that are not yet read. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Closes (if still open) and waits for the close handshake to finish. */
  async end(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CONNECTING || this.#ws.readyState === WebSocket.OPEN) {
      this.#ws.close();
    }
    await this.closed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.end();
  }
}
