/**
 * Set commands: SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE
 * SINTER SINTERCARD SINTERSTORE SUNION SUNIONSTORE SDIFF SDIFFSTORE SSCAN, on
 * store/types/set.ts. Results are built by adding members one by one, so a stored result
 * gets the encoding Redis would give it (intset while it holds few integers). Sets reply
 * as RESP3 sets where Redis does (SMEMBERS, SPOP with a count, SINTER/SUNION/SDIFF).
 */

import { command } from "./command.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { parseInteger } from "./args.ts";
import { parseElementScan, parseScanOptions, replyEmptyScan, replyScan } from "./element_scan.ts";
import { distinctPositions, randomCount } from "./hashes.ts";
import { SetType, SetValue } from "../store/types/set.ts";
import type { CommandContext } from "./context.ts";

const getSet = (ctx: CommandContext, key: string) => ctx.db.lookup(key, SetType);

/** Writes a set reply (`~` in RESP3) of `members`. */
function replyMembers(ctx: CommandContext, members: readonly string[]): void {
  ctx.reply.set(members.length);
  for (const m of members) ctx.reply.bulk(m);
}

/** SADD key member [member ...] */
const sadd = command({
  name: "sadd",
  arity: -3,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "set", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), members: a.rest() }),
  execute({ key, members }, ctx) {
    const set = ctx.db.lookupOrCreate(key, SetType);
    const added = set.addMany(members, ctx.server.config);
    if (added > 0) ctx.db.modifiedContainer(key, set, "sadd");
    ctx.reply.integer(added);
  },
});

/** SREM key member [member ...] */
const srem = command({
  name: "srem",
  arity: -3,
  flags: ["write", "fast"],
  categories: ["write", "set", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), members: a.rest() }),
  execute({ key, members }, ctx) {
    const set = getSet(ctx, key);
    let removed = 0;
    if (set !== undefined) {
      for (const m of members) {
        if (set.delete(m)) removed++;
        if (set.size === 0) break;
      }
      if (removed > 0) ctx.db.modifiedContainer(key, set, "srem");
    }
    ctx.reply.integer(removed);
  },
});

/** SMEMBERS key */
const smembers = command({
  name: "smembers",
  arity: 2,
  flags: ["readonly"],
  categories: ["read", "set", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output_order"],
  parse: (a) => a.next(),
  execute: (key, ctx) => replyMembers(ctx, getSet(ctx, key)?.members() ?? []),
});

/** SISMEMBER key member */
const sismember = command({
  name: "sismember",
  arity: 3,
  flags: ["readonly", "fast"],
  categories: ["read", "set", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), member: a.next() }),
  execute: ({ key, member }, ctx) => ctx.reply.integer(getSet(ctx, key)?.has(member) ? 1 : 0),
});

/** SMISMEMBER key member [member ...] */
const smismember = command({
  name: "smismember",
  arity: -3,
  flags: ["readonly", "fast"],
  categories: ["read", "set", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), members: a.rest() }),
  execute({ key, members }, ctx) {
    const set = getSet(ctx, key);
    ctx.reply.array(members.length);
    for (const m of members) ctx.reply.integer(set?.has(m) ? 1 : 0);
  },
});

/** SCARD key */
const scard = command({
  name: "scard",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "set", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute: (key, ctx) => ctx.reply.integer(getSet(ctx, key)?.size ?? 0),
});

const POSITIVE = "ERR value is out of range, must be positive";

/** SPOP key [count] */
const spop = command({
  name: "spop",
  arity: -2,
  flags: ["write", "fast"],
  categories: ["write", "set", "fast"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse(a) {
    const key = a.next();
    if (!a.hasMore()) return { key, count: null };
    if (a.remaining > 1) throw new CommandError(SYNTAX_ERROR);
    const count = parseInteger(a.next());
    if (count === null || count < 0) throw new CommandError(POSITIVE);
    return { key, count: Number(count) };
  },
  execute({ key, count }, ctx) {
    const set = getSet(ctx, key);
    if (count === null) {
      if (set === undefined) return ctx.reply.null();
      ctx.reply.bulk(set.removeAt(set.randomIndex()));
      return ctx.db.modifiedContainer(key, set, "spop");
    }
    if (set === undefined || count === 0) return ctx.reply.set(0);
    let popped: string[];
    if (count >= set.size) {
      // the whole set goes: reply with it as it is, then empty it
      popped = [...set.members()];
      for (let i = set.size - 1; i >= 0; i--) set.removeAt(i);
    } else {
      popped = [];
      for (let n = count; n > 0; n--) popped.push(set.removeAt(set.randomIndex()));
    }
    replyMembers(ctx, popped);
    ctx.db.modifiedContainer(key, set, "spop");
  },
});

/** SRANDMEMBER key [count]: distinct members for a positive count, repeats for a negative one. */
const srandmember = command({
  name: "srandmember",
  arity: -2,
  flags: ["readonly"],
  categories: ["read", "set", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse(a) {
    const key = a.next();
    if (!a.hasMore()) return { key, count: null };
    if (a.remaining > 1) throw new CommandError(SYNTAX_ERROR);
    return { key, count: randomCount(a.next(), false) };
  },
  execute({ key, count }, ctx) {
    const set = getSet(ctx, key);
    if (count === null) {
      if (set === undefined) return ctx.reply.null();
      return ctx.reply.bulk(set.at(set.randomIndex()));
    }
    if (set === undefined || count === 0) return ctx.reply.array(0);
    if (count < 0) {
      ctx.reply.array(-count);
      for (let i = 0; i < -count; i++) ctx.reply.bulk(set.at(set.randomIndex()));
      return;
    }
    const positions = distinctPositions(set.size, count);
    ctx.reply.array(positions.length);
    for (const i of positions) ctx.reply.bulk(set.at(i));
  },
});

/** SMOVE source destination member */
const smove = command({
  name: "smove",
  arity: 4,
  flags: ["write", "fast"],
  categories: ["write", "set", "fast"],
  keys: [1, 2, 1],
  parse: (a) => ({ src: a.next(), dst: a.next(), member: a.next() }),
  execute({ src, dst, member }, ctx) {
    const from = getSet(ctx, src);
    if (from === undefined) return ctx.reply.integer(0);
    const to = getSet(ctx, dst);
    if (from === to) return ctx.reply.integer(from.has(member) ? 1 : 0);
    if (!from.delete(member)) return ctx.reply.integer(0);
    ctx.db.modifiedContainer(src, from, "srem");
    const target = to ?? ctx.db.lookupOrCreate(dst, SetType);
    if (target.add(member, ctx.server.config)) ctx.db.modified(dst, "sadd");
    ctx.reply.integer(1);
  },
});

/** The sets at `keys` (undefined for missing keys); WRONGTYPE if any holds another type. */
function setsAt(ctx: CommandContext, keys: readonly string[]): (SetValue | undefined)[] {
  return keys.map((k) => getSet(ctx, k));
}

/**
 * The intersection, walking the smallest set and probing the others (Redis's order);
 * stops after `limit` members when limit > 0.
 */
function intersect(sets: (SetValue | undefined)[], limit = 0): string[] {
  if (sets.some((s) => s === undefined)) return [];
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const [first, ...others] = sorted;
  const out: string[] = [];
  for (const m of first.members()) {
    if (others.every((s) => s.has(m))) {
      out.push(m);
      if (out.length === limit) break;
    }
  }
  return out;
}

function union(
  sets: (SetValue | undefined)[],
  limits: CommandContext["server"]["config"],
): SetValue {
  const result = new SetValue();
  for (const s of sets) if (s !== undefined) { for (const m of s.members()) result.add(m, limits); }
  return result;
}

function difference(
  sets: (SetValue | undefined)[],
  limits: CommandContext["server"]["config"],
): SetValue {
  const result = new SetValue();
  const [first, ...others] = sets;
  if (first === undefined || others.includes(first)) return result;
  for (const m of first.members()) {
    if (!others.some((s) => s?.has(m))) result.add(m, limits);
  }
  return result;
}

/** Stores `result` at `dst` (replacing whatever was there), or deletes `dst` if empty. */
function store(ctx: CommandContext, dst: string, result: SetValue, event: string): void {
  if (result.size > 0) {
    ctx.db.set(dst, result);
    ctx.db.modified(dst, event);
  } else if (ctx.db.delete(dst)) ctx.db.modified(dst, "del");
  ctx.reply.integer(result.size);
}

const algebra = (name: string, op: "inter" | "union" | "diff") =>
  command({
    name,
    arity: -2,
    flags: ["readonly"],
    categories: ["read", "set", "slow"],
    keys: [1, -1, 1],
    tips: ["nondeterministic_output_order"],
    parse: (a) => a.rest(),
    execute(keys, ctx) {
      const sets = setsAt(ctx, keys);
      const limits = ctx.server.config;
      if (op === "inter") return replyMembers(ctx, intersect(sets));
      const result = op === "union" ? union(sets, limits) : difference(sets, limits);
      replyMembers(ctx, result.members());
    },
  });

/** SINTER key [key ...] / SUNION key [key ...] / SDIFF key [key ...] */
const sinter = algebra("sinter", "inter");
const sunion = algebra("sunion", "union");
const sdiff = algebra("sdiff", "diff");

const algebraStore = (name: string, op: "inter" | "union" | "diff") =>
  command({
    name,
    arity: -3,
    flags: ["write", "denyoom"],
    categories: ["write", "set", "slow"],
    keys: [1, -1, 1],
    parse: (a) => ({ dst: a.next(), keys: a.rest() }),
    execute({ dst, keys }, ctx) {
      const sets = setsAt(ctx, keys);
      const limits = ctx.server.config;
      const result = op === "inter"
        ? SetValue.of(intersect(sets), limits)
        : op === "union"
        ? union(sets, limits)
        : difference(sets, limits);
      store(ctx, dst, result, name);
    },
  });

/** SINTERSTORE destination key [key ...] (and SUNIONSTORE, SDIFFSTORE) */
const sinterstore = algebraStore("sinterstore", "inter");
const sunionstore = algebraStore("sunionstore", "union");
const sdiffstore = algebraStore("sdiffstore", "diff");

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
const sintercard = command({
  name: "sintercard",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "set", "slow"],
  parse(a) {
    const numkeys = parseInteger(a.next());
    if (numkeys === null || numkeys < 1) {
      throw new CommandError("ERR numkeys should be greater than 0");
    }
    if (numkeys > a.remaining) {
      throw new CommandError("ERR Number of keys can't be greater than number of args");
    }
    const keys: string[] = [];
    for (let i = 0; i < numkeys; i++) keys.push(a.next());
    let limit = 0;
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (opt !== "LIMIT" || !a.hasMore()) throw new CommandError(SYNTAX_ERROR);
      const n = parseInteger(a.next());
      if (n === null || n < 0) throw new CommandError("ERR LIMIT can't be negative");
      limit = Number(n);
    }
    return { keys, limit };
  },
  execute: ({ keys, limit }, ctx) => ctx.reply.integer(intersect(setsAt(ctx, keys), limit).length),
});

/** SSCAN key cursor [MATCH pattern] [COUNT count] */
const sscan = command({
  name: "sscan",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "set", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse: parseElementScan,
  execute({ key, cursor, rest }, ctx) {
    const set = getSet(ctx, key);
    if (set === undefined) return replyEmptyScan(ctx.reply);
    const { count, pattern } = parseScanOptions(rest);
    const items: string[] = [];
    const next = set.scan(cursor, count, (m) => items.push(m));
    replyScan(ctx.reply, next, items, 1, pattern);
  },
});

export const setCommands = [
  sadd,
  srem,
  smembers,
  sismember,
  smismember,
  scard,
  spop,
  srandmember,
  smove,
  sinter,
  sintercard,
  sinterstore,
  sunion,
  sunionstore,
  sdiff,
  sdiffstore,
  sscan,
];
