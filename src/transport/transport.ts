/**
 * What a session needs from a connection, whatever carries it: a byte stream to read
 * requests from and a way to write reply bytes. TCP and the WebSocket bridge each make one.
 */

/**
 * A connection as respd's transports use it: what `Deno.TcpConn` offers and they need,
 * so a TCP connection and a TLS one (tls.ts) are served by the same code.
 */
export interface ByteConn {
  /** Reads into `p`; the number of bytes, or null at the end of the stream. */
  read(p: Uint8Array): Promise<number | null>;
  /** Writes some of `p` (all of it, for TLS); the number of bytes taken. */
  write(p: Uint8Array): Promise<number>;
  close(): void;
  /** Absent on Deno's TLS connections (tls_native.ts). */
  setNoDelay?(on?: boolean): void;
  readonly readable: ReadableStream<Uint8Array>;
  readonly remoteAddr: Deno.Addr;
  readonly localAddr: Deno.Addr;
}

export interface Transport {
  readonly kind: "tcp" | "ws";
  /** Request bytes; read through a BYOB reader by the session. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Writes all of `bytes` (a view the caller reuses once the promise settles). */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Closes the connection; `reason` and `code` (a WebSocket close code, see CLOSE_*) are
   * shown to WebSocket peers. Safe to call twice.
   */
  close(reason?: string, code?: number): void;
  /** Closes the connection now, without a WebSocket close handshake; a stuck write fails. */
  abort(): void;
  /**
   * Settles once the socket is gone. A WebSocket may take up to its close bound (the close
   * handshake); until then the session still counts as a client.
   */
  readonly closed: Promise<void>;
  /** Periodic upkeep (WebSocket keep-alive pings), driven by the client cron. */
  tick?(now: number): void;
  /**
   * Bytes accepted by `write()` and not yet sent to the peer, when the transport buffers
   * them itself (a WebSocket's `bufferedAmount`); undefined when a pending `write()` holds
   * them (TCP). Output limits count these.
   */
  readonly queued?: number;
  /**
   * True when every read settles through the event loop (a plain socket's read op), never
   * in the turn that started it: the session then skips the per-read turn bookkeeping of
   * turns.ts, which such reads never need. Absent: reads may settle within the turn (the
   * WebSocket bridge, node:tls, in-memory streams).
   */
  readonly readsThroughEventLoop?: boolean;
  readonly remoteAddress: string;
  readonly localAddress: string;
}

/** WebSocket close codes the session uses (RFC 6455 section 7.4.1). */
export {
  CLOSE_NORMAL,
  CLOSE_POLICY_VIOLATION,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_TRY_AGAIN_LATER,
} from "./ws_frames.ts";
