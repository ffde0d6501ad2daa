/**
 * SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC] [ALPHA]
 * [STORE destination], and SORT_RO (the same without STORE), following Redis 7.0's
 * sort.c step for step, because its details are visible to clients:
 *
 * - numeric weights are read by C's strtod (store/c_strtod.ts); equal numbers order by the
 *   elements' bytes; ALPHA compares as strcoll in the C locale (up to a NUL byte), or
 *   byte-wise when storing;
 * - a BY pattern without `*` means "don't sort": lists and sorted sets keep their order
 *   (LIMIT and DESC read a range of it), a set is sorted ALPHA when STOREd;
 * - BY with a LIMIT that is not the whole result uses Redis's partial quicksort
 *   (store/partial_sort.ts), which is not stable: ALPHA ties order exactly as in Redis;
 *   otherwise the sort is stable, as glibc's qsort (a merge sort) is.
 */

import { parseInteger } from "./args.ts";
import { command, type CommandSpec } from "./command.ts";
import type { CommandContext } from "./context.ts";
import { CommandError, NOT_INTEGER, SYNTAX_ERROR, WRONGTYPE } from "./errors.ts";
import { sortWeight } from "../store/c_strtod.ts";
import { partialSort } from "../store/partial_sort.ts";
import type { Database } from "../store/database.ts";
import { HashType } from "../store/types/hash.ts";
import { ListType, ListValue } from "../store/types/list.ts";
import { SetType } from "../store/types/set.ts";
import { StringType } from "../store/types/string.ts";
import { ZSetType } from "../store/types/zset.ts";
import type { Value } from "../store/values.ts";

interface SortOptions {
  key: string;
  desc: boolean;
  alpha: boolean;
  /** The LIMIT offset and count as given (count -1: none). */
  offset: number;
  count: number;
  by: string | null;
  gets: string[];
  store: string | null;
  /**
   * The first option that reads keys by pattern (BY with `*`, GET), which only a user with
   * access to every key may give; null when none.
   */
  pattern: "BY" | "GET" | null;
  /** An error in the options after `pattern`: Redis reports the ACL refusal first. */
  deferred: CommandError | null;
  /** The whole request, for the ACL check. */
  argv: readonly string[];
}

/** Redis's `long` for LIMIT, as a double (clamped to the input's size anyway). */
function limitArg(text: string): number {
  const v = parseInteger(text);
  if (v === null) throw new CommandError(NOT_INTEGER);
  return Number(v);
}

function parseSort(argv: readonly string[], readOnly: boolean): SortOptions {
  const o: SortOptions = {
    key: argv[0],
    desc: false,
    alpha: false,
    offset: 0,
    count: -1,
    by: null,
    gets: [],
    store: null,
    pattern: null,
    deferred: null,
    argv,
  };
  try {
    parseOptions(argv, readOnly, o);
  } catch (e: unknown) {
    if (!(e instanceof CommandError) || o.pattern === null) throw e;
    o.deferred = e;
  }
  return o;
}

function parseOptions(argv: readonly string[], readOnly: boolean, o: SortOptions): void {
  for (let j = 1; j < argv.length; j++) {
    const opt = argv[j].toLowerCase();
    const left = argv.length - j - 1;
    if (opt === "asc") o.desc = false;
    else if (opt === "desc") o.desc = true;
    else if (opt === "alpha") o.alpha = true;
    else if (opt === "limit" && left >= 2) {
      o.offset = limitArg(argv[++j]);
      o.count = limitArg(argv[++j]);
    } else if (!readOnly && opt === "store" && left >= 1) o.store = argv[++j];
    else if (opt === "by" && left >= 1) {
      o.by = argv[++j];
      if (o.by.includes("*")) o.pattern ??= "BY";
    } else if (opt === "get" && left >= 1) {
      o.gets.push(argv[++j]);
      o.pattern ??= "GET";
    } else throw new CommandError(SYNTAX_ERROR);
  }
}

/**
 * BY and GET patterns read keys no key spec names, so Redis allows them only to a user
 * with access to every key (sortCommandGeneric); then the options' own errors.
 */
function checkOptions(o: SortOptions, ctx: CommandContext, spec: CommandSpec<SortOptions>): void {
  const user = ctx.client.user;
  if (o.pattern !== null && !user.hasFullKeyAccess(spec, [spec.name, ...o.argv])) {
    throw new CommandError(
      `ERR ${o.pattern} option of SORT denied due to insufficient ACL permissions.`,
    );
  }
  if (o.deferred !== null) throw o.deferred;
}

/**
 * Redis's lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is
 * replaced by the element and the string key read, or with `->field` (a non-empty field
 * after the `*`) that field of the hash key. Null when there is no `*` or no such value.
 */
function patternValue(db: Database, pattern: string, element: string): string | null {
  if (pattern === "#") return element;
  const star = pattern.indexOf("*");
  if (star < 0) return null;
  const arrow = pattern.indexOf("->", star + 1);
  const hasField = arrow >= 0 && arrow + 2 < pattern.length;
  const key = pattern.slice(0, star) + element +
    pattern.slice(star + 1, hasField ? arrow : pattern.length);
  const v = db.get(key);
  if (v === undefined) return null;
  if (hasField) return hashField(v, pattern.slice(arrow + 2));
  return StringType.is(v) ? v : null;
}

/** A hash's field, null for anything else. */
function hashField(v: Value, field: string): string | null {
  return HashType.is(v) ? v.get(field) ?? null : null;
}

/** C's strcmp on byte strings: bytes as unsigned, each string ending at its first NUL. */
function strcmp(a: string, b: string): number {
  for (let i = 0;; i++) {
    const x = i < a.length ? a.charCodeAt(i) : 0, y = i < b.length ? b.charCodeAt(i) : 0;
    if (x !== y) return x - y;
    if (x === 0) return 0;
  }
}

/** Redis's compareStringObjects: memcmp over the common length, then the lengths. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Item {
  element: string;
  score: number;
  /** The ALPHA weight read through BY; null when missing. */
  weight: string | null;
}

/** The elements to sort, and the output range once read from an unsorted source. */
function loadItems(
  value: Value | undefined,
  o: SortOptions,
  dontSort: boolean,
  range: { start: number; end: number },
): Item[] {
  const item = (element: string): Item => ({ element, score: 0, weight: null });
  if (value === undefined) return [];
  if (ListType.is(value)) {
    if (!dontSort) return [...value].map(item);
    // No sorting: read the wanted range straight from the list, from the end for DESC.
    const out: Item[] = [];
    const n = value.length;
    for (let i = range.start; i <= range.end; i++) {
      out.push(item(value.at(o.desc ? n - 1 - i : i)!));
    }
    range.end -= range.start;
    range.start = 0;
    return out;
  }
  if (SetType.is(value)) return value.members().map(item);
  if (ZSetType.is(value)) {
    const n = value.size;
    if (!dontSort) {
      const out: Item[] = [];
      if (n > 0) value.tree.forEach(0, n - 1, (_, m) => out.push(item(m)));
      return out;
    }
    // As for lists: the wanted range by rank, from the highest score for DESC.
    const out: Item[] = [];
    if (range.end >= range.start) {
      const visit = (_: number, m: string) => out.push(item(m));
      if (o.desc) value.tree.forEachReverse(n - 1 - range.start, n - 1 - range.end, visit);
      else value.tree.forEach(range.start, range.end, visit);
    }
    range.end -= range.start;
    range.start = 0;
    return out;
  }
  throw new CommandError(WRONGTYPE);
}

/** The number of elements SORT sees in `value` (WRONGTYPE for what it cannot sort). */
function sizeOf(value: Value | undefined): number {
  if (value === undefined) return 0;
  if (ListType.is(value)) return value.length;
  if (SetType.is(value) || ZSetType.is(value)) return value.size;
  throw new CommandError(WRONGTYPE);
}

function runSort(o: SortOptions, ctx: CommandContext): void {
  const db = ctx.db;
  const value = db.get(o.key);
  const size = sizeOf(value);
  let { alpha, by } = o;
  let dontSort = by !== null && !by.includes("*");
  // A set has no order of its own: unsorted output that is stored is sorted ALPHA, as Redis
  // does so that replicas get the same list.
  if (dontSort && value !== undefined && SetType.is(value) && o.store !== null) {
    dontSort = false;
    alpha = true;
    by = null;
  }

  // LIMIT clamped as Redis does: start within the input, count -1 for "to the end".
  let start = Math.min(Math.max(o.offset, 0), size);
  const count = Math.min(Math.max(o.count, -1), size);
  let end = count < 0 ? size - 1 : start + count - 1;
  if (start >= size) {
    start = size - 1;
    end = size - 2;
  }
  if (end >= size) end = size - 1;
  const range = { start, end };
  const items = loadItems(value, o, dontSort, range);
  ({ start, end } = range);

  let notANumber = false;
  if (!dontSort) {
    for (const it of items) {
      const w = by === null ? it.element : patternValue(db, by, it.element);
      if (w === null) continue;
      if (alpha) {
        if (by !== null) it.weight = w;
      } else {
        const score = sortWeight(w);
        if (score === null) notANumber = true;
        else it.score = score;
      }
    }
    const storing = o.store !== null;
    const sign = o.desc ? -1 : 1;
    let cmp: (a: Item, b: Item) => number;
    if (!alpha) {
      cmp = (a, b) =>
        sign *
        (a.score > b.score ? 1 : a.score < b.score ? -1 : compareBytes(a.element, b.element));
    } else if (by !== null) {
      const text = storing ? compareBytes : strcmp;
      cmp = (a, b) =>
        sign *
        (a.weight === null || b.weight === null
          ? (a.weight === b.weight ? 0 : a.weight === null ? -1 : 1)
          : text(a.weight, b.weight));
    } else {
      const text = storing ? compareBytes : strcmp;
      cmp = (a, b) => sign * text(a.element, b.element);
    }
    if (by !== null && (start !== 0 || end !== items.length - 1)) {
      partialSort(items, cmp, start, end);
    } else items.sort(cmp);
  }
  if (notANumber) throw new CommandError("ERR One or more scores can't be converted into double");

  const gets = o.gets;
  const outputLength = (gets.length || 1) * Math.max(0, end - start + 1);
  if (o.store === null) {
    const r = ctx.reply;
    r.array(outputLength);
    for (let j = start; j <= end; j++) {
      if (gets.length === 0) r.bulk(items[j].element);
      for (const g of gets) r.bulkOrNull(patternValue(db, g, items[j].element));
    }
    return;
  }
  const stored = new ListValue();
  for (let j = start; j <= end; j++) {
    if (gets.length === 0) stored.pushBack(items[j].element);
    for (const g of gets) stored.pushBack(patternValue(db, g, items[j].element) ?? "");
  }
  if (outputLength > 0) {
    db.set(o.store, stored);
    db.modified(o.store, "sortstore");
  } else if (db.delete(o.store)) db.modified(o.store, "del");
  ctx.reply.integer(outputLength);
}

const sortCommand = (name: string, readOnly: boolean): CommandSpec<SortOptions> => {
  const spec: CommandSpec<SortOptions> = command({
    name,
    arity: -2,
    flags: readOnly ? ["readonly", "movablekeys"] : ["write", "denyoom", "movablekeys"],
    categories: [readOnly ? "read" : "write", "set", "sortedset", "list", "slow", "dangerous"],
    keys: [1, 1, 1],
    keySpecFlags: ["RO", "access"],
    parse: (a) => parseSort(a.rest(), readOnly),
    execute(o, ctx) {
      checkOptions(o, ctx, spec);
      runSort(o, ctx);
    },
  });
  return spec;
};

export const sortCommands = [sortCommand("sort", false), sortCommand("sort_ro", true)];
