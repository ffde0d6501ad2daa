/** TCP: each accepted `Deno.TcpConn` becomes a `Transport` for a session. */

import type { Transport } from "./transport.ts";

function formatAddr(addr: Deno.Addr): string {
  const a = addr as Deno.NetAddr;
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}

export function tcpTransport(conn: Deno.TcpConn): Transport {
  conn.setNoDelay(true);
  let closed = false;
  return {
    kind: "tcp",
    readable: conn.readable,
    async write(bytes: Uint8Array): Promise<void> {
      let written = 0;
      while (written < bytes.length) written += await conn.write(bytes.subarray(written));
    },
    close(): void {
      if (closed) return;
      closed = true;
      try {
        conn.close();
      } catch {
        // the peer or a cancelled reader closed it first
      }
    },
    remoteAddress: formatAddr(conn.remoteAddr),
    localAddress: formatAddr(conn.localAddr),
  };
}

/** Accepts connections until the listener closes, handing each to `onConnection`. */
export async function acceptLoop(
  listener: Deno.TcpListener,
  onConnection: (t: Transport) => void,
): Promise<void> {
  for (;;) {
    let conn: Deno.TcpConn;
    try {
      conn = await listener.accept();
    } catch {
      return; // listener closed
    }
    onConnection(tcpTransport(conn));
  }
}
