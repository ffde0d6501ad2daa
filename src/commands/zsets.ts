/**
 * Sorted-set commands on store/types/zset.ts: ZADD ZINCRBY ZREM ZCARD ZSCORE ZMSCORE ZRANK
 * ZREVRANK ZCOUNT ZLEXCOUNT, the ZRANGE family (ZRANGE with BYSCORE/BYLEX/REV/LIMIT,
 * ZRANGESTORE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZREVRANGEBYLEX, ZREVRANGE),
 * ZREMRANGEBYRANK/SCORE/LEX, ZPOPMIN ZPOPMAX ZMPOP ZRANDMEMBER ZSCAN. The set algebra
 * (ZUNION ZINTER ZDIFF and their STORE forms, ZINTERCARD) is in zset_algebra.ts.
 *
 * Argument and lookup order follow Redis 7.0's t_zset.c: options and ranges are parsed
 * before the key is looked up, so a syntax error wins over WRONGTYPE. Scores print as
 * `%.17g` (scores.ts): bulk strings in RESP2, doubles in RESP3, where WITHSCORES pairs are
 * nested two-element arrays.
 */

import { type Args, parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR } from "./errors.ts";
import { parseElementScan, parseScanOptions, replyEmptyScan, replyScan } from "./element_scan.ts";
import { distinctPositions, randomCount } from "./hashes.ts";
import { formatListpackScore, formatScore, scoreArg } from "./scores.ts";
import { lexRanks, parseLexRange, parseScoreRange, rankRanks, scoreRanks } from "./zset_ranges.ts";
import { SortedSetValue, ZSetType } from "../store/types/zset.ts";
import type { CommandContext } from "./context.ts";

export const getZSet = (ctx: CommandContext, key: string) => ctx.db.lookup(key, ZSetType);

/** A score reply: `,x` in RESP3, a bulk string in RESP2, `%.17g` either way. */
export function replyScore(ctx: CommandContext, x: number): void {
  ctx.reply.double(x, formatScore(x));
}

/** Member/score pairs: flat in RESP2, two-element arrays in RESP3 when `withScores`. */
export function replyEntries(
  ctx: CommandContext,
  members: readonly string[],
  scores: readonly number[],
  withScores: boolean,
): void {
  const nested = withScores && ctx.reply.protocol === 3;
  ctx.reply.array(withScores && !nested ? members.length * 2 : members.length);
  for (let i = 0; i < members.length; i++) {
    if (nested) ctx.reply.array(2);
    ctx.reply.bulk(members[i]);
    if (withScores) replyScore(ctx, scores[i]);
  }
}

/** A long argument (Redis's getLongFromObject): an integer error otherwise. */
function longArg(text: string): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(NOT_INTEGER);
  return Number(v);
}

// ZADD / ZINCRBY

interface ZaddCmd {
  key: string;
  nx: boolean;
  xx: boolean;
  gt: boolean;
  lt: boolean;
  ch: boolean;
  incr: boolean;
  scores: number[];
  members: string[];
}

function parseZadd(argv: readonly string[], incr: boolean): ZaddCmd {
  const cmd: ZaddCmd = {
    key: argv[1],
    nx: false,
    xx: false,
    gt: false,
    lt: false,
    ch: false,
    incr,
    scores: [],
    members: [],
  };
  let i = 2;
  for (; i < argv.length; i++) {
    const opt = argv[i].toLowerCase();
    if (opt === "nx") cmd.nx = true;
    else if (opt === "xx") cmd.xx = true;
    else if (opt === "ch") cmd.ch = true;
    else if (opt === "incr") cmd.incr = true;
    else if (opt === "gt") cmd.gt = true;
    else if (opt === "lt") cmd.lt = true;
    else break;
  }
  const elements = argv.length - i;
  if (elements % 2 !== 0 || elements === 0) throw new CommandError(SYNTAX_ERROR);
  if (cmd.nx && cmd.xx) {
    throw new CommandError("ERR XX and NX options at the same time are not compatible");
  }
  if ((cmd.gt && cmd.nx) || (cmd.lt && cmd.nx) || (cmd.gt && cmd.lt)) {
    throw new CommandError(
      "ERR GT, LT, and/or NX options at the same time are not compatible",
    );
  }
  if (cmd.incr && elements > 2) {
    throw new CommandError("ERR INCR option supports a single increment-element pair");
  }
  for (; i < argv.length; i += 2) {
    cmd.scores.push(scoreArg(argv[i]));
    cmd.members.push(argv[i + 1]);
  }
  return cmd;
}

const NAN_ERROR = "ERR resulting score is not a number (NaN)";

function executeZadd(cmd: ZaddCmd, ctx: CommandContext): void {
  let z = getZSet(ctx, cmd.key);
  const limits = ctx.server.config;
  let added = 0, updated = 0, processed = 0;
  let last = 0;
  if (z === undefined && !cmd.xx) {
    z = new SortedSetValue(cmd.members[0].length, limits);
    ctx.db.set(cmd.key, z);
  }
  // many members: the packed form is rebuilt once at the end, not once per member
  if (z !== undefined && cmd.members.length > 1) z.beginBulk();
  try {
    if (z !== undefined) {
      for (let j = 0; j < cmd.members.length; j++) {
        const member = cmd.members[j];
        let score = cmd.scores[j];
        const current = z.score(member);
        if (current !== undefined) {
          if (cmd.nx) continue;
          if (cmd.incr) {
            score += current;
            if (Number.isNaN(score)) throw new CommandError(NAN_ERROR);
          }
          if ((cmd.lt && score >= current) || (cmd.gt && score <= current)) continue;
          last = score;
          processed++;
          if (score !== current) {
            z.set(member, score, limits);
            updated++;
          }
        } else if (!cmd.xx) {
          z.set(member, score, limits);
          last = score;
          processed++;
          added++;
        }
      }
    }
  } finally {
    z?.endBulk();
    if (added + updated > 0) ctx.db.modified(cmd.key, cmd.incr ? "zincr" : "zadd");
  }
  if (cmd.incr) {
    if (processed > 0) replyScore(ctx, last);
    else ctx.reply.null();
  } else ctx.reply.integer(cmd.ch ? added + updated : added);
}

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...] */
const zadd = command({
  name: "zadd",
  arity: -4,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => parseZadd(a.argv, false),
  execute: executeZadd,
});

/** ZINCRBY key increment member (ZADD INCR, options included, as in Redis) */
const zincrby = command({
  name: "zincrby",
  arity: 4,
  flags: ["write", "denyoom", "fast"],
  categories: ["write", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => parseZadd(a.argv, true),
  execute: executeZadd,
});

/** ZREM key member [member ...] */
const zrem = command({
  name: "zrem",
  arity: -3,
  flags: ["write", "fast"],
  categories: ["write", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), members: a.rest() }),
  execute({ key, members }, ctx) {
    const z = getZSet(ctx, key);
    let removed = 0;
    if (z !== undefined) {
      for (const m of members) {
        if (z.delete(m)) removed++;
        if (z.size === 0) break;
      }
      if (removed > 0) ctx.db.modifiedContainer(key, z, "zrem");
    }
    ctx.reply.integer(removed);
  },
});

/** ZCARD key */
const zcard = command({
  name: "zcard",
  arity: 2,
  flags: ["readonly", "fast"],
  categories: ["read", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => a.next(),
  execute: (key, ctx) => ctx.reply.integer(getZSet(ctx, key)?.size ?? 0),
});

/** ZSCORE key member */
const zscore = command({
  name: "zscore",
  arity: 3,
  flags: ["readonly", "fast"],
  categories: ["read", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), member: a.next() }),
  execute({ key, member }, ctx) {
    const score = getZSet(ctx, key)?.score(member);
    if (score === undefined) ctx.reply.null();
    else replyScore(ctx, score);
  },
});

/** ZMSCORE key member [member ...] */
const zmscore = command({
  name: "zmscore",
  arity: -3,
  flags: ["readonly", "fast"],
  categories: ["read", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), members: a.rest() }),
  execute({ key, members }, ctx) {
    const z = getZSet(ctx, key);
    ctx.reply.array(members.length);
    for (const m of members) {
      const score = z?.score(m);
      if (score === undefined) ctx.reply.null();
      else replyScore(ctx, score);
    }
  },
});

const rank = (name: string, reverse: boolean) =>
  command({
    name,
    arity: 3,
    flags: ["readonly", "fast"],
    categories: ["read", "sortedset", "fast"],
    keys: [1, 1, 1],
    parse: (a) => ({ key: a.next(), member: a.next() }),
    execute({ key, member }, ctx) {
      const z = getZSet(ctx, key);
      const score = z?.score(member);
      if (z === undefined || score === undefined) return ctx.reply.null();
      const r = z.tree.rank(score, member);
      ctx.reply.integer(reverse ? z.size - 1 - r : r);
    },
  });

/** ZRANK key member / ZREVRANK key member */
const zrank = rank("zrank", false);
const zrevrank = rank("zrevrank", true);

/** ZCOUNT key min max */
const zcount = command({
  name: "zcount",
  arity: 4,
  flags: ["readonly", "fast"],
  categories: ["read", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), range: parseScoreRange(a.next(), a.next()) }),
  execute({ key, range }, ctx) {
    const z = getZSet(ctx, key);
    if (z === undefined) return ctx.reply.integer(0);
    const [from, to] = scoreRanks(z.tree, range);
    ctx.reply.integer(Math.max(0, to - from + 1));
  },
});

/** ZLEXCOUNT key min max */
const zlexcount = command({
  name: "zlexcount",
  arity: 4,
  flags: ["readonly", "fast"],
  categories: ["read", "sortedset", "fast"],
  keys: [1, 1, 1],
  parse: (a) => ({ key: a.next(), range: parseLexRange(a.next(), a.next()) }),
  execute({ key, range }, ctx) {
    const z = getZSet(ctx, key);
    if (z === undefined) return ctx.reply.integer(0);
    const [from, to] = lexRanks(z.tree, range);
    ctx.reply.integer(Math.max(0, to - from + 1));
  },
});

// The ZRANGE family

type RangeType = "auto" | "rank" | "score" | "lex";

interface RangeCmd {
  dst: string | null;
  key: string;
  type: "rank" | "score" | "lex";
  reverse: boolean;
  withScores: boolean;
  offset: number;
  limit: number;
  min: string;
  max: string;
}

/** Redis's zrangeGenericCommand argument parsing; `at` is the source key's position. */
function parseRange(
  argv: readonly string[],
  at: number,
  store: boolean,
  preset: RangeType,
  presetReverse: boolean | null,
): RangeCmd {
  let type = preset;
  let reverse = presetReverse;
  let withScores = false, offset = 0, limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (!store && opt === "withscores") withScores = true;
    else if (opt === "limit" && left >= 2) {
      offset = longArg(argv[j + 1]);
      limit = longArg(argv[j + 2]);
      j += 2;
    } else if (presetReverse === null && reverse === null && opt === "rev") reverse = true;
    else if (preset === "auto" && type === "auto" && opt === "bylex") type = "lex";
    else if (preset === "auto" && type === "auto" && opt === "byscore") type = "score";
    else throw new CommandError(SYNTAX_ERROR);
  }
  const finalType = type === "auto" ? "rank" : type;
  if (limit !== -1 && finalType === "rank") {
    throw new CommandError(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withScores && finalType === "lex") {
    throw new CommandError(
      "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
    );
  }
  const rev = reverse ?? false;
  let min = argv[at + 1], max = argv[at + 2];
  if (rev && finalType !== "rank") [min, max] = [max, min];
  return {
    dst: store ? argv[1] : null,
    key: argv[at],
    type: finalType,
    reverse: rev,
    withScores,
    offset,
    limit,
    min,
    max,
  };
}

/** The members and scores a range command selects, in reply order. */
function selectRange(
  z: SortedSetValue | undefined,
  cmd: RangeCmd,
  bounds: { start: number; end: number } | null,
  scoreRange: ReturnType<typeof parseScoreRange> | null,
  lexRange: ReturnType<typeof parseLexRange> | null,
): { members: string[]; scores: number[] } {
  const members: string[] = [], scores: number[] = [];
  if (z === undefined || z.size === 0) return { members, scores };
  const tree = z.tree;
  const collect = (s: number, m: string) => {
    members.push(m);
    scores.push(s);
  };
  let from: number, to: number;
  if (bounds !== null) {
    [from, to] = rankRanks(z.size, bounds.start, bounds.end);
    if (from > to) return { members, scores };
    if (cmd.reverse) tree.forEachReverse(z.size - 1 - from, z.size - 1 - to, collect);
    else tree.forEach(from, to, collect);
    return { members, scores };
  }
  if (cmd.offset > 0 && cmd.offset >= z.size) return { members, scores };
  [from, to] = scoreRange !== null ? scoreRanks(tree, scoreRange) : lexRanks(tree, lexRange!);
  if (from > to || cmd.offset < 0) return { members, scores };
  let n = to - from + 1 - cmd.offset;
  if (n <= 0) return { members, scores };
  if (cmd.limit >= 0) n = Math.min(n, cmd.limit);
  if (n === 0) return { members, scores };
  if (cmd.reverse) tree.forEachReverse(to - cmd.offset, to - cmd.offset - n + 1, collect);
  else tree.forEach(from + cmd.offset, from + cmd.offset + n - 1, collect);
  return { members, scores };
}

function executeRange(cmd: RangeCmd, ctx: CommandContext): void {
  // ranges are parsed before the key is looked up
  let bounds: { start: number; end: number } | null = null;
  let scoreRange = null, lexRange = null;
  if (cmd.type === "rank") bounds = { start: longArg(cmd.min), end: longArg(cmd.max) };
  else if (cmd.type === "score") scoreRange = parseScoreRange(cmd.min, cmd.max);
  else lexRange = parseLexRange(cmd.min, cmd.max);
  const z = getZSet(ctx, cmd.key);
  const { members, scores } = selectRange(z, cmd, bounds, scoreRange, lexRange);
  if (cmd.dst === null) return replyEntries(ctx, members, scores, cmd.withScores);
  storeResult(ctx, cmd.dst, members, scores, "zrangestore");
}

/**
 * Stores members (with their scores) at `dst` as a new sorted set, added one by one so the
 * encoding is Redis's, and replies with its size; an empty result deletes `dst` instead.
 */
export function storeResult(
  ctx: CommandContext,
  dst: string,
  members: readonly string[],
  scores: readonly number[],
  event: string,
): void {
  if (members.length === 0) {
    if (ctx.db.delete(dst)) ctx.db.modified(dst, "del");
    return ctx.reply.integer(0);
  }
  const limits = ctx.server.config;
  const z = new SortedSetValue(0, limits);
  for (let i = 0; i < members.length; i++) z.set(members[i], scores[i], limits);
  ctx.db.set(dst, z);
  ctx.db.modified(dst, event);
  ctx.reply.integer(z.size);
}

const rangeCommand = (
  name: string,
  arity: number,
  preset: RangeType,
  reverse: boolean | null,
  store = false,
) =>
  command({
    name,
    arity,
    flags: store ? ["write", "denyoom"] : ["readonly"],
    categories: store ? ["write", "sortedset", "slow"] : ["read", "sortedset", "slow"],
    keys: store ? [1, 2, 1] : [1, 1, 1],
    parse: (a) => parseRange(a.argv, store ? 2 : 1, store, preset, reverse),
    execute: executeRange,
  });

/** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] */
const zrange = rangeCommand("zrange", -4, "auto", null);
/** ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] */
const zrangestore = rangeCommand("zrangestore", -5, "auto", null, true);
/** ZREVRANGE key start stop [WITHSCORES] */
const zrevrange = rangeCommand("zrevrange", -4, "rank", true);
/** ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count] */
const zrangebyscore = rangeCommand("zrangebyscore", -4, "score", false);
/** ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count] */
const zrevrangebyscore = rangeCommand("zrevrangebyscore", -4, "score", true);
/** ZRANGEBYLEX key min max [LIMIT offset count] */
const zrangebylex = rangeCommand("zrangebylex", -4, "lex", false);
/** ZREVRANGEBYLEX key max min [LIMIT offset count] */
const zrevrangebylex = rangeCommand("zrevrangebylex", -4, "lex", true);

const removeRange = (name: string, type: "rank" | "score" | "lex") =>
  command({
    name,
    arity: 4,
    flags: ["write"],
    categories: ["write", "sortedset", "slow"],
    keys: [1, 1, 1],
    parse(a) {
      const key = a.next(), min = a.next(), max = a.next();
      // the range is parsed (and checked) before the key is looked up
      if (type === "rank") {
        const start = longArg(min), end = longArg(max);
        return { key, ranks: (z: SortedSetValue) => rankRanks(z.size, start, end) };
      }
      if (type === "score") {
        const r = parseScoreRange(min, max);
        return { key, ranks: (z: SortedSetValue) => scoreRanks(z.tree, r) };
      }
      const r = parseLexRange(min, max);
      return { key, ranks: (z: SortedSetValue) => lexRanks(z.tree, r) };
    },
    execute(cmd, ctx) {
      const z = getZSet(ctx, cmd.key);
      if (z === undefined) return ctx.reply.integer(0);
      const [from, to] = cmd.ranks(z);
      if (from > to) return ctx.reply.integer(0);
      z.deleteRanks(from, to);
      ctx.db.modifiedContainer(cmd.key, z, name);
      ctx.reply.integer(to - from + 1);
    },
  });

/** ZREMRANGEBYRANK key start stop / ZREMRANGEBYSCORE key min max / ZREMRANGEBYLEX key min max */
const zremrangebyrank = removeRange("zremrangebyrank", "rank");
const zremrangebyscore = removeRange("zremrangebyscore", "score");
const zremrangebylex = removeRange("zremrangebylex", "lex");

// Popping

/** Pops up to `count` entries from the low (min) or high end of `z`. */
export function popEntries(z: SortedSetValue, count: number, min: boolean) {
  const n = Math.min(count, z.size);
  const members: string[] = [], scores: number[] = [];
  if (n === 0) return { members, scores };
  const collect = (s: number, m: string) => {
    members.push(m);
    scores.push(s);
  };
  if (min) {
    z.tree.forEach(0, n - 1, collect);
    z.deleteRanks(0, n - 1);
  } else {
    z.tree.forEachReverse(z.size - 1, z.size - n, collect);
    z.deleteRanks(z.size - n, z.size - 1);
  }
  return { members, scores };
}

const POSITIVE = "ERR value is out of range, must be positive";

const pop = (name: string, min: boolean) =>
  command({
    name,
    arity: -2,
    flags: ["write", "fast"],
    categories: ["write", "sortedset", "fast"],
    keys: [1, 1, 1],
    parse(a) {
      const key = a.next();
      if (a.remaining > 1) throw new CommandError(SYNTAX_ERROR);
      if (!a.hasMore()) return { key, count: -1 };
      const count = parseInteger(a.next());
      if (count === null || count < 0) throw new CommandError(POSITIVE);
      return { key, count: Number(count) };
    },
    execute({ key, count }, ctx) {
      const z = getZSet(ctx, key);
      if (z === undefined || count === 0) return ctx.reply.array(0);
      const { members, scores } = popEntries(z, count === -1 ? 1 : count, min);
      const nested = ctx.reply.protocol === 3 && count !== -1;
      ctx.reply.array(nested ? members.length : members.length * 2);
      for (let i = 0; i < members.length; i++) {
        if (nested) ctx.reply.array(2);
        ctx.reply.bulk(members[i]);
        replyScore(ctx, scores[i]);
      }
      ctx.db.modifiedContainer(key, z, name);
    },
  });

/** ZPOPMIN key [count] / ZPOPMAX key [count] */
const zpopmin = pop("zpopmin", true);
const zpopmax = pop("zpopmax", false);

/** ZMPOP numkeys key [key ...] MIN|MAX [COUNT count] */
const zmpop = command({
  name: "zmpop",
  arity: -4,
  flags: ["write"],
  categories: ["write", "sortedset", "slow"],
  parse: parseZmpop,
  execute({ keys, min, count }, ctx) {
    for (const key of keys) {
      const z = getZSet(ctx, key);
      if (z === undefined) continue;
      replyMpop(ctx, key, z, min, count);
      return;
    }
    ctx.reply.nullArray();
  },
});

/**
 * Pops up to `count` entries of `z` (at `key`) and replies `[key, [[member, score] ...]]`,
 * signalling the pop (ZMPOP, and BZMPOP when it is served).
 */
export function replyMpop(
  ctx: CommandContext,
  key: string,
  z: SortedSetValue,
  min: boolean,
  count: number,
): void {
  const { members, scores } = popEntries(z, count, min);
  ctx.reply.array(2);
  ctx.reply.bulk(key);
  ctx.reply.array(members.length);
  for (let i = 0; i < members.length; i++) {
    ctx.reply.array(2);
    ctx.reply.bulk(members[i]);
    replyScore(ctx, scores[i]);
  }
  ctx.db.modifiedContainer(key, z, min ? "zpopmin" : "zpopmax");
}

/** ZMPOP's arguments after the command name: numkeys key [key ...] MIN|MAX [COUNT count]. */
export function parseZmpop(a: Args): { keys: string[]; min: boolean; count: number } {
  {
    const numkeys = parseInteger(a.next());
    if (numkeys === null || numkeys < 1) {
      throw new CommandError("ERR numkeys should be greater than 0");
    }
    if (BigInt(numkeys) >= BigInt(a.remaining)) {
      throw new CommandError(SYNTAX_ERROR);
    }
    const keys: string[] = [];
    for (let i = 0; i < numkeys; i++) keys.push(a.next());
    const where = a.nextOption();
    if (where !== "MIN" && where !== "MAX") throw new CommandError(SYNTAX_ERROR);
    let count = -1;
    while (a.hasMore()) {
      const opt = a.nextOption();
      if (count !== -1 || opt !== "COUNT" || !a.hasMore()) throw new CommandError(SYNTAX_ERROR);
      const n = parseInteger(a.next());
      if (n === null || n < 1) throw new CommandError("ERR count should be greater than 0");
      count = Number(n);
    }
    return { keys, min: where === "MIN", count: count === -1 ? 1 : count };
  }
}

/** ZRANDMEMBER key [count [WITHSCORES]] */
const zrandmember = command({
  name: "zrandmember",
  arity: -2,
  flags: ["readonly"],
  categories: ["read", "sortedset", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse(a) {
    const key = a.next();
    if (!a.hasMore()) return { key, count: null, withScores: false };
    const countText = a.next();
    let withScores = false;
    if (a.hasMore()) {
      if (a.remaining > 1 || a.next().toUpperCase() !== "WITHSCORES") {
        randomCount(countText, false);
        throw new CommandError(SYNTAX_ERROR);
      }
      withScores = true;
    }
    return { key, count: randomCount(countText, withScores), withScores };
  },
  execute({ key, count, withScores }, ctx) {
    const z = getZSet(ctx, key);
    if (count === null) {
      if (z === undefined) return ctx.reply.null();
      return ctx.reply.bulk(z.random()[0]);
    }
    if (z === undefined || count === 0) return ctx.reply.array(0);
    const members: string[] = [], scores: number[] = [];
    if (count < 0) {
      for (let i = 0; i < -count; i++) {
        const [m, s] = z.random();
        members.push(m);
        scores.push(s);
      }
    } else {
      for (const i of distinctPositions(z.size, count)) {
        const [s, m] = z.tree.entryAt(i);
        members.push(m);
        scores.push(s);
      }
    }
    replyEntries(ctx, members, scores, withScores);
  },
});

/** ZSCAN key cursor [MATCH pattern] [COUNT count] */
const zscan = command({
  name: "zscan",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "sortedset", "slow"],
  keys: [1, 1, 1],
  tips: ["nondeterministic_output"],
  parse: parseElementScan,
  execute({ key, cursor, rest }, ctx) {
    const z = getZSet(ctx, key);
    if (z === undefined) return replyEmptyScan(ctx.reply);
    const { count, pattern } = parseScanOptions(rest);
    const items: string[] = [];
    const format = z.encoding === "listpack" ? formatListpackScore : formatScore;
    const next = z.scan(cursor, count, (m, s) => items.push(m, format(s)));
    replyScan(ctx.reply, next, items, 2, pattern);
  },
});

export const zsetCommands = [
  zadd,
  zincrby,
  zrem,
  zcard,
  zscore,
  zmscore,
  zrank,
  zrevrank,
  zcount,
  zlexcount,
  zrange,
  zrangestore,
  zrevrange,
  zrangebyscore,
  zrevrangebyscore,
  zrangebylex,
  zrevrangebylex,
  zremrangebyrank,
  zremrangebyscore,
  zremrangebylex,
  zpopmin,
  zpopmax,
  zmpop,
  zrandmember,
  zscan,
];
