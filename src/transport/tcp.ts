/**
 * TCP: each accepted `Deno.TcpConn` becomes a `Transport` for a session; so does each TLS
 * connection (tls_native.ts, tls.ts), which has the same shape. The session reads it with
 * `conn.read` into its own buffer (`direct`), not through `conn.readable`.
 */

import type { ByteConn, Transport } from "./transport.ts";

/** `host:port`, with IPv6 hosts in brackets, as Redis prints addresses. */
export function formatAddr(addr: Deno.Addr): string {
  const a = addr as Deno.NetAddr;
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

export function tcpTransport(conn: ByteConn): Transport {
  conn.setNoDelay?.(true);
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    try {
      conn.close();
    } catch {
      // the peer or a cancelled reader closed it first
    }
  };
  // Errors that only say the connection is gone end the stream, as its `readable` would.
  const gone = (e: unknown): null => {
    if (closed || e instanceof Deno.errors.BadResource || e instanceof Deno.errors.Interrupted) {
      return null;
    }
    // a TLS peer closing without close_notify (most clients do)
    if (e instanceof Deno.errors.UnexpectedEof) return null;
    throw e;
  };
  return {
    kind: "tcp",
    readable: conn.readable,
    direct: { read: (p) => conn.read(p).catch(gone) },
    async write(bytes: Uint8Array): Promise<void> {
      let written = 0;
      while (written < bytes.length) written += await conn.write(bytes.subarray(written));
    },
    close,
    abort: close,
    // conn.close() releases the socket at once (a pending write fails).
    closed: Promise.resolve(),
    remoteAddress: formatAddr(conn.remoteAddr),
    localAddress: formatAddr(conn.localAddr),
  };
}
