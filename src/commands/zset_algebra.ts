/**
 * Sorted-set algebra: ZUNION ZINTER ZDIFF, ZUNIONSTORE ZINTERSTORE ZDIFFSTORE and
 * ZINTERCARD, as Redis 7.0's zunionInterDiffGenericCommand: inputs may be sorted sets or
 * plain sets (every member scoring 1), keys are looked up (WRONGTYPE) before the options
 * are read, WEIGHTS multiply scores (inf × 0 counts as 0), AGGREGATE SUM|MIN|MAX combines
 * them (inf + -inf counts as 0). Results are ordered by score, then member; a stored result
 * small enough becomes a listpack again, as Redis converts it.
 */

import { parseInteger } from "./args.ts";
import { command } from "./command.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from "./errors.ts";
import { scoreArg } from "./scores.ts";
import { replyEntries } from "./zsets.ts";
import { SortedSetValue } from "../store/types/zset.ts";
import type { SetValue } from "../store/types/set.ts";
import type { CommandContext } from "./context.ts";

type Op = "union" | "inter" | "diff";
type Aggregate = "sum" | "min" | "max";

/** One input: a sorted set, a set (scores 1) or nothing (a missing key), with its weight. */
interface Source {
  value: SortedSetValue | SetValue | undefined;
  weight: number;
}

function sizeOf(src: Source): number {
  return src.value?.size ?? 0;
}

/** Visits every member of a source with its (unweighted) score, in the source's order. */
function forEachEntry(src: Source, visit: (member: string, score: number) => void): void {
  const v = src.value;
  if (v === undefined || v.size === 0) return;
  if (v instanceof SortedSetValue) v.tree.forEach(0, v.size - 1, (s, m) => visit(m, s));
  else for (const m of v.members()) visit(m, 1);
}

/** The (unweighted) score of `member` in a source, or undefined. */
function find(src: Source, member: string): number | undefined {
  const v = src.value;
  if (v === undefined) return undefined;
  if (v instanceof SortedSetValue) return v.score(member);
  return v.has(member) ? 1 : undefined;
}

function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === "sum") {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === "min") return value < target ? value : target;
  return value > target ? value : target;
}

function weighted(score: number, weight: number): number {
  const s = score * weight;
  return Number.isNaN(s) ? 0 : s;
}

/** Members and scores of the result, before ordering. */
function compute(op: Op, sources: Source[], how: Aggregate, limit = 0): Map<string, number> {
  const out = new Map<string, number>();
  if (op === "diff") {
    const [first, ...others] = sources;
    if (first.value === undefined || others.some((o) => o.value === first.value)) return out;
    forEachEntry(first, (m, s) => {
      if (!others.some((o) => find(o, m) !== undefined)) out.set(m, s);
    });
    return out;
  }
  const sorted = sources.slice().sort((a, b) => sizeOf(a) - sizeOf(b));
  if (op === "union") {
    for (const src of sorted) {
      forEachEntry(src, (m, s) => {
        const score = weighted(s, src.weight);
        const prev = out.get(m);
        out.set(m, prev === undefined ? score : aggregate(prev, score, how));
      });
    }
    return out;
  }
  const [first, ...others] = sorted;
  if (sizeOf(first) === 0) return out;
  try {
    forEachEntry(first, (m, s) => {
      let score = weighted(s, first.weight);
      for (const o of others) {
        const found = o.value === first.value ? s : find(o, m);
        if (found === undefined) return;
        score = aggregate(score, found * o.weight, how);
      }
      out.set(m, score);
      if (out.size === limit) throw STOP;
    });
  } catch (e: unknown) {
    if (e !== STOP) throw e;
  }
  return out;
}

const STOP = new Error("limit reached");

interface AlgebraCmd {
  name: string;
  dst: string | null;
  keys: string[];
  /** Arguments after the keys: WEIGHTS, AGGREGATE, WITHSCORES, LIMIT. */
  options: string[];
}

/** `numkeys key [key ...] options...` starting at argument `at`. */
function parseKeys(name: string, argv: readonly string[], at: number, dst: string | null) {
  const n = parseInteger(argv[at]);
  if (n === null) throw new CommandError(NOT_INTEGER);
  if (n < 1) {
    throw new CommandError(`ERR at least 1 input key is needed for '${name}' command`);
  }
  if (n > argv.length - at - 1) throw new CommandError(SYNTAX_ERROR);
  const count = Number(n);
  return {
    name,
    dst,
    keys: argv.slice(at + 1, at + 1 + count),
    options: argv.slice(at + 1 + count),
  };
}

/** The inputs at `keys`: sorted sets or sets; WRONGTYPE for any other type. */
function sourcesAt(ctx: CommandContext, keys: readonly string[]): Source[] {
  return keys.map((key) => {
    const v = ctx.db.get(key);
    if (v === undefined) return { value: undefined, weight: 1 };
    if (typeof v !== "string" && (v.kind === "zset" || v.kind === "set")) {
      return { value: v, weight: 1 };
    }
    throw new CommandError(WRONGTYPE);
  });
}

function parseOptions(cmd: AlgebraCmd, op: Op, sources: Source[], cardinality: boolean) {
  let how: Aggregate = "sum", withScores = false, limit = 0;
  const opts = cmd.options;
  for (let j = 0; j < opts.length;) {
    const opt = opts[j].toLowerCase();
    const remaining = opts.length - j;
    if (op !== "diff" && !cardinality && remaining >= sources.length + 1 && opt === "weights") {
      j++;
      for (const src of sources) {
        src.weight = scoreArg(opts[j++], "ERR weight value is not a float");
      }
    } else if (op !== "diff" && !cardinality && remaining >= 2 && opt === "aggregate") {
      const value = opts[j + 1].toLowerCase();
      if (value !== "sum" && value !== "min" && value !== "max") {
        throw new CommandError(SYNTAX_ERROR);
      }
      how = value;
      j += 2;
    } else if (cmd.dst === null && !cardinality && opt === "withscores") {
      withScores = true;
      j++;
    } else if (cardinality && remaining >= 2 && opt === "limit") {
      const n = parseInteger(opts[j + 1]);
      if (n === null || n < 0) throw new CommandError("ERR LIMIT can't be negative");
      limit = Number(n);
      j += 2;
    } else throw new CommandError(SYNTAX_ERROR);
  }
  return { how, withScores, limit };
}

/** The result as a sorted set (score order, then member). */
function toSortedSet(result: Map<string, number>): SortedSetValue {
  const z = new SortedSetValue(0, { ...DEFAULT_BIG });
  for (const [m, s] of result) z.set(m, s);
  return z;
}

/** Limits that keep a scratch set in its large form: it is converted (or not) at the end. */
const DEFAULT_BIG = {
  hashMaxListpackEntries: 0,
  hashMaxListpackValue: 0,
  setMaxIntsetEntries: 0,
  zsetMaxListpackEntries: 0,
  zsetMaxListpackValue: 0,
};

const algebra = (name: string, op: Op) =>
  command({
    name,
    arity: -3,
    flags: ["readonly"],
    categories: ["read", "sortedset", "slow"],
    parse: (a) => parseKeys(name, a.argv, 1, null),
    execute(cmd, ctx) {
      const sources = sourcesAt(ctx, cmd.keys);
      const { how, withScores } = parseOptions(cmd, op, sources, false);
      const z = toSortedSet(compute(op, sources, how));
      const members: string[] = [], scores: number[] = [];
      if (z.size > 0) {
        z.tree.forEach(0, z.size - 1, (s, m) => {
          members.push(m);
          scores.push(s);
        });
      }
      replyEntries(ctx, members, scores, withScores);
    },
  });

/** ZUNION numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] */
const zunion = algebra("zunion", "union");
/** ZINTER numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES] */
const zinter = algebra("zinter", "inter");
/** ZDIFF numkeys key [key ...] [WITHSCORES] */
const zdiff = algebra("zdiff", "diff");

const algebraStore = (name: string, op: Op) =>
  command({
    name,
    arity: -4,
    flags: ["write", "denyoom"],
    categories: ["write", "sortedset", "slow"],
    parse: (a) => parseKeys(name, a.argv, 2, a.argv[1]),
    execute(cmd, ctx) {
      const sources = sourcesAt(ctx, cmd.keys);
      const { how } = parseOptions(cmd, op, sources, false);
      const z = toSortedSet(compute(op, sources, how));
      const dst = cmd.dst!;
      if (z.size === 0) {
        if (ctx.db.delete(dst)) ctx.db.modified(dst, "del");
        return ctx.reply.integer(0);
      }
      z.convertToListpackIfSmall(ctx.server.config);
      ctx.db.set(dst, z);
      ctx.db.modified(dst, name);
      ctx.reply.integer(z.size);
    },
  });

/** ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] */
const zunionstore = algebraStore("zunionstore", "union");
/** ZINTERSTORE destination numkeys key [key ...] [WEIGHTS w ...] [AGGREGATE SUM|MIN|MAX] */
const zinterstore = algebraStore("zinterstore", "inter");
/** ZDIFFSTORE destination numkeys key [key ...] */
const zdiffstore = algebraStore("zdiffstore", "diff");

/** ZINTERCARD numkeys key [key ...] [LIMIT limit] */
const zintercard = command({
  name: "zintercard",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "sortedset", "slow"],
  parse: (a) => parseKeys("zintercard", a.argv, 1, null),
  execute(cmd, ctx) {
    const sources = sourcesAt(ctx, cmd.keys);
    const { limit } = parseOptions(cmd, "inter", sources, true);
    ctx.reply.integer(compute("inter", sources, "sum", limit).size);
  },
});

export const zsetAlgebraCommands = [
  zunion,
  zinter,
  zdiff,
  zunionstore,
  zinterstore,
  zdiffstore,
  zintercard,
];
