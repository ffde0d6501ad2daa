/**
 * The RESP frame model shared by every part of respd that needs whole frames:
 * clients (the browser client, tests) and the generic frame parser. The server's
 * request path does not build `Frame`s; it turns requests straight into argument
 * lists (see request_parser.ts) because that is the hot path.
 */

/** One RESP2 or RESP3 value. Byte payloads stay `Uint8Array` so frames are binary-safe. */
export type Frame =
  | { kind: "simple"; value: string }
  | { kind: "error"; value: string }
  | { kind: "integer"; value: number | bigint }
  | { kind: "bulk"; value: Uint8Array }
  | { kind: "null" }
  | { kind: "array"; value: Frame[] }
  | { kind: "map"; value: [Frame, Frame][] }
  | { kind: "set"; value: Frame[] }
  | { kind: "double"; value: number }
  | { kind: "boolean"; value: boolean }
  | { kind: "bignum"; value: bigint }
  | { kind: "verbatim"; format: string; value: Uint8Array }
  | { kind: "push"; value: Frame[] };

/** A malformed frame. `message` is exactly the text Redis puts after `-ERR `. */
export class ProtocolError extends Error {
  constructor(detail: string) {
    super(`Protocol error: ${detail}`);
    this.name = "ProtocolError";
  }
}

/** Returned by the check functions when the buffer does not yet hold a whole frame. */
export const INCOMPLETE = -1;
