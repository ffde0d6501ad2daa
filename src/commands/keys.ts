/**
 * Keyspace commands that work on keys whatever their type: DEL UNLINK EXISTS TOUCH TYPE
 * RENAME RENAMENX COPY KEYS SCAN RANDOMKEY. Expiry commands are in expire.ts, database
 * commands (SELECT aside) in databases.ts. Semantics follow Redis 7.0's db.c.
 */

import { Args } from "./args.ts";
import { command, type CommandFlag } from "./command.ts";
import { CommandError, NO_SUCH_KEY, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { checkDbIndex, dbIndexArg } from "./databases.ts";
import type { Database } from "../store/database.ts";
import { globMatch } from "../store/glob.ts";
import { copyValue, typeName } from "../store/values.ts";

const SAME_OBJECT = "ERR source and destination objects are the same";

/** Counts the keys of `keys` that `test` accepts (DEL, EXISTS, TOUCH count repeats). */
const countKeys = (
  name: string,
  flags: CommandFlag[],
  categories: string[],
  test: (db: Database, key: string) => boolean,
) =>
  command({
    name,
    arity: -2,
    flags,
    categories: ["keyspace", ...categories],
    keys: [1, -1, 1],
    tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
    parse: (a) => a.rest(),
    execute(keys, ctx) {
      const db = ctx.db;
      let n = 0;
      for (const key of keys) if (test(db, key)) n++;
      ctx.reply.integer(n);
    },
  });

/** Deletes `key` if it lives, signalling "del" (DEL, UNLINK). */
function deleteKey(db: Database, key: string): boolean {
  if (!db.delete(key)) return false;
  db.modified(key, "del");
  return true;
}

/** DEL key [key ...] / UNLINK key [key ...] (values are freed by the GC either way) */
const del = countKeys("del", ["write"], ["write", "slow"], deleteKey);
const unlink = countKeys("unlink", ["write", "fast"], ["write", "fast"], deleteKey);
/** EXISTS key [key ...] / TOUCH key [key ...] */
const exists = countKeys(
  "exists",
  ["readonly", "fast"],
  ["read", "fast"],
  (db, k) => db.peek(k) !== undefined, // not an access, as in Redis
);
const touch = countKeys("touch", ["readonly", "fast"], ["read", "fast"], (db, k) => db.has(k));

/** TYPE key */
const type = command({
  name: "type",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["keyspace", "read", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute(key, ctx) {
    const v = ctx.db.peek(key); // not an access, as in Redis
    ctx.reply.simple(v === undefined ? "none" : typeName(v));
  },
});

/** RENAME key newkey / RENAMENX key newkey: the TTL moves with the value. */
const rename = (name: string, nx: boolean) =>
  command({
    name,
    arity: 3,
    flags: nx ? ["write", "fast"] : ["write"],
    categories: nx ? ["keyspace", "write", "fast"] : ["keyspace", "write", "slow"],
    keys: [1, 2, 1],
    parse: (a) => [a.next(), a.next()] as const,
    execute([src, dst], ctx) {
      const db = ctx.db;
      const value = db.get(src);
      if (value === undefined) throw new CommandError(NO_SUCH_KEY);
      if (src === dst) return nx ? ctx.reply.integer(0) : ctx.reply.ok();
      const expiry = db.expiryOf(src);
      if (db.has(dst)) {
        if (nx) return ctx.reply.integer(0);
        db.delete(dst);
      }
      db.set(dst, value);
      db.setAccessField(dst, db.accessField(src)!); // the same object in Redis
      if (expiry !== undefined) db.setExpiry(dst, expiry);
      db.delete(src);
      db.modified(src, "rename_from");
      db.modified(dst, "rename_to");
      if (nx) ctx.reply.integer(1);
      else ctx.reply.ok();
    },
  });
const renameCmd = rename("rename", false);
const renamenx = rename("renamenx", true);

/** COPY source destination [DB destination-db] [REPLACE] */
const copy = command({
  name: "copy",
  arity: -3,
  flags: ["write", "denyoom"],
  categories: ["keyspace", "write", "slow"],
  keys: [1, 2, 1],
  // Options are read in execute: Redis checks the DB index's range while parsing them.
  parse: (a) => ({ src: a.next(), dst: a.next(), options: a.rest() }),
  execute({ src, dst, options }, ctx) {
    let target = ctx.client.dbIndex;
    let replace = false;
    const a = new Args(options, 0);
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (opt === "REPLACE") replace = true;
      else if (opt === "DB" && a.hasMore()) target = checkDbIndex(ctx, dbIndexArg(a));
      else throw new CommandError(SYNTAX_ERROR);
    }
    const from = ctx.db;
    const to = ctx.server.keyspace.dbs[target];
    if (from === to && src === dst) throw new CommandError(SAME_OBJECT);
    const value = from.get(src);
    if (value === undefined) return ctx.reply.integer(0);
    const expiry = from.expiryOf(src);
    if (to.has(dst)) {
      if (!replace) return ctx.reply.integer(0);
      to.delete(dst);
    }
    to.set(dst, copyValue(value));
    if (expiry !== undefined) to.setExpiry(dst, expiry);
    to.modified(dst, "copy_to");
    ctx.reply.integer(1);
  },
});

/** KEYS pattern: expired keys are skipped, not deleted, as in Redis. */
const keys = command({
  name: "keys",
  arity: 2,
  flags: ["readonly"],
  categories: ["keyspace", "read", "slow", "dangerous"],
  tips: ["request_policy:all_shards", "nondeterministic_output_order"],
  parse: (a) => a.next(),
  execute(pattern, ctx) {
    const db = ctx.db;
    const now = db.clock.now();
    const all = pattern === "*";
    const out: string[] = [];
    for (const key of db.keys()) {
      if ((all || globMatch(pattern, key)) && !db.isExpired(key, now)) out.push(key);
    }
    ctx.reply.bulkArray(out);
  },
});

/**
 * Redis's cursor parsing (strtoul): optional sign, decimal digits, no blanks, at most
 * 2^64 - 1; a negative cursor wraps around, so it is past every slot.
 */
function parseCursor(text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new CommandError("ERR invalid cursor");
  const v = BigInt(text.replace(/^\+/, ""));
  if (v > 18446744073709551615n || v < -18446744073709551615n) {
    throw new CommandError("ERR invalid cursor");
  }
  return v < 0n ? Number.MAX_SAFE_INTEGER : Number(v);
}

interface ScanCmd {
  cursor: number;
  count: number;
  pattern: string | null;
  type: string | null;
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]. The cursor is a slot of the
 * database's scan index (store/scan_index.ts): every key present for the whole scan is
 * returned, as Redis guarantees.
 */
const scan = command<ScanCmd>({
  name: "scan",
  arity: -2,
  flags: ["readonly"],
  categories: ["keyspace", "read", "slow"],
  tips: ["nondeterministic_output", "request_policy:special"],
  parse(a) {
    const cmd: ScanCmd = { cursor: parseCursor(a.next()), count: 10, pattern: null, type: null };
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (opt === "COUNT" && a.hasMore()) {
        const count = a.int64(NOT_INTEGER);
        if (count < 1) throw new CommandError(SYNTAX_ERROR);
        cmd.count = Number(count);
      } else if (opt === "MATCH" && a.hasMore()) {
        const pattern = a.next();
        cmd.pattern = pattern === "*" ? null : pattern;
      } else if (opt === "TYPE" && a.hasMore()) {
        cmd.type = a.next().toLowerCase();
      } else throw new CommandError(SYNTAX_ERROR);
    }
    return cmd;
  },
  execute({ cursor, count, pattern, type }, ctx) {
    const db = ctx.db;
    const found: string[] = [];
    const next = db.scan(cursor, count, (key) => {
      if (pattern !== null && !globMatch(pattern, key)) return;
      const value = db.peek(key); // expires the key if it is due; not an access
      if (value === undefined) return;
      if (type !== null && typeName(value) !== type) return;
      found.push(key);
    });
    ctx.reply.array(2);
    ctx.reply.bulk(String(next));
    ctx.reply.bulkArray(found);
  },
});

/** RANDOMKEY */
const randomkey = command({
  name: "randomkey",
  arity: 1,
  flags: ["readonly"],
  categories: ["keyspace", "read", "slow"],
  tips: ["request_policy:all_shards", "nondeterministic_output"],
  parse: (a) => a.finish(),
  execute: (_, ctx) => ctx.reply.bulkOrNull(ctx.db.randomKey()),
});

export const keyCommands = [
  del,
  unlink,
  exists,
  touch,
  type,
  renameCmd,
  renamenx,
  copy,
  keys,
  scan,
  randomkey,
];
