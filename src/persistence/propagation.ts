/**
 * What the append-only file records for a command that changed the dataset (Redis's
 * propagation): replaying the file must rebuild the same data, whenever it is replayed.
 *
 * - Commands whose effect depends only on their arguments and the data they find
 *   (DETERMINISTIC below) are recorded as sent.
 * - The expire family is recorded as PEXPIREAT with the absolute time it set (or DEL
 *   when it deleted the key), as Redis does, so a replay does not extend a TTL.
 * - XADD with an id chosen by the server is recorded with that id.
 * - Every other write (random ones such as SPOP, relative TTLs such as SET EX, clients
 *   served from a blocking pop, stream group reads, XTRIM ~ ...) is recorded as the
 *   resulting state of each key it touched: RESTORE … ABSTTL REPLACE with the key's DUMP
 *   payload, or DEL when the key is gone. Always right; costs the size of the value.
 * - Keys that expire or are evicted are recorded as DEL, as Redis propagates them.
 */

import type { Database } from "../store/database.ts";
import { createDumpPayload } from "./dump_payload.ts";
import { latin1String } from "./rdb_bytes.ts";
import { toRdbObject } from "./rdb_values.ts";
import { formatId } from "../store/stream_id.ts";
import type { Stream } from "../store/stream.ts";

/** A command to append, in database `db` (null: any database, e.g. FLUSHALL). */
export interface Propagated {
  db: number | null;
  argv: readonly string[];
}

/** One signal of the keyspace-change hook seen while a command ran. */
export interface Touch {
  db: Database;
  key: string | null;
  event: string;
}

const DETERMINISTIC = new Set([
  "set",
  "setnx",
  "mset",
  "msetnx",
  "append",
  "setrange",
  "incr",
  "decr",
  "incrby",
  "decrby",
  "getset",
  "getdel",
  "del",
  "unlink",
  "persist",
  "rename",
  "renamenx",
  "copy",
  "move",
  "lpush",
  "rpush",
  "lpushx",
  "rpushx",
  "lpop",
  "rpop",
  "linsert",
  "lset",
  "lrem",
  "ltrim",
  "lmove",
  "rpoplpush",
  "lmpop",
  "hset",
  "hsetnx",
  "hmset",
  "hdel",
  "hincrby",
  "sadd",
  "srem",
  "smove",
  "sinterstore",
  "sunionstore",
  "sdiffstore",
  "zadd",
  "zincrby",
  "zrem",
  "zremrangebyscore",
  "zremrangebyrank",
  "zremrangebylex",
  "zpopmin",
  "zpopmax",
  "zmpop",
  "zunionstore",
  "zinterstore",
  "zdiffstore",
  "zrangestore",
  "setbit",
  "bitop",
  "bitfield",
  "sort",
  "xdel",
  "xack",
  "xsetid",
  "xgroup|create",
  "xgroup|destroy",
  "xgroup|setid",
  "xgroup|createconsumer",
  "xgroup|delconsumer",
  "flushdb",
  "flushall",
  "swapdb",
  "select",
]);

const EXPIRE_FAMILY = new Set(["expire", "pexpire", "expireat", "pexpireat"]);

/** Options after which SET's effect depends on when it ran. */
const RELATIVE_SET_OPTIONS = new Set(["EX", "PX"]);

/**
 * What to append for `name` (lower-case, "parent|sub" for subcommands) run as `argv` in
 * database `db`, given the signals it raised; `servedBlocked` when clients blocked on its
 * keys were served inside it (their pops are then part of its effect). Pushed onto `out`
 * (returned); `argv` is used as it is, so the caller appends it before it changes.
 */
export function propagate(
  name: string,
  argv: readonly string[],
  db: Database,
  touches: readonly Touch[],
  servedBlocked: boolean,
  out: Propagated[] = [],
): Propagated[] {
  let own = 0;
  for (const t of touches) {
    if ((t.event === "expired" || t.event === "evicted") && t.key !== null) {
      out.push({ db: t.db.id, argv: ["DEL", t.key] });
    } else own++;
  }
  if (own === 0) return out;
  if (name === "flushall" || name === "swapdb") {
    out.push({ db: null, argv });
    return out;
  }
  if (!servedBlocked && DETERMINISTIC.has(name) && !relativeSet(name, argv)) {
    out.push({ db: db.id, argv });
    return out;
  }
  const changed = touchedKeys(touches);
  if (!servedBlocked && EXPIRE_FAMILY.has(name)) {
    for (const key of changed) out.push(absoluteExpiry(key.db, key.key));
    return out;
  }
  if (!servedBlocked && name === "xadd") {
    const rewritten = xaddWithId(argv, db);
    if (rewritten !== null) {
      out.push({ db: db.id, argv: rewritten });
      return out;
    }
  }
  for (const key of changed) out.push(keyState(key.db, key.key));
  return out;
}

/**
 * Whether `propagate` would record the command as sent, alone: `argv` in its database, no
 * expired key's DEL before it (the AOF can then copy the client's request bytes).
 */
export function recordedAsSent(
  name: string,
  argv: readonly string[],
  touches: readonly Touch[],
  servedBlocked: boolean,
): boolean {
  if (touches.length === 0 || servedBlocked || !DETERMINISTIC.has(name)) return false;
  if (name === "flushall" || name === "swapdb" || relativeSet(name, argv)) return false;
  for (let i = 0; i < touches.length; i++) {
    const t = touches[i];
    if ((t.event === "expired" || t.event === "evicted") && t.key !== null) return false;
  }
  return true;
}

function relativeSet(name: string, argv: readonly string[]): boolean {
  if (name !== "set") return false;
  for (let i = 3; i < argv.length; i++) {
    if (RELATIVE_SET_OPTIONS.has(argv[i].toUpperCase())) return true;
  }
  return false;
}

/** Distinct (db, key) pairs the command itself changed, in first-touched order. */
function touchedKeys(touches: readonly Touch[]): { db: Database; key: string }[] {
  const seen = new Set<string>();
  const out: { db: Database; key: string }[] = [];
  for (const t of touches) {
    if (t.key === null || t.event === "expired" || t.event === "evicted") continue;
    const id = `${t.db.id}\u0000${t.key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ db: t.db, key: t.key });
  }
  return out;
}

function absoluteExpiry(db: Database, key: string): Propagated {
  if (!db.contains(key)) return { db: db.id, argv: ["DEL", key] };
  const at = db.expiryOf(key);
  if (at === undefined) return { db: db.id, argv: ["PERSIST", key] };
  return { db: db.id, argv: ["PEXPIREAT", key, String(at)] };
}

/** The key's whole state: RESTORE … ABSTTL REPLACE, or DEL when it is gone. */
export function keyState(db: Database, key: string): Propagated {
  const value = db.stored(key);
  if (value === undefined) return { db: db.id, argv: ["DEL", key] };
  const payload = latin1String(createDumpPayload(toRdbObject(value)));
  const at = db.expiryOf(key);
  return { db: db.id, argv: ["RESTORE", key, String(at ?? 0), payload, "REPLACE", "ABSTTL"] };
}

/** XADD with the id it was given in place of `*` / `ms-*`; null when it added nothing. */
function xaddWithId(argv: readonly string[], db: Database): string[] | null {
  const stream = db.stored(argv[1]) as Stream | undefined;
  if (stream === undefined || typeof stream === "string" || stream.kind !== "stream") return null;
  // The id is the first argument after the options: NOMKSTREAM, MAXLEN/MINID [=|~] n [LIMIT n].
  let i = 2;
  for (;;) {
    const word = argv[i]?.toUpperCase();
    if (word === "NOMKSTREAM") i++;
    else if (word === "MAXLEN" || word === "MINID") {
      i++;
      if (argv[i] === "=" || argv[i] === "~") i++;
      i++;
    } else if (word === "LIMIT") i += 2;
    else break;
  }
  if (i >= argv.length) return null;
  const out = [...argv];
  out[i] = formatId(stream.lastId);
  // An approximate trim (~) depends on node layout: keep the exact effect instead.
  if (argv.some((a) => a === "~")) return null;
  return out;
}
