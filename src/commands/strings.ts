/**
 * String commands. Values are byte strings (protocol/latin1.ts); counters are stored as
 * their decimal text, as Redis shows them.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, OVERFLOW, SYNTAX_ERROR, WRONGTYPE } from "./errors.ts";
import type { Database } from "../store/database.ts";
import type { Session } from "../session.ts";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/** The string at `key`, undefined when missing; WRONGTYPE for other types. */
export function getString(db: Database, key: string): string | undefined {
  const v = db.get(key);
  if (v === undefined || typeof v === "string") return v;
  throw new CommandError(WRONGTYPE);
}

/** GET key */
const get = command({
  name: "get",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "string", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute(key, s) {
    s.reply.bulkOrNull(getString(s.db, key));
  },
});

/** How SET and friends treat the key's expiry. */
export type ExpiryOption =
  | { kind: "none" }
  | { kind: "keep" }
  | { kind: "persist" }
  | { kind: "at"; unit: "s" | "ms"; value: string; relative: boolean; flag: string };

/**
 * Absolute expiry in ms for EX/PX/EXAT/PXAT `value`: Redis's integer error when it is not
 * one, its "invalid expire time" error for zero, negative or overflowing values. Checked
 * after all options are parsed, so a syntax error elsewhere wins, as in Redis.
 */
export function expiryMillis(
  opt: Extract<ExpiryOption, { kind: "at" }>,
  commandName: string,
  now: number,
): number {
  const invalid = () => new CommandError(`ERR invalid expire time in '${commandName}' command`);
  const parsed = parseInteger(opt.value);
  if (parsed === null) throw new CommandError(NOT_INTEGER);
  const v = BigInt(parsed);
  if (v <= 0n || (opt.unit === "s" && v > MAX_INT64 / 1000n)) throw invalid();
  let ms = opt.unit === "s" ? v * 1000n : v;
  if (opt.relative) ms += BigInt(now);
  if (ms > MAX_INT64) throw invalid();
  return Number(ms);
}

interface SetCmd {
  key: string;
  value: string;
  nx: boolean;
  xx: boolean;
  get: boolean;
  expiry: ExpiryOption;
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL] */
const set = command<SetCmd>({
  name: "set",
  arity: -3,
  flags: ["write", "denyoom"],
  categories: ["write", "string", "slow"],
  keys: [1, 1, 1],
  parse(a) {
    const cmd: SetCmd = {
      key: a.next(),
      value: a.next(),
      nx: false,
      xx: false,
      get: false,
      expiry: { kind: "none" },
    };
    while (a.hasMore()) {
      const opt = a.nextOption();
      const k = cmd.expiry.kind;
      const timed = k === "at" ? (cmd.expiry as { flag: string }).flag : "";
      if (opt === "NX" && !cmd.xx) cmd.nx = true;
      else if (opt === "XX" && !cmd.nx) cmd.xx = true;
      else if (opt === "GET") cmd.get = true;
      else if (opt === "KEEPTTL" && k !== "at") cmd.expiry = { kind: "keep" };
      else if (
        (opt === "EX" || opt === "PX" || opt === "EXAT" || opt === "PXAT") &&
        k !== "keep" && (timed === "" || timed === opt) && a.hasMore()
      ) {
        cmd.expiry = {
          kind: "at",
          unit: opt === "EX" || opt === "EXAT" ? "s" : "ms",
          relative: opt === "EX" || opt === "PX",
          value: a.next(),
          flag: opt,
        };
      } else throw new CommandError(SYNTAX_ERROR);
    }
    return cmd;
  },
  execute(cmd, s) {
    const db = s.db;
    const at = cmd.expiry.kind === "at" ? expiryMillis(cmd.expiry, "set", db.clock.now()) : 0;
    let old: string | undefined;
    if (cmd.get) old = getString(db, cmd.key);
    if (cmd.nx || cmd.xx) {
      const exists = cmd.get ? old !== undefined : db.has(cmd.key);
      if (exists === cmd.nx) {
        if (cmd.get) s.reply.bulkOrNull(old);
        else s.reply.null();
        return;
      }
    }
    db.set(cmd.key, cmd.value, cmd.expiry.kind === "keep");
    if (at !== 0) db.setExpiry(cmd.key, at);
    if (cmd.get) s.reply.bulkOrNull(old);
    else s.reply.ok();
  },
});

/** Adds `delta` to the integer at `key` (INCR family); replies with the new value. */
export function incrementBy(s: Session, key: string, delta: number | bigint): void {
  const db = s.db;
  const current = getString(db, key);
  let value: number | bigint = 0;
  if (current !== undefined) {
    const parsed = parseInteger(current);
    if (parsed === null) throw new CommandError(NOT_INTEGER);
    value = parsed;
  }
  let next: number | bigint;
  if (typeof value === "number" && typeof delta === "number") {
    next = value + delta;
    if (!Number.isSafeInteger(next)) next = BigInt(value) + BigInt(delta);
  } else {
    next = BigInt(value) + BigInt(delta);
  }
  if (typeof next === "bigint") {
    if (next > MAX_INT64 || next < MIN_INT64) throw new CommandError(OVERFLOW);
    if (Number.isSafeInteger(Number(next))) next = Number(next);
  }
  db.set(key, String(next), true);
  s.reply.integer(next);
}

function negate(n: number | bigint): number | bigint {
  if (typeof n === "bigint") {
    if (n === MIN_INT64) throw new CommandError(OVERFLOW);
    return -n;
  }
  return -n;
}

const counter = (name: string, arity: number, parse: (a: Args) => [string, number | bigint]) =>
  command({
    name,
    arity,
    flags: ["write", "denyoom", "fast"],
    categories: ["write", "string", "fast"],
    keys: [1, 1, 1],
    parse,
    execute: ([key, delta], s) => incrementBy(s, key, delta),
  });

/** INCR key / DECR key / INCRBY key increment / DECRBY key decrement */
const incr = counter("incr", 2, (a) => [a.next(), 1]);
const decr = counter("decr", 2, (a) => [a.next(), -1]);
const incrby = counter("incrby", 3, (a) => [a.next(), a.int64()]);
const decrby = counter("decrby", 3, (a) => [a.next(), negate(a.int64())]);

/** MGET key [key ...] */
const mget = command({
  name: "mget",
  arity: -2,
  flags: ["readonly", "fast"],
  categories: ["read", "string", "fast"],
  keys: [1, -1, 1],
  parse: (a) => a.rest(),
  execute(keys, s) {
    const db = s.db;
    s.reply.array(keys.length);
    for (const key of keys) {
      const v = db.get(key);
      s.reply.bulkOrNull(typeof v === "string" ? v : null);
    }
  },
});

/** Key/value pairs of MSET and MSETNX; an odd count is an arity error. */
function parsePairs(a: Args, name: string): string[] {
  if (a.remaining % 2 !== 0) {
    throw new CommandError(`ERR wrong number of arguments for '${name}' command`);
  }
  return a.rest();
}

/** MSET key value [key value ...] */
const mset = command({
  name: "mset",
  arity: -3,
  flags: ["write", "denyoom"],
  categories: ["write", "string", "slow"],
  keys: [1, -1, 2],
  parse: (a) => parsePairs(a, "mset"),
  execute(pairs, s) {
    const db = s.db;
    for (let i = 0; i < pairs.length; i += 2) db.set(pairs[i], pairs[i + 1]);
    s.reply.ok();
  },
});

export const stringCommands = [get, set, incr, decr, incrby, decrby, mget, mset];
