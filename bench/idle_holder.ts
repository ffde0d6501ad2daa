/**
 * Holds idle connections for bench/latency.ts `--idle`: opens `count` connections to a
 * port, runs one PING on each, prints "ready", and keeps them open until its stdin closes.
 * A process of its own per server, so 10,000 idle connections to each of two or three
 * servers fit under the descriptor limit of one process (20,000 here).
 *
 *   deno run --allow-net bench/idle_holder.ts PORT COUNT
 */

const [port, count] = Deno.args.map(Number);
const ping = new TextEncoder().encode("PING\r\n");
const buf = new Uint8Array(16);
const conns: Deno.TcpConn[] = [];
for (let i = 0; i < count; i++) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(ping);
  await conn.read(buf);
  conns.push(conn);
}
await Deno.stdout.write(new TextEncoder().encode("ready\n"));
for await (const _ of Deno.stdin.readable) {
  // nothing is sent: the holder ends when its parent closes stdin
}
for (const conn of conns) conn.close();
