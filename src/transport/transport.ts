/**
 * What a session needs from a connection, whatever carries it: a byte stream to read
 * requests from and a way to write reply bytes. TCP and the WebSocket bridge each make one.
 */

export interface Transport {
  readonly kind: "tcp" | "ws";
  /** Request bytes; read through a BYOB reader by the session. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Writes all of `bytes` (a view the caller reuses once the promise settles). */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the connection; `reason` is shown to WebSocket peers. Safe to call twice. */
  close(reason?: string): void;
  readonly remoteAddress: string;
  readonly localAddress: string;
}
