/**
 * The accept loop the floor servers share (floor_server.ts, floor_canned_server.ts,
 * floor_proxy.ts): each connection served by the server's own function and closed after
 * it, and an exit on SIGINT, so that `deno run --cpu-prof` writes its profile.
 */

/** Closes `conn`, which its peer or a failed write may have closed already. */
export function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // already closed
  }
}

/** Serves every connection `listener` accepts with `serve`, until the process exits. */
export async function serveConnections<C extends Deno.Conn>(
  listener: Deno.Listener<C>,
  serve: (conn: C) => Promise<void>,
): Promise<void> {
  Deno.addSignalListener("SIGINT", () => Deno.exit(0));
  for await (const conn of listener) serve(conn).catch(() => {}).finally(() => closeQuietly(conn));
}
