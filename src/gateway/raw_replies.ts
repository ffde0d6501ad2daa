/**
 * Merging raw replies without re-encoding them: a command split across cluster slots
 * (MGET, DEL ...) or sent to every master (KEYS, DBSIZE ...) gets one reply per part,
 * which are combined here as bytes: an array's elements are cut out with the protocol
 * layer's `checkFrame` and concatenated, so each element stays exactly as Redis wrote it
 * for the client's protocol (a RESP2 `$-1` null stays one, a RESP3 `_` too).
 */

import { checkFrame } from "../protocol/frame_codec.ts";

const encoder = new TextEncoder();
const MINUS = 0x2d;

/** Whether a raw reply is an error. */
export function isError(reply: Uint8Array): boolean {
  return reply[0] === MINUS;
}

/** The elements of an array (or set/push) reply, each as its raw bytes. */
export function arrayElements(reply: Uint8Array): Uint8Array[] {
  const cr = reply.indexOf(13);
  const n = Number(String.fromCharCode(...reply.subarray(1, cr)));
  const out: Uint8Array[] = [];
  let pos = cr + 2;
  for (let i = 0; i < n; i++) {
    const next = checkFrame(reply, pos, reply.length);
    out.push(reply.subarray(pos, next));
    pos = next;
  }
  return out;
}

/** The value of an integer reply (`:n`), or of a bulk string holding digits. */
export function integerOf(reply: Uint8Array): bigint {
  const cr = reply.indexOf(13);
  if (reply[0] === 0x24) {
    const end = reply.indexOf(13, cr + 2);
    return BigInt(String.fromCharCode(...reply.subarray(cr + 2, end)));
  }
  return BigInt(String.fromCharCode(...reply.subarray(1, cr)));
}

/** An array reply of raw elements (`*n` in both protocols, as MGET and KEYS answer). */
export function arrayOf(elements: readonly Uint8Array[]): Uint8Array {
  const head = encoder.encode(`*${elements.length}\r\n`);
  let size = head.length;
  for (const e of elements) size += e.length;
  const out = new Uint8Array(size);
  out.set(head);
  let pos = head.length;
  for (const e of elements) {
    out.set(e, pos);
    pos += e.length;
  }
  return out;
}

/** `:n\r\n` */
export function integerReply(n: bigint | number): Uint8Array {
  return encoder.encode(`:${n}\r\n`);
}

/** `$len\r\ntext\r\n` for ASCII text (a SCAN cursor). */
export function bulkReply(text: string): Uint8Array {
  return encoder.encode(`$${text.length}\r\n${text}\r\n`);
}

/** The first error among the replies, or null. */
export function firstError(replies: readonly Uint8Array[]): Uint8Array | null {
  return replies.find(isError) ?? null;
}
