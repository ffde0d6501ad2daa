/**
 * Bit commands on strings: SETBIT GETBIT BITCOUNT BITPOS BITOP (BITFIELD is in
 * bitfield.ts). The bit arithmetic is store/bitmap.ts; this file parses arguments and
 * clamps ranges in Redis 7.0's order (bitops.c): BITCOUNT looks the key up before parsing
 * its range, BITPOS parses the bit first, and a missing key reads as endless zero bits.
 */

import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { StringType } from "../store/types/string.ts";
import {
  bitOp,
  type BitOperation,
  countBits,
  countBytes,
  findBit,
  getBit,
  setBit,
} from "../store/bitmap.ts";

const BAD_OFFSET = "ERR bit offset is not an integer or out of range";
const BAD_BIT = "ERR bit is not an integer or out of range";
/** V8's longest string: a SETBIT past it cannot be held (Redis's limit is 512 MB). */
const MAX_STRING_LENGTH = 0x1fffffe8;
const TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/**
 * Redis's getBitOffsetFromArgument: a non-negative 64-bit integer whose byte is below
 * proto-max-bulk-len. With `width` (BITFIELD), `#n` means n × width, multiplied in 64
 * bits as C does.
 */
export function bitOffset(text: string, maxBulkLen: number, width = 0): number {
  const hash = width > 0 && text.charCodeAt(0) === 35; // '#'
  const v = parseInteger(hash ? text.slice(1) : text);
  if (v === null) throw new CommandError(BAD_OFFSET);
  const offset = hash ? BigInt.asIntN(64, BigInt(v) * BigInt(width)) : BigInt(v);
  if (offset < 0n || offset >> 3n >= BigInt(maxBulkLen)) throw new CommandError(BAD_OFFSET);
  return Number(offset);
}

/** A string length a write needs, refused past what a JavaScript string can hold. */
export function checkBytes(length: number): void {
  if (length > MAX_STRING_LENGTH) throw new CommandError(TOO_LONG);
}

/** An int64 argument as a double (ranges are clamped to a string's length anyway). */
function longArg(text: string): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(NOT_INTEGER);
  return Number(v);
}

/** SETBIT key offset value */
const setbit = command({
  name: "setbit",
  arity: 4,
  flags: ["write", "denyoom"],
  categories: ["write", "bitmap", "slow"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "access", "update"],
  parse: (a) => [a.next(), a.next(), a.next()] as const,
  execute([key, offsetText, bitText], ctx) {
    const offset = bitOffset(offsetText, ctx.server.config.protoMaxBulkLen);
    const bit = parseInteger(bitText);
    if (bit !== 0 && bit !== 1) throw new CommandError(BAD_BIT);
    const old = ctx.db.lookup(key, StringType) ?? "";
    checkBytes(Math.floor(offset / 8) + 1);
    const was = getBit(old, offset);
    // Redis writes (and signals) only a real change: a new or longer string, or a flip.
    if (Math.floor(offset / 8) >= old.length || was !== bit) {
      ctx.db.set(key, setBit(old, offset, bit), true, true);
      ctx.db.modified(key, "setbit");
    }
    ctx.reply.integer(was);
  },
});

/** GETBIT key offset */
const getbit = command({
  name: "getbit",
  arity: 3,
  flags: ["readonly", "fast"],
  categories: ["read", "bitmap", "fast"],
  keys: [1, 1, 1],
  parse: (a) => [a.next(), a.next()] as const,
  execute([key, offsetText], ctx) {
    const offset = bitOffset(offsetText, ctx.server.config.protoMaxBulkLen);
    ctx.reply.integer(getBit(ctx.db.lookup(key, StringType) ?? "", offset));
  },
});

/** BIT or BYTE (any case): whether a range counts bits. */
function unitIsBit(text: string): boolean {
  const u = text.toUpperCase();
  if (u === "BIT") return true;
  if (u === "BYTE") return false;
  throw new CommandError(SYNTAX_ERROR);
}

/**
 * A start/end range made absolute and clamped to `total` units, as Redis does for
 * BITCOUNT and BITPOS: negative ends count from the end, then both are clamped.
 */
function clampRange(start: number, end: number, total: number): [number, number] {
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  return [start, end];
}

/** BITCOUNT key [start end [BYTE|BIT]] */
const bitcount = command({
  name: "bitcount",
  arity: -2,
  flags: ["readonly"],
  categories: ["read", "bitmap", "slow"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), range: a.rest() }),
  execute({ key, range }, ctx) {
    const str = ctx.db.lookup(key, StringType);
    if (str === undefined) return ctx.reply.integer(0);
    if (range.length === 0) return ctx.reply.integer(countBytes(str, 0, str.length - 1));
    if (range.length !== 2 && range.length !== 3) throw new CommandError(SYNTAX_ERROR);
    let start = longArg(range[0]), end = longArg(range[1]);
    const isBit = range.length === 3 && unitIsBit(range[2]);
    if (start < 0 && end < 0 && start > end) return ctx.reply.integer(0);
    [start, end] = clampRange(start, end, isBit ? str.length * 8 : str.length);
    if (start > end) return ctx.reply.integer(0);
    ctx.reply.integer(isBit ? countBits(str, start, end) : countBytes(str, start, end));
  },
});

/** BITPOS key bit [start [end [BYTE|BIT]]] */
const bitpos = command({
  name: "bitpos",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "bitmap", "slow"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), bitText: a.next(), range: a.rest() }),
  execute({ key, bitText, range }, ctx) {
    const bit = parseInteger(bitText);
    if (bit === null) throw new CommandError(NOT_INTEGER);
    if (bit !== 0 && bit !== 1) throw new CommandError("ERR The bit argument must be 1 or 0.");
    const str = ctx.db.lookup(key, StringType);
    if (str === undefined) return ctx.reply.integer(bit ? -1 : 0);
    if (range.length > 3) throw new CommandError(SYNTAX_ERROR);
    const isBit = range.length === 3 && unitIsBit(range[2]);
    const endGiven = range.length >= 2;
    const total = isBit ? str.length * 8 : str.length;
    let start = range.length >= 1 ? longArg(range[0]) : 0;
    let end = endGiven ? longArg(range[1]) : total - 1;
    [start, end] = clampRange(start, end, total);
    if (start > end) return ctx.reply.integer(-1);
    const firstBit = isBit ? start : start * 8;
    const lastBit = isBit ? end : end * 8 + 7;
    const found = findBit(str, bit, firstBit, lastBit);
    if (found !== -1) return ctx.reply.integer(found);
    // No 0 in the range: without an explicit end the string reads as zero-padded, so the
    // answer is the first bit after the range's last byte.
    ctx.reply.integer(bit === 1 || endGiven ? -1 : (Math.floor(lastBit / 8) + 1) * 8);
  },
});

const OPERATIONS: Record<string, BitOperation> = { and: "and", or: "or", xor: "xor", not: "not" };

/** BITOP AND|OR|XOR|NOT destkey key [key ...] */
const bitop = command({
  name: "bitop",
  arity: -4,
  flags: ["write", "denyoom"],
  categories: ["write", "bitmap", "slow"],
  keys: [2, -1, 1],
  keySpecFlags: ["OW", "update"],
  parse(a) {
    const op = OPERATIONS[a.next().toLowerCase()];
    if (op === undefined) throw new CommandError(SYNTAX_ERROR);
    const destination = a.next();
    const sources = a.rest();
    if (op === "not" && sources.length !== 1) {
      throw new CommandError("ERR BITOP NOT must be called with a single source key.");
    }
    return { op, destination, sources };
  },
  execute({ op, destination, sources }, ctx) {
    const values = sources.map((k) => ctx.db.lookup(k, StringType) ?? "");
    const result = bitOp(op, values);
    if (result.length !== 0) {
      ctx.db.set(destination, result);
      ctx.db.modified(destination, "set");
    } else if (ctx.db.delete(destination)) ctx.db.modified(destination, "del");
    ctx.reply.integer(result.length);
  },
});

export const bitCommands = [setbit, getbit, bitcount, bitpos, bitop];
