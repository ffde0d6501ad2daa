/**
 * What HSCAN, SSCAN and ZSCAN share: the cursor (parsed before the key is looked up, as
 * Redis does, so a bad cursor wins over a missing key), the MATCH and COUNT options (parsed
 * only once the key exists: Redis answers a missing key before reading them), and the reply
 * `[cursor, [element, ...]]`, a flat array in both protocols.
 */

import { type Args, parseInteger } from "./args.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { globMatch } from "../store/glob.ts";
import type { ReplyWriter } from "../protocol/reply_writer.ts";

/** Redis's `parseScanCursorOrReply`: an unsigned 64-bit number (strtoull rules). */
export function parseElementCursor(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new CommandError("ERR invalid cursor");
  const v = BigInt(text.replace(/^\+/, ""));
  if (v > 18446744073709551615n || v < -18446744073709551615n) {
    throw new CommandError("ERR invalid cursor");
  }
  // a negative cursor wraps to a huge one: past any table, so the scan ends at once
  return v < 0n ? Number.MAX_SAFE_INTEGER : Number(v);
}

export interface ScanOptions {
  count: number;
  /** null matches everything. */
  pattern: string | null;
}

/** MATCH pattern / COUNT count, in any order, repeated (the last wins). */
export function parseScanOptions(rest: readonly string[]): ScanOptions {
  const options: ScanOptions = { count: 10, pattern: null };
  for (let i = 0; i < rest.length; i += 2) {
    const opt = rest[i].toUpperCase();
    if (i + 1 >= rest.length) throw new CommandError(SYNTAX_ERROR);
    if (opt === "COUNT") {
      const n = parseInteger(rest[i + 1]);
      if (n === null) throw new CommandError(NOT_INTEGER);
      if (n < 1) throw new CommandError(SYNTAX_ERROR);
      options.count = Number(n);
    } else if (opt === "MATCH") {
      options.pattern = rest[i + 1] === "*" ? null : rest[i + 1];
    } else throw new CommandError(SYNTAX_ERROR);
  }
  return options;
}

/** The arguments of an element scan: key, cursor, the unparsed options. */
export function parseElementScan(a: Args): { key: string; cursor: number; rest: string[] } {
  const key = a.next();
  const cursor = parseElementCursor(a.next());
  return { key, cursor, rest: a.rest() };
}

/** The reply to a scan of a missing key: cursor 0, nothing. */
export function replyEmptyScan(reply: ReplyWriter): void {
  reply.array(2);
  reply.bulk("0");
  reply.array(0);
}

/**
 * Writes `[cursor, items]`, where items come in groups of `width` (1 for SSCAN, 2 for
 * HSCAN and ZSCAN), the first of each group matched against the pattern.
 */
export function replyScan(
  reply: ReplyWriter,
  cursor: number,
  items: string[],
  width: 1 | 2,
  pattern: string | null,
): void {
  if (pattern !== null) {
    const kept: string[] = [];
    for (let i = 0; i < items.length; i += width) {
      if (!globMatch(pattern, items[i])) continue;
      kept.push(items[i]);
      if (width === 2) kept.push(items[i + 1]);
    }
    items = kept;
  }
  reply.array(2);
  reply.bulk(String(cursor));
  reply.bulkArray(items);
}
