/**
 * Scenarios of several connections, for blocking commands: a script of actions on
 * numbered connections, played against a real redis-server and against respd, whose
 * replies are then compared. "Wait until N clients are blocked" polls INFO on a control
 * connection, so no step sleeps a guessed while.
 */

import { RawClient } from "./raw_client.ts";
import { until } from "./eventually.ts";
import { encodeCommand } from "../../src/protocol/frame_codec.ts";

export type Action =
  /** Sends a command on connection `c` without reading its reply (it may block). */
  | { send: string; c: number }
  /** Sends several commands in one write (a pipeline), reads nothing. */
  | { pipeline: string[]; c: number }
  /** Sends a command and reads its reply (compared). */
  | { call: string; c: number }
  /** Reads the next reply of connection `c` (compared). */
  | { read: number }
  /** Waits until the server counts `blocked` blocked clients (INFO blocked_clients). */
  | { blocked: number }
  /** Closes connection `c`. */
  | { close: number };

export const send = (c: number, cmd: string): Action => ({ send: cmd, c });
export const call = (c: number, cmd: string): Action => ({ call: cmd, c });
export const read = (c: number): Action => ({ read: c });
export const blocked = (n: number): Action => ({ blocked: n });

const words = (cmd: string) => cmd.split(" ");

async function blockedClients(control: RawClient): Promise<number> {
  const info = await control.call("INFO", "clients");
  return Number(/blocked_clients:(\d+)/.exec(info)![1]);
}

/** Runs `actions` against the server on `port`; the replies read, in order, as text. */
export async function play(port: number, protocol: 2 | 3, actions: Action[]): Promise<string[]> {
  const conns = new Map<number, RawClient>();
  const control = await RawClient.connect(port);
  const conn = async (i: number) => {
    let c = conns.get(i);
    if (c === undefined) {
      c = await RawClient.connect(port);
      if (protocol === 3) await c.call("HELLO", "3");
      conns.set(i, c);
    }
    return c;
  };
  const out: string[] = [];
  try {
    await control.call("FLUSHALL");
    for (const a of actions) {
      if ("send" in a) await (await conn(a.c)).sendCommand(...words(a.send));
      else if ("pipeline" in a) {
        const bytes = a.pipeline.map((cmd) => encodeCommand(words(cmd)));
        await (await conn(a.c)).send(bytes.reduce((x, y) => new Uint8Array([...x, ...y])));
      } else if ("call" in a) out.push(await (await conn(a.c)).call(...words(a.call)));
      else if ("read" in a) out.push(await (await conn(a.read)).readText());
      else if ("blocked" in a) {
        await until(
          async () => await blockedClients(control) === a.blocked,
          `${a.blocked} blocked`,
        );
      } else {
        conns.get(a.close)?.close();
        conns.delete(a.close);
      }
    }
  } finally {
    for (const c of conns.values()) c.close();
    control.close();
  }
  return out;
}
