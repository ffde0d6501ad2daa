/**
 * What persistence tests compare between servers: every key of the given databases with its
 * DUMP payload (byte-identical between respd and redis-server) and PEXPIRETIME, as RESP
 * text; and a wait until a server that is loading its data answers (Redis says -LOADING).
 */

import { RawClient } from "./raw_client.ts";

/** `db/key` → "DUMP reply PEXPIRETIME reply", read in pipelined slices. */
export async function keyStates(port: number, dbs: number[] = [0]): Promise<Map<string, string>> {
  const c = await RawClient.connect(port);
  const cmd = (...args: string[]) =>
    `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`;
  try {
    const out = new Map<string, string>();
    for (const db of dbs) {
      await c.call("SELECT", String(db));
      const keys = [...(await c.call("KEYS", "*")).matchAll(/\$\d+\r\n([^\r]*)\r\n/g)]
        .map((m) => m[1]).sort();
      // Each slice's replies are read before more is sent: both sides' buffers are bounded.
      for (let i = 0; i < keys.length; i += 200) {
        const slice = keys.slice(i, i + 200);
        await c.send(slice.map((k) => cmd("DUMP", k) + cmd("PEXPIRETIME", k)).join(""));
        for (const k of slice) {
          out.set(`${db}/${k}`, `${await c.readText(30_000)} ${await c.readText(30_000)}`);
        }
      }
    }
    return out;
  } finally {
    c.close();
  }
}

/** Waits until the server at `port` answers PING with PONG (not -LOADING). */
export async function untilLoaded(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    for (let i = 0; i < 200 && (await c.call("PING")) !== "+PONG\r\n"; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    c.close();
  }
}
