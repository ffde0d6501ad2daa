/**
 * The commands of an incremental AOF file: RESP arrays of bulk strings, as respd writes
 * them (ReplyWriter.bulkArray, aof_service.ts) and as Redis does. Decoding walks a file
 * with the same request parser clients go through, and tells a truncated last command (a
 * crash in the middle of a write, which `aof-load-truncated yes` cuts off) apart from a
 * file that is damaged before its end (never loaded).
 */

import { INCOMPLETE, ProtocolError } from "../protocol/frame.ts";
import { RequestParser } from "../protocol/request_parser.ts";

/** Where a file's commands end. */
export interface CommandsEnd {
  /** Bytes of whole commands: where a truncated tail starts (the file's length if none). */
  validBytes: number;
  /** Whether the file ends in the middle of a command. */
  truncated: boolean;
}

/** A file that is not a sequence of commands (damaged before its end). */
export class AofFormatError extends Error {}

/**
 * The commands of `bytes` one at a time, each with the offset just past it (so a loader
 * can replay them as they come and tell how far it is), then where they end.
 */
export function* decodeCommandSteps(
  bytes: Uint8Array,
): Generator<{ argv: string[]; end: number }, CommandsEnd> {
  const parser = new RequestParser();
  let pos = 0;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0x2a) {
      throw new AofFormatError(`Bad file format reading the append only file at offset ${pos}`);
    }
    let next: number;
    try {
      next = parser.parse(bytes, pos, bytes.length);
    } catch (e: unknown) {
      if (e instanceof ProtocolError) {
        throw new AofFormatError(`Bad file format reading the append only file: ${e.message}`);
      }
      throw e;
    }
    if (next === INCOMPLETE) return { validBytes: pos, truncated: true };
    pos = next;
    if (parser.args.length !== 0) yield { argv: [...parser.args], end: pos };
  }
  return { validBytes: pos, truncated: false };
}
