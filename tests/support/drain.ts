/**
 * Reading a connection the server is expected to cut off (a slow consumer over its output
 * limit): everything it sends, until it closes.
 */

/**
 * Reads `conn` until the server closes it; the byte count. Throws if it is still open after
 * `timeoutMs` (checked every `pollMs` while nothing arrives).
 */
export async function drainUntilClosed(
  conn: Deno.Conn,
  timeoutMs = 10_000,
  pollMs = 1000,
): Promise<number> {
  const buf = new Uint8Array(256 * 1024);
  let total = 0;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), pollMs));
    const n = await Promise.race([conn.read(buf).catch(() => null), timeout]);
    clearTimeout(timer);
    if (n === null) return total;
    if (n === "timeout") {
      if (Date.now() > deadline) throw new Error("the slow client was never cut off");
      continue;
    }
    total += n;
  }
}
