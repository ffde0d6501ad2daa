/**
 * The WebSocket bridge: each upgraded socket becomes a `Transport`, so a browser is one
 * more session over the same ByteReader, parser and command table as a TCP client.
 *
 * Reading: WebSocket messages are only the envelope. Their bytes go into the byte stream
 * of protocol/message_stream.ts (shared with the browser client): a waiting BYOB read gets
 * them copied into the session's buffer, the rest stays queued for the next read. So a
 * RESP frame may span messages and a message may hold many frames, exactly as TCP.
 *
 * Writing: `send()` never blocks, so the session would not notice a slow peer. After each
 * send, `write()` waits while `bufferedAmount` is over `--ws-max-buffered`; the session
 * awaits its writes before reading further, so a client that does not read its replies is
 * no longer read either. Deliveries (pub/sub) keep queuing in the session meanwhile and
 * the output limit (client-output-buffer-limit) cuts such a subscriber off.
 *
 * The browser API has no way to pause receiving, so bytes a paused client keeps sending
 * pile up in the stream's queue: past the query buffer limit the client is closed.
 */

import type { Server } from "../server.ts";
import { CLOSE_NORMAL, CLOSE_POLICY_VIOLATION, type Transport } from "./transport.ts";
import { httpHandler } from "./http.ts";
import { messageStream } from "../protocol/message_stream.ts";

const encoder = new TextEncoder();
/**
 * A write waiting for `bufferedAmount` to drop looks again after 1 ms, then backs off to
 * at most 50 ms (there is no drain event): quick to resume, cheap for a client that
 * stays stuck.
 */
const DRAIN_POLL_FIRST_MS = 1;
const DRAIN_POLL_MAX_MS = 50;
/** RFC 6455 limits a close reason to 123 bytes. */
const MAX_REASON = 123;
/**
 * A close (but a cut-off by a limit) waits until the peer has been quiet for
 * CLOSE_QUIET_MS (at most CLOSE_LINGER_MAX_MS): Deno drops the connection when a data
 * frame arrives after its close frame, and that reset destroys the replies still on their
 * way (a protocol error's -ERR, QUIT's +OK) when the peer was still pipelining. Found by
 * the fuzzer.
 */
const CLOSE_QUIET_MS = 20;
const CLOSE_LINGER_MAX_MS = 1000;

export interface WebSocketTransportOptions {
  /** Pause (stop reading the client) while more than this many bytes are unsent. */
  maxBuffered: number;
  /** Close the client when more than this many received bytes wait unread. */
  maxQueued: number;
  remoteAddress: string;
  localAddress: string;
  /** Where the transport reports closing a client itself (server.log at warning). */
  warn: (message: string) => void;
}

/** Wraps an upgraded (or upgrading) WebSocket as a session transport. */
export function webSocketTransport(socket: WebSocket, opts: WebSocketTransportOptions): Transport {
  socket.binaryType = "arraybuffer";
  const stream = messageStream();
  let drainTimer: ReturnType<typeof setTimeout> | undefined;
  let wakeWriter: (() => void) | null = null;
  /** Set once the session closed us: the close frame goes when the peer is quiet. */
  let closing: { reason?: string; code?: number } | null = null;
  let lingerTimer: ReturnType<typeof setTimeout> | undefined;
  let lingerUntil = 0;

  socket.onmessage = (e: MessageEvent) => {
    if (closing !== null) return linger();
    stream.push(e.data as string | ArrayBuffer);
    if (stream.queued > opts.maxQueued) {
      opts.warn(
        `closing WebSocket client ${opts.remoteAddress} that sent over ${opts.maxQueued} ` +
          "bytes while it was not being read (max query buffer length)",
      );
      close("max query buffer length reached", CLOSE_POLICY_VIOLATION);
    }
  };
  socket.onclose = () => {
    clearTimeout(lingerTimer);
    stream.end();
    wakeWriter?.();
  };
  socket.onerror = () => {}; // the close event follows and ends the stream

  function close(reason?: string, code?: number): void {
    clearTimeout(drainTimer);
    wakeWriter?.();
    stream.end();
    if (socket.readyState === WebSocket.CLOSING || socket.readyState === WebSocket.CLOSED) {
      return;
    }
    if (closing !== null) return;
    closing = { reason, code };
    // A client cut off by a limit loses its unsent output anyway (as in Redis): at once.
    if (code === CLOSE_POLICY_VIOLATION) return sendClose();
    lingerUntil = Date.now() + CLOSE_LINGER_MAX_MS;
    linger();
  }

  /** (Re)arms the close frame: it goes after a quiet spell, or at the linger deadline. */
  function linger(): void {
    clearTimeout(lingerTimer);
    const wait = Math.min(CLOSE_QUIET_MS, lingerUntil - Date.now());
    if (wait > 0) lingerTimer = setTimeout(sendClose, wait);
    else sendClose();
  }

  function sendClose(): void {
    clearTimeout(lingerTimer);
    const { reason, code } = closing ?? {};
    try {
      if (reason === undefined) socket.close(code ?? CLOSE_NORMAL);
      else socket.close(code ?? CLOSE_NORMAL, truncateReason(reason));
    } catch {
      // not open yet or already closing
    }
  }

  /** Resolves once `bufferedAmount` is back under the limit or the socket has closed. */
  const drained = (): Promise<void> => {
    const { promise, resolve } = Promise.withResolvers<void>();
    wakeWriter = resolve;
    let delay = DRAIN_POLL_FIRST_MS;
    const poll = () => {
      if (socket.readyState !== WebSocket.OPEN || socket.bufferedAmount <= opts.maxBuffered) {
        wakeWriter = null;
        resolve();
      } else {
        drainTimer = setTimeout(poll, delay);
        delay = Math.min(delay * 2, DRAIN_POLL_MAX_MS);
      }
    };
    poll();
    return promise;
  };

  return {
    kind: "ws",
    readable: stream.readable,
    async write(bytes: Uint8Array): Promise<void> {
      // One send per batch: the session hands over every reply of a batch at once. The
      // session reuses `bytes` once this settles, which is safe: send() takes a copy of
      // a view's bytes before it returns (WebSocket standard, "get a copy of the bytes").
      socket.send(bytes);
      if (socket.bufferedAmount > opts.maxBuffered) await drained();
      if (socket.readyState !== WebSocket.OPEN || closing !== null) {
        throw new Error("WebSocket closed");
      }
    },
    close,
    get queued(): number {
      return socket.bufferedAmount;
    },
    remoteAddress: opts.remoteAddress,
    localAddress: opts.localAddress,
  };
}

function truncateReason(reason: string): string {
  const bytes = encoder.encode(reason);
  if (bytes.length <= MAX_REASON) return reason;
  // Cut on a character boundary: decode the prefix and drop a partial last character.
  return new TextDecoder().decode(bytes.subarray(0, MAX_REASON)).replace(/\uFFFD$/, "");
}

/** Starts the HTTP server of the bridge (`GET /ws` and the web assets) on `--bind`. */
export function startWebSocketServer(server: Server, port: number): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({
    hostname: server.config.bind,
    port,
    onListen: () => {}, // main.ts logs the ready line; Deno would print its own
    onError: (e: unknown) => {
      const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
      server.log("warning", `HTTP handler failed: ${detail}`);
      return new Response("Internal Server Error", { status: 500 });
    },
  }, httpHandler(server));
}
