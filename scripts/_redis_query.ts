/**
 * Asks a real redis-server (started here on a free loopback port, stopped after) a series
 * of RESP3 commands: the generators of Redis's command metadata (key specs, docs) use it.
 */

import { checkFrame, encodeCommand, parseFrame } from "../src/protocol/frame_codec.ts";
import { type Frame, INCOMPLETE } from "../src/protocol/frame.ts";
import { allCommands } from "../src/commands/registry.ts";

/** Runs `use` with a function that sends one command and returns its reply (RESP3). */
export async function withRedis<T>(
  use: (call: (...args: string[]) => Promise<Frame>) => Promise<T>,
): Promise<T> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const dir = Deno.makeTempDirSync();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    let conn: Deno.TcpConn | null = null;
    for (let i = 0; i < 100 && conn === null; i++) {
      try {
        conn = await Deno.connect({ hostname: "127.0.0.1", port });
      } catch {
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    if (conn === null) throw new Error("redis-server did not start");
    let buf = new Uint8Array(0);
    const call = async (...args: string[]): Promise<Frame> => {
      await conn!.write(encodeCommand(args));
      for (;;) {
        if (buf.length !== 0 && checkFrame(buf, 0, buf.length) !== INCOMPLETE) {
          const parsed = parseFrame(buf, 0);
          buf = buf.subarray(parsed.end);
          return parsed.frame;
        }
        const chunk = new Uint8Array(1 << 16);
        const n = await conn!.read(chunk);
        if (n === null) throw new Error("redis-server closed");
        const next = new Uint8Array(buf.length + n);
        next.set(buf);
        next.set(chunk.subarray(0, n), buf.length);
        buf = next;
      }
    };
    try {
      await call("HELLO", "3");
      return await use(call);
    } finally {
      conn.close();
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
    Deno.removeSync(dir, { recursive: true });
  }
}

/** Every respd command and subcommand name, sorted. */
export function commandNames(): string[] {
  const names: string[] = [];
  for (const spec of allCommands) {
    if (spec.subcommands === undefined) names.push(spec.name);
    else for (const sub of spec.subcommands.values()) names.push(sub.name);
  }
  return names.sort();
}
