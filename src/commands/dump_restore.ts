/**
 * DUMP key / RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]:
 * values moved between servers in Redis 7.0's payload (persistence/dump_payload.ts), so a
 * payload from redis-server restores here and the reverse. Checks run in Redis's order
 * (restoreCommand): options, BUSYKEY, TTL, payload checksum, payload body.
 */

import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";
import {
  createDumpPayload,
  readDumpPayload,
  verifyDumpPayload,
} from "../persistence/dump_payload.ts";
import { fromRdbObject, toRdbObject } from "../persistence/rdb_values.ts";
import { latin1Bytes, latin1String, RdbFormatError } from "../persistence/rdb_bytes.ts";
import type { Value } from "../store/values.ts";

/** DUMP key */
const dump = command({
  name: "dump",
  arity: 2,
  flags: ["readonly"],
  categories: ["keyspace", "read", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse: (a) => a.next(),
  execute(key, ctx) {
    const value = ctx.db.get(key);
    if (value === undefined) return ctx.reply.null();
    ctx.reply.bulk(latin1String(createDumpPayload(toRdbObject(value))));
  },
});

interface RestoreArgs {
  key: string;
  ttl: string;
  payload: string;
  replace: boolean;
  absttl: boolean;
  /** IDLETIME seconds / FREQ counter, when given. */
  idle?: number;
  freq?: number;
}

/** RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency] */
const restore = command({
  name: "restore",
  arity: -4,
  flags: ["write", "denyoom"],
  categories: ["keyspace", "write", "slow", "dangerous"],
  keys: [1, 1, 1],
  parse(a): RestoreArgs {
    const args: RestoreArgs = {
      key: a.next(),
      ttl: a.next(),
      payload: a.next(),
      replace: false,
      absttl: false,
    };
    let idle = false;
    let freq = false;
    while (a.hasMore()) {
      const option = a.nextOption();
      const more = a.remaining >= 1;
      if (option === "REPLACE") args.replace = true;
      else if (option === "ABSTTL") args.absttl = true;
      else if (option === "IDLETIME" && more && !freq) {
        const seconds = a.int64();
        if (seconds < 0) throw new CommandError("ERR Invalid IDLETIME value, must be >= 0");
        args.idle = Number(seconds);
        idle = true;
      } else if (option === "FREQ" && more && !idle) {
        const f = a.int64();
        if (f < 0 || f > 255) {
          throw new CommandError("ERR Invalid FREQ value, must be >= 0 and <= 255");
        }
        args.freq = Number(f);
        freq = true;
      } else throw new CommandError(SYNTAX_ERROR);
    }
    return args;
  },
  execute({ key, ttl: ttlText, payload, replace, absttl, idle, freq }, ctx) {
    const db = ctx.db;
    if (!replace && db.has(key)) {
      throw new CommandError("BUSYKEY Target key name already exists.");
    }
    const parsed = parseInteger(ttlText);
    if (parsed === null) throw new CommandError(NOT_INTEGER);
    if (parsed < 0) throw new CommandError("ERR Invalid TTL value, must be >= 0");
    const bytes = latin1Bytes(payload);
    if (!verifyDumpPayload(bytes)) {
      throw new CommandError("ERR DUMP payload version or checksum are wrong");
    }
    let value: Value;
    try {
      value = fromRdbObject(readDumpPayload(bytes));
    } catch (e: unknown) {
      if (e instanceof RdbFormatError) throw new CommandError("ERR Bad data format");
      throw e;
    }
    const deleted = replace && db.delete(key);
    let at: number | bigint = parsed;
    if (parsed !== 0 && !absttl) {
      at = typeof parsed === "bigint" ? parsed + BigInt(ctx.clock.now()) : parsed + ctx.clock.now();
    }
    if (parsed !== 0 && at <= ctx.clock.now()) {
      if (deleted) db.modified(key, "del");
      return ctx.reply.ok();
    }
    db.set(key, value);
    const field = db.access.restored(freq, idle);
    if (field !== null) db.setAccessField(key, field);
    if (parsed !== 0) db.setExpiry(key, at);
    db.modified(key, "restore");
    ctx.reply.ok();
  },
});

export const dumpRestoreCommands = [dump, restore];
