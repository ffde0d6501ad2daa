/**
 * Expiry commands: EXPIRE PEXPIRE EXPIREAT PEXPIREAT (NX|XX|GT|LT), TTL PTTL EXPIRETIME
 * PEXPIRETIME, PERSIST. Times are ms since the epoch in the database's clock; values past
 * 2^53 stay exact as bigints (see store/database.ts). Semantics and error texts follow
 * Redis 7.0's expire.c, including its order of checks: options, then the time and its
 * overflow, then the key; a time already past deletes the key at once.
 */

import type { Args } from "./args.ts";
import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, cString, NOT_INTEGER } from "./errors.ts";
import type { ExpiryTime } from "../store/database.ts";
import type { CommandContext } from "./context.ts";

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

interface ExpireCmd {
  key: string;
  when: number | bigint;
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
}

function parseExpire(a: Args): ExpireCmd {
  const key = a.next();
  const whenText = a.next();
  const cmd: ExpireCmd = { key, when: 0, nx: false, xx: false, gt: false, lt: false };
  while (a.hasMore()) {
    const raw = a.next();
    const opt = raw.toUpperCase();
    if (opt === "NX") cmd.nx = true;
    else if (opt === "XX") cmd.xx = true;
    else if (opt === "GT") cmd.gt = true;
    else if (opt === "LT") cmd.lt = true;
    else throw new CommandError(`ERR Unsupported option ${cString(raw)}`);
  }
  if (cmd.nx && (cmd.xx || cmd.gt || cmd.lt)) {
    throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (cmd.gt && cmd.lt) {
    throw new CommandError("ERR GT and LT options at the same time are not compatible");
  }
  const when = parseInteger(whenText);
  if (when === null) throw new CommandError(NOT_INTEGER);
  cmd.when = when;
  return cmd;
}

/** `when` (in `unit`, relative to `base` ms) as absolute ms, with Redis's overflow errors. */
function absoluteMillis(
  name: string,
  when: number | bigint,
  unit: "s" | "ms",
  base: number,
): ExpiryTime {
  if (typeof when === "number" && Math.abs(when) < 1e12) {
    return (unit === "s" ? when * 1000 : when) + base; // exact in doubles
  }
  const invalid = new CommandError(`ERR invalid expire time in '${name}' command`);
  let ms = BigInt(when);
  if (unit === "s") {
    if (ms > MAX_INT64 / 1000n || ms < MIN_INT64 / 1000n) throw invalid;
    ms *= 1000n;
  }
  if (ms > MAX_INT64 - BigInt(base)) throw invalid;
  ms += BigInt(base);
  return Number.isSafeInteger(Number(ms)) ? Number(ms) : ms;
}

/** EXPIRE key seconds / PEXPIRE key ms / EXPIREAT key unix-s / PEXPIREAT key unix-ms [NX|XX|GT|LT] */
const expireCommand = (name: string, unit: "s" | "ms", relative: boolean) =>
  command<ExpireCmd>({
    name,
    arity: -3,
    flags: ["write", "fast"],
    categories: ["keyspace", "write", "fast"],
    keys: [1, 1, 1],
    parse: parseExpire,
    execute(cmd, ctx) {
      const db = ctx.db;
      const now = db.clock.now();
      const at = absoluteMillis(name, cmd.when, unit, relative ? now : 0);
      if (db.get(cmd.key) === undefined) return ctx.reply.integer(0);
      const current = db.expiryOf(cmd.key);
      if (
        (cmd.nx && current !== undefined) ||
        (cmd.xx && current === undefined) ||
        (cmd.gt && (current === undefined || at <= current)) ||
        (cmd.lt && current !== undefined && at >= current)
      ) {
        return ctx.reply.integer(0);
      }
      if (at <= now) {
        db.delete(cmd.key);
        db.modified(cmd.key, "del");
      } else {
        db.setExpiry(cmd.key, at);
        db.modified(cmd.key, "expire");
      }
      ctx.reply.integer(1);
    },
  });

const expire = expireCommand("expire", "s", true);
const pexpire = expireCommand("pexpire", "ms", true);
const expireat = expireCommand("expireat", "s", false);
const pexpireat = expireCommand("pexpireat", "ms", false);

/** -2 for a missing key, -1 without a TTL, else the TTL or the expiry time. */
function replyTtl(ctx: CommandContext, key: string, unit: "s" | "ms", absolute: boolean): void {
  const db = ctx.db;
  if (db.peek(key) === undefined) return ctx.reply.integer(-2); // not an access, as in Redis
  const at = db.expiryOf(key);
  if (at === undefined) return ctx.reply.integer(-1);
  if (typeof at === "number") {
    const ttl = Math.max(0, absolute ? at : at - db.clock.now());
    return ctx.reply.integer(unit === "ms" ? ttl : Math.floor((ttl + 500) / 1000));
  }
  let ttl = absolute ? at : at - BigInt(db.clock.now());
  if (ttl < 0n) ttl = 0n;
  ctx.reply.integer(unit === "ms" ? ttl : (ttl + 500n) / 1000n);
}

/** TTL key / PTTL key / EXPIRETIME key / PEXPIRETIME key */
const ttlCommand = (name: string, unit: "s" | "ms", absolute: boolean) =>
  command({
    name,
    arity: 2,
    flags: ["readonly", "fast"],
    categories: ["keyspace", "read", "fast"],
    keys: [1, 1, 1],
    ...(absolute ? {} : { tips: ["nondeterministic_output"] }),
    parse: (a) => a.next(),
    execute: (key, ctx) => replyTtl(ctx, key, unit, absolute),
  });

const ttl = ttlCommand("ttl", "s", false);
const pttl = ttlCommand("pttl", "ms", false);
const expiretime = ttlCommand("expiretime", "s", true);
const pexpiretime = ttlCommand("pexpiretime", "ms", true);

/** PERSIST key */
const persist = command({
  name: "persist",
  arity: 2,
  flags: ["write", "fast"],
  categories: ["keyspace", "write", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute(key, ctx) {
    const db = ctx.db;
    if (db.get(key) === undefined || !db.persist(key)) return ctx.reply.integer(0);
    db.modified(key, "persist");
    ctx.reply.integer(1);
  },
});

export const expireCommands = [
  expire,
  pexpire,
  expireat,
  pexpireat,
  ttl,
  pttl,
  expiretime,
  pexpiretime,
  persist,
];
