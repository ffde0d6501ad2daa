/**
 * Commands a Redis Cluster cannot answer from one node, answered by the gateway as one
 * Redis would (as redis-cluster-proxy and Envoy do):
 *
 *   split      MGET MSET DEL UNLINK EXISTS TOUCH with keys in several slots: one command
 *              per slot, the replies merged in the keys' order (MGET), summed (DEL ...),
 *              or +OK when every part is (MSET)
 *   fan-out    KEYS DBSIZE FLUSHALL FLUSHDB RANDOMKEY SCAN, CONFIG SET and RESETSTAT (a
 *              setting holds for every key), SCRIPT LOAD/FLUSH and FUNCTION LOAD/DELETE/
 *              FLUSH (a script runs where its keys are): every master, merged; SCAN's
 *              cursor carries the master's index in its low 10 bits and that master's own
 *              cursor above them, so a client's SCAN walks the masters one after another
 *
 * Any other command whose keys are in more than one slot answers -CROSSSLOT, as a
 * cluster node does. Replies are merged as raw bytes (raw_replies.ts).
 */

import type { CommandSpec } from "../commands/command.ts";
import { keysOf } from "../commands/keys_of.ts";
import { keySlot } from "./cluster_slots.ts";
import {
  arrayElements,
  arrayOf,
  bulkReply,
  firstError,
  integerOf,
  integerReply,
  isError,
} from "./raw_replies.ts";

export const CROSSSLOT = new TextEncoder().encode(
  "-CROSSSLOT Keys in request don't hash to the same slot\r\n",
);
const OK = new TextEncoder().encode("+OK\r\n");

/** Sends one command to the master of `slot` (-1: any master), calling back with its reply. */
export type SlotSender = (slot: number, argv: readonly string[], onReply: Reply) => void;
/** Sends one command to master number `i` (of `count`). */
export type MasterSender = (i: number, argv: readonly string[], onReply: Reply) => void;
type Reply = (reply: Uint8Array) => void;

/** Commands split per slot: how their arguments group (1 = keys, 2 = key value pairs). */
const SPLIT: Record<string, 1 | 2> = {
  mget: 1,
  mset: 2,
  del: 1,
  unlink: 1,
  exists: 1,
  touch: 1,
};

export const FAN_OUT = new Set([
  "keys",
  "dbsize",
  "flushall",
  "flushdb",
  "randomkey",
  "scan",
  "config|set",
  "config|resetstat",
  // a script or function must be known on the node its keys are on: loaded on every master
  "script|load",
  "script|flush",
  "function|load",
  "function|delete",
  "function|flush",
]);

/** Scripts and streams name their keys where the spec's positions cannot say. */
export function clusterKeys(spec: CommandSpec, argv: readonly string[]): string[] {
  const name = spec.name;
  if (name.startsWith("eval") || name.startsWith("fcall")) {
    const n = Number(argv[2]);
    return Number.isInteger(n) && n > 0 ? argv.slice(3, 3 + n) : [];
  }
  if (name === "xread" || name === "xreadgroup") {
    const at = argv.findIndex((a) => a.toLowerCase() === "streams");
    if (at < 0) return [];
    const rest = argv.slice(at + 1);
    return rest.slice(0, Math.floor(rest.length / 2));
  }
  return keysOf(spec, argv);
}

/** The one slot of `keys`; -1 for none; null when they span several slots. */
export function slotOfKeys(keys: readonly string[]): number | null {
  if (keys.length === 0) return -1;
  const slot = keySlot(keys[0]);
  for (let i = 1; i < keys.length; i++) if (keySlot(keys[i]) !== slot) return null;
  return slot;
}

/**
 * A split command across slots: sends the parts and answers once all are back; false when
 * `argv` is not a command that splits (or all its keys share a slot).
 */
export function splitAcrossSlots(
  name: string,
  argv: readonly string[],
  send: SlotSender,
  done: Reply,
): boolean {
  const group = SPLIT[name];
  if (group === undefined) return false;
  const parts = new Map<number, { positions: number[]; args: string[] }>();
  for (let i = 1; i + group - 1 < argv.length; i += group) {
    const slot = keySlot(argv[i]);
    let part = parts.get(slot);
    if (part === undefined) parts.set(slot, part = { positions: [], args: [argv[0]] });
    part.positions.push((i - 1) / group);
    for (let j = 0; j < group; j++) part.args.push(argv[i + j]);
  }
  if (parts.size <= 1) return false;
  const entries = [...parts.entries()];
  const replies: Uint8Array[] = new Array(entries.length);
  let left = entries.length;
  entries.forEach(([slot, part], k) =>
    send(slot, part.args, (reply) => {
      replies[k] = reply;
      if (--left === 0) done(mergeSplit(name, entries.map((e) => e[1].positions), replies));
    })
  );
  return true;
}

function mergeSplit(name: string, positions: number[][], replies: Uint8Array[]): Uint8Array {
  const error = firstError(replies);
  if (error !== null) return error;
  if (name === "mset") return OK;
  if (name === "mget") {
    const total = positions.reduce((n, p) => n + p.length, 0);
    const out: Uint8Array[] = new Array(total);
    replies.forEach((reply, k) => {
      arrayElements(reply).forEach((e, j) => out[positions[k][j]] = e);
    });
    return arrayOf(out);
  }
  return integerReply(replies.reduce((sum, r) => sum + integerOf(r), 0n));
}

const NODE_BITS = 10n;
const NODE_MASK = (1n << NODE_BITS) - 1n;

/** A fan-out command over `count` masters; answers through `done`. */
export function fanOut(
  name: string,
  argv: readonly string[],
  count: number,
  send: MasterSender,
  done: Reply,
): void {
  if (name === "scan") return scan(argv, count, send, done);
  if (name === "randomkey") return randomKey(argv, count, send, done);
  const replies: Uint8Array[] = new Array(count);
  let left = count;
  for (let i = 0; i < count; i++) {
    send(i, argv, (reply) => {
      replies[i] = reply;
      if (--left !== 0) return;
      const error = firstError(replies);
      if (error !== null) return done(error);
      if (name === "dbsize") {
        return done(integerReply(replies.reduce((s, r) => s + integerOf(r), 0n)));
      }
      if (name === "keys") return done(arrayOf(replies.flatMap(arrayElements)));
      done(replies[0]); // FLUSHALL, FLUSHDB, CONFIG SET: +OK from each
    });
  }
}

function randomKey(argv: readonly string[], count: number, send: MasterSender, done: Reply): void {
  const order = [...Array(count).keys()].sort(() => Math.random() - 0.5);
  const next = (k: number, last: Uint8Array | null): void => {
    if (k === order.length) return done(last!);
    send(order[k], argv, (reply) => {
      // a null ($-1 or _) means that master is empty: try the next one
      if (isError(reply) || (reply[0] !== 0x5f && reply[1] !== 0x2d)) return done(reply);
      next(k + 1, reply);
    });
  };
  next(0, null);
}

function scan(argv: readonly string[], count: number, send: MasterSender, done: Reply): void {
  let cursor: bigint;
  try {
    cursor = BigInt(argv[1]);
  } catch {
    return send(0, argv, done); // the node's own error for a bad cursor
  }
  const node = Number(cursor & NODE_MASK);
  if (node >= count) return done(arrayOf([bulkReply("0"), arrayOf([])]));
  const own = cursor >> NODE_BITS;
  send(node, [argv[0], String(own), ...argv.slice(2)], (reply) => {
    if (isError(reply)) return done(reply);
    const [next, keys] = arrayElements(reply);
    const nodeNext = integerOf(next);
    let composite = 0n;
    if (nodeNext !== 0n) composite = (nodeNext << NODE_BITS) | BigInt(node);
    else if (node + 1 < count) composite = BigInt(node + 1);
    done(arrayOf([bulkReply(String(composite)), keys]));
  });
}
