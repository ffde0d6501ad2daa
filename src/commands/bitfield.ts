/**
 * BITFIELD key [GET type offset] [SET type offset value] [INCRBY type offset increment]
 * [OVERFLOW WRAP|SAT|FAIL] ... and BITFIELD_RO key [GET type offset ...]: integer fields
 * of 1 to 64 bits inside a string (store/bitfield.ts does the arithmetic). As in Redis,
 * every operation is parsed before anything runs; writes first grow the string to the
 * farthest bit they touch (even when FAIL then writes nothing), and GETs read zeros past
 * the end without growing it.
 */

import { Args, parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, cString, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { StringType } from "../store/types/string.ts";
import { bitOffset, checkBytes } from "./bits.ts";
import {
  type FieldType,
  fitField,
  fitSetValue,
  getField,
  type Overflow,
  setField,
} from "../store/bitfield.ts";
import { bytesToString } from "../protocol/latin1.ts";
import type { CommandContext } from "./context.ts";

const BAD_TYPE =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

type FieldOp =
  | { op: "get"; type: FieldType; offset: number }
  | { op: "set" | "incrby"; type: FieldType; offset: number; value: bigint; overflow: Overflow };

/** `i1`..`i64` or `u1`..`u63` (the sign letter lower-case only, as Redis checks it). */
function fieldType(text: string): FieldType {
  const sign = text.charCodeAt(0);
  if (sign !== 105 && sign !== 117) throw new CommandError(BAD_TYPE); // 'i' / 'u'
  const bits = parseInteger(cString(text.slice(1)));
  const signed = sign === 105;
  if (bits === null || bits < 1 || bits > (signed ? 64 : 63)) throw new CommandError(BAD_TYPE);
  return { signed, bits: Number(bits) };
}

/** Parses every operation; `maxBulkLen` bounds offsets (proto-max-bulk-len). */
function parseOps(a: Args, maxBulkLen: number): FieldOp[] {
  const ops: FieldOp[] = [];
  let overflow: Overflow = "wrap";
  while (a.hasMore()) {
    const name = a.nextOption();
    const left = a.remaining;
    if (name === "OVERFLOW" && left >= 1) {
      const kind = a.next().toLowerCase();
      if (kind !== "wrap" && kind !== "sat" && kind !== "fail") {
        throw new CommandError("ERR Invalid OVERFLOW type specified");
      }
      overflow = kind;
      continue;
    }
    const isGet = name === "GET" && left >= 2;
    if (!isGet && !((name === "SET" || name === "INCRBY") && left >= 3)) {
      throw new CommandError(SYNTAX_ERROR);
    }
    const type = fieldType(a.next());
    const offset = bitOffset(a.next(), maxBulkLen, type.bits);
    if (isGet) {
      ops.push({ op: "get", type, offset });
      continue;
    }
    const value = parseInteger(a.next());
    if (value === null) throw new CommandError(NOT_INTEGER);
    ops.push({
      op: name === "SET" ? "set" : "incrby",
      type,
      offset,
      value: BigInt(value),
      overflow,
    });
  }
  return ops;
}

/** The bytes of `s`, at least `length` of them (zero-padded). */
function bytesOf(s: string, length: number): Uint8Array {
  const out = new Uint8Array(Math.max(s.length, length));
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function run(key: string, ops: FieldOp[], readOnly: boolean, ctx: CommandContext): void {
  const writes = ops.filter((o) => o.op !== "get");
  if (writes.length > 0 && readOnly) {
    throw new CommandError("ERR BITFIELD_RO only supports the GET subcommand");
  }
  const old = ctx.db.lookup(key, StringType);
  let length = old?.length ?? 0;
  for (const o of writes) {
    length = Math.max(length, Math.floor((o.offset + o.type.bits - 1) / 8) + 1);
  }
  checkBytes(length);
  const buf = bytesOf(old ?? "", writes.length > 0 ? length : 0);
  // As Redis 7.0: a write counts as a change when it is not refused (FAIL) and either the
  // command grew the string or the field's value changed; only changes are signalled.
  const grew = writes.length > 0 && (old === undefined || length > old.length);
  let changes = 0;
  ctx.reply.array(ops.length);
  for (const o of ops) {
    const current = getField(buf, o.offset, o.type);
    if (o.op === "get") {
      ctx.reply.integer(current);
      continue;
    }
    const next = o.op === "set"
      ? fitSetValue(o.value, o.type, o.overflow)
      : fitField(current + o.value, o.type, o.overflow);
    if (next === null) {
      ctx.reply.null();
      continue;
    }
    setField(buf, o.offset, o.type, next);
    if (grew || next !== current) changes++;
    ctx.reply.integer(o.op === "set" ? current : next);
  }
  // The string grows to the farthest bit written even when every write was refused.
  if (changes > 0 || grew) ctx.db.set(key, bytesToString(buf, 0, buf.length), true, true);
  if (changes > 0) ctx.db.modified(key, "setbit");
}

/** BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL] ... */
const bitfield = command({
  name: "bitfield",
  arity: -2,
  flags: ["write", "denyoom"],
  categories: ["write", "bitmap", "slow"],
  keys: [1, 1, 1],
  keySpecFlags: ["RW", "access", "update", "variable_flags"],
  parse: (a) => ({ key: a.next(), args: a.rest() }),
  execute({ key, args }, ctx) {
    run(key, parseOps(new Args(args, 0), ctx.server.config.protoMaxBulkLen), false, ctx);
  },
});

/** BITFIELD_RO key [GET type offset ...] */
const bitfieldRo = command({
  name: "bitfield_ro",
  arity: -2,
  flags: ["readonly", "fast"],
  categories: ["read", "bitmap", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), args: a.rest() }),
  execute({ key, args }, ctx) {
    run(key, parseOps(new Args(args, 0), ctx.server.config.protoMaxBulkLen), true, ctx);
  },
});

export const bitfieldCommands = [bitfield, bitfieldRo];
