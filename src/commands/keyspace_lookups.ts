/**
 * INFO stats' keyspace_hits and keyspace_misses, counted as Redis 7.0 counts them: one per
 * key a command reads through lookupKeyRead (found: a hit; missing or expired: a miss),
 * none for the keys a write command looks up for writing (lookupKeyWrite). Which keys those
 * are follows from Redis's code, checked command by command against redis-server 7.0.15
 * (tests/info_test.ts):
 *
 * - a read-only command reads every key it names (GET, MGET, EXISTS, TYPE, TTL, OBJECT,
 *   SINTERCARD, LCS, …); XREAD and XREADGROUP look each stream up twice; MEMORY USAGE and
 *   the _RO script commands look nothing up themselves;
 * - a write command reads the keys its key specs mark RO (SUNIONSTORE's, ZUNIONSTORE's,
 *   BITOP's, SORT's and GEORADIUS's sources, COPY's source), and GETDEL, GETEX, GETSET,
 *   SET … GET, PFCOUNT and PFMERGE read all of theirs.
 *
 * The counting runs before the command (once its arguments parsed), as one `peek` per key:
 * Redis's lookup happens first in the command as well, and expires the key the same way.
 * A command's rule is worked out once and kept; GET's is a single peek.
 */

import type { CommandSpec } from "./command.ts";
import type { Database } from "../store/database.ts";
import { KEY_SPECS } from "./key_specs_data.ts";
import { keysBySpecs, ownRuleKeys } from "./key_specs.ts";

/** Where the hits and misses go (server/ServerStats). */
export interface LookupStats {
  keyspaceHits: number;
  keyspaceMisses: number;
}

/** Counts the lookups of one call; null when the command reads no key for reading. */
export type LookupCounter = (argv: readonly string[], db: Database, stats: LookupStats) => void;

/** Write commands whose every key is read through lookupKeyRead. */
const WRITES_READING_ALL = new Set(["getdel", "getex", "getset", "pfcount", "pfmerge"]);
/** Read-only commands that look their keys up without counting, or not at all. */
const READS_NOT_COUNTED = new Set(["memory|usage", "eval_ro", "evalsha_ro", "fcall_ro"]);
/** Commands that look each key up twice (the stream's last id, then the read). */
const LOOKED_UP_TWICE = new Set(["xread", "xreadgroup"]);

function count(db: Database, key: string, stats: LookupStats): void {
  if (db.peek(key) === undefined) stats.keyspaceMisses++;
  else stats.keyspaceHits++;
}

const singleKey: LookupCounter = (argv, db, stats) => count(db, argv[1], stats);

/** SET reads its key only with GET (getGenericCommand); checked without allocating. */
const setWithGet: LookupCounter = (argv, db, stats) => {
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    if (a.length === 3 && a.toLowerCase() === "get") return count(db, argv[1], stats);
  }
};

/** The rule for `spec` (uncached; `lookupCounter` keeps it). */
function ruleFor(spec: CommandSpec): LookupCounter | null {
  const name = spec.name;
  if (name === "set") return setWithGet;
  const specs = KEY_SPECS[name];
  if (specs === undefined || READS_NOT_COUNTED.has(name)) return null;
  const readOnly = spec.flags.includes("readonly");
  const all = readOnly || WRITES_READING_ALL.has(name);
  if (
    all && !LOOKED_UP_TWICE.has(name) && specs.length === 1 &&
    specs[0].begin_search.spec.index === 1 && specs[0].find_keys.spec.lastkey === 0 &&
    ownRuleKeys(name, [name, "k"]) === undefined
  ) {
    return singleKey; // GET, STRLEN, HGET, LRANGE, …
  }
  if (
    !all && !specs.some((s) => s.flags.includes("RO")) &&
    ownRuleKeys(name, [name, "k"]) === undefined
  ) {
    return null; // INCR, LPUSH, DEL, …
  }
  const times = LOOKED_UP_TWICE.has(name) ? 2 : 1;
  return (argv, db, stats) => {
    const keys = ownRuleKeys(name, argv) ?? keysBySpecs(specs, argv) ?? [];
    for (const k of keys) {
      if (!all && !k.flags.includes("RO")) continue;
      for (let i = 0; i < times; i++) count(db, k.key, stats);
    }
  };
}

const rules = new WeakMap<CommandSpec, LookupCounter | null>();
/** The last command's rule: a pipelined run of one command skips the map. */
let lastSpec: CommandSpec | null = null;
let lastRule: LookupCounter | null = null;

/** How a call of `spec` counts keyspace hits and misses (worked out once per command). */
export function lookupCounter(spec: CommandSpec): LookupCounter | null {
  if (spec === lastSpec) return lastRule;
  let rule = rules.get(spec);
  if (rule === undefined) {
    rule = ruleFor(spec);
    rules.set(spec, rule);
  }
  lastSpec = spec;
  lastRule = rule;
  return rule;
}
