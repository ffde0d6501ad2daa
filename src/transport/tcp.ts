/**
 * TCP: each accepted `Deno.TcpConn` becomes a `Transport` for a session; so does each TLS
 * connection (tls.ts), which has the same shape.
 */

import type { ByteConn, Transport } from "./transport.ts";

/** `host:port`, with IPv6 hosts in brackets, as Redis prints addresses. */
export function formatAddr(addr: Deno.Addr): string {
  const a = addr as Deno.NetAddr;
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

/**
 * `readsThroughEventLoop`: the connection is a plain `Deno.TcpConn`, whose reads are ops
 * that always settle through the event loop (measured: BENCHMARKS.md, "No TCP read ever
 * settles within the turn"); not claimed for TLS connections.
 */
export function tcpTransport(conn: ByteConn, readsThroughEventLoop = false): Transport {
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
  return {
    kind: "tcp",
    readable: conn.readable,
    async write(bytes: Uint8Array): Promise<void> {
      let written = 0;
      while (written < bytes.length) written += await conn.write(bytes.subarray(written));
    },
    close,
    abort: close,
    // conn.close() releases the socket at once (a pending write fails).
    closed: Promise.resolve(),
    readsThroughEventLoop,
    remoteAddress: formatAddr(conn.remoteAddr),
    localAddress: formatAddr(conn.localAddr),
  };
}
