/**
 * COMMAND GETKEYS and GETKEYSANDFLAGS: the keys of a command line found as Redis 7.0 finds
 * them (getKeysFromCommandWithSpecs): by the command's key specifications — where the
 * keys begin (an index, or after a keyword) and how they run on (a range, or a count
 * given in the arguments) — read from redis-server itself into key_specs_data.ts, or,
 * for the commands whose specs Redis marks incomplete (SORT's STORE), by the command's
 * own rule, as Redis's getkeys_proc. Each key comes with its spec's flags (RO, RW, OW,
 * RM, access, update, insert, delete …).
 */

/** One key specification, as COMMAND INFO gives it (RESP3 maps made objects). */
export interface KeySpec {
  flags: string[];
  begin_search: {
    type: string;
    spec: { index?: number; keyword?: string; startfrom?: number };
  };
  find_keys: {
    type: string;
    spec: {
      lastkey?: number;
      keystep?: number;
      limit?: number;
      keynumidx?: number;
      firstkey?: number;
    };
  };
}

/** A key found, with its spec's flags. */
export interface FoundKey {
  key: string;
  flags: readonly string[];
}

/** Redis's string2ll on a count argument. */
function count(text: string): number | null {
  return /^(0|-?[1-9]\d*)$/.test(text) ? Number(text) : null;
}

/**
 * The keys of `argv` (command name first) by `specs`, or null when a spec does not apply
 * (a count out of range, a key past the end: Redis's invalid_spec), as getKeysUsingKeySpecs.
 */
export function keysBySpecs(specs: readonly KeySpec[], argv: readonly string[]): FoundKey[] | null {
  const argc = argv.length;
  const out: FoundKey[] = [];
  for (const spec of specs) {
    if (spec.flags.includes("incomplete")) return null;
    let first = 0;
    const begin = spec.begin_search;
    if (begin.type === "index") first = begin.spec.index!;
    else if (begin.type === "keyword") {
      const from = begin.spec.startfrom!;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      const keyword = begin.spec.keyword!.toLowerCase();
      for (let i = start;; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
        if (i === end) break;
      }
      if (first === 0) continue; // keyword not found: no keys from this spec
    } else continue; // "unknown": keys only the command itself can find (SORT's BY/GET)
    let last: number;
    let step: number;
    const find = spec.find_keys;
    if (find.type === "range") {
      step = find.spec.keystep!;
      const lastkey = find.spec.lastkey!;
      if (lastkey >= 0) last = first + lastkey;
      else if (!find.spec.limit) last = argc + lastkey;
      else last = first + (Math.trunc((argc - first) / find.spec.limit) + lastkey);
    } else if (find.type === "keynum") {
      step = find.spec.keystep!;
      const at = find.spec.keynumidx!;
      if (at >= argc - first) return null;
      const n = count(argv[first + at]);
      if (n === null || n < 0) return null;
      first += find.spec.firstkey!;
      last = first + n - 1;
    } else return null;
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) {
      if (i >= argc) continue;
      out.push({ key: argv[i], flags: spec.flags });
    }
  }
  return out;
}

/**
 * The commands Redis finds keys for with its own code rather than the specs (their specs
 * are incomplete, or their flags depend on the arguments): SORT, SET (GET reads the old
 * value), BITFIELD (read-only unless SET or INCRBY). Undefined for the others.
 */
export function ownRuleKeys(name: string, argv: readonly string[]): FoundKey[] | undefined {
  switch (name) {
    case "sort":
      return sortKeys(argv);
    case "set": {
      const get = argv.slice(3).some((a) => a.toLowerCase() === "get");
      return [{ key: argv[1], flags: get ? ["RW", "access", "update"] : ["OW", "update"] }];
    }
    case "bitfield":
      return [{
        key: argv[1],
        flags: bitfieldReadOnly(argv) ? ["RO", "access"] : ["RW", "access", "update"],
      }];
    default:
      return undefined;
  }
}

/** Redis's bitfieldGetKeys: only GET and OVERFLOW subcommands, all complete. */
function bitfieldReadOnly(argv: readonly string[]): boolean {
  for (let i = 2; i < argv.length; i++) {
    const rest = argv.length - i - 1;
    const op = argv[i].toLowerCase();
    if (op === "get" && rest >= 2) i += 2;
    else if (op === "overflow" && rest >= 1) i += 1;
    else return false; // SET, INCRBY, or a syntax error: assume it writes
  }
  return true;
}

/**
 * SORT's own rule (Redis's sortGetKeys): the sorted key, and the STORE destination, found
 * by walking the options (LIMIT takes two arguments, GET and BY one).
 */
function sortKeys(argv: readonly string[]): FoundKey[] {
  const out: FoundKey[] = [{ key: argv[1], flags: ["RO", "access"] }];
  let store: string | null = null;
  for (let i = 2; i < argv.length; i++) {
    const word = argv[i].toLowerCase();
    const skip = word === "limit"
      ? 2
      : word === "get" || word === "by"
      ? 1
      : word === "store"
      ? 1
      : 0;
    if (word === "store" && i + 1 < argv.length) store = argv[i + 1];
    if (i + skip < argv.length) i += skip;
    else break;
  }
  if (store !== null) out.push({ key: store, flags: ["OW", "update"] });
  return out;
}
