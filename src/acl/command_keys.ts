/**
 * The keys a command's arguments name, and how the command uses each (read, write), as
 * Redis 7.0's getKeysFromCommandWithSpecs finds them for the ACL check: the command's key
 * specs (key_specs_data.ts, generated from Redis's own table) walked as getKeysUsingKeySpecs
 * walks them, and for the few commands whose specs cannot say (SET and BITFIELD, whose
 * access depends on their options; SORT, whose STORE may appear anywhere) the small
 * procedures Redis falls back to.
 *
 * A spec that does not fit the arguments (a numkeys that is not a number, a range past the
 * end) gives no keys at all, as in Redis: the command then fails on its own syntax error.
 */

import type { CommandSpec } from "../commands/command.ts";
import { KEY_SPECS, type RawKeySpec } from "./key_specs_data.ts";

/** The key needs read access (`%R~`). */
export const KEY_READ = 1;
/** The key needs write access (`%W~`). */
export const KEY_WRITE = 2;

/** One key argument: its index in argv and the permissions it needs. */
export interface KeyUse {
  pos: number;
  access: number;
}

interface CompiledSpec {
  access: number;
  begin: { index: number } | { keyword: string; startfrom: number } | null;
  find:
    | { kind: "range"; lastkey: number; keystep: number; limit: number }
    | { kind: "keynum"; keynumidx: number; firstkey: number; keystep: number }
    | null;
}

type KeyFinder = (argv: readonly string[]) => KeyUse[];

/**
 * How to find a command's keys: `range` for the common single spec "key at index, then a
 * range" (walked in place, without allocating), else `find`.
 */
export interface KeyPlan {
  readonly range: {
    readonly first: number;
    readonly lastkey: number;
    readonly keystep: number;
    readonly limit: number;
    readonly access: number;
  } | null;
  readonly find: KeyFinder;
}

const NONE: KeyFinder = () => [];

/** The plan for `spec`'s keys; null for a command without keys (doesCommandHaveKeys). */
export function keyPlan(spec: CommandSpec): KeyPlan | null {
  const special = SPECIAL[spec.name];
  if (special !== undefined) return { range: null, find: special };
  const raw = KEY_SPECS[spec.name];
  if (raw === undefined) return null;
  const specs = raw.filter((s) => !s[0].includes("not_key")).map(compileSpec);
  const only = specs.length === 1 ? specs[0] : null;
  const range = only !== null && only.begin !== null && "index" in only.begin &&
      only.find?.kind === "range"
    ? {
      first: only.begin.index,
      lastkey: only.find.lastkey,
      keystep: only.find.keystep,
      limit: only.find.limit,
      access: only.access,
    }
    : null;
  return { range, find: specs.length === 0 ? NONE : (argv) => fromSpecs(specs, argv) ?? [] };
}

/**
 * The last key index of a `range` plan for `argc` arguments, or -1 when the spec does not
 * fit them (no keys, as getKeysUsingKeySpecs's invalid spec).
 */
export function rangeLast(range: NonNullable<KeyPlan["range"]>, argc: number): number {
  const first = range.first;
  let last: number;
  if (range.lastkey >= 0) last = first + range.lastkey;
  else if (range.limit === 0) last = argc + range.lastkey;
  else last = first + (Math.trunc((argc - first) / range.limit) + range.lastkey);
  return last >= argc || last < first || first >= argc ? -1 : last;
}

/** The keys of `argv` for `spec` with the access each needs (none for keyless commands). */
export function keyUses(spec: CommandSpec, argv: readonly string[]): KeyUse[] {
  const plan = keyPlan(spec);
  if (plan === null) return [];
  const range = plan.range;
  if (range === null) return plan.find(argv);
  const out: KeyUse[] = [];
  const last = rangeLast(range, argv.length);
  if (last < 0) return out;
  for (let i = range.first; i <= last; i += range.keystep) {
    out.push({ pos: i, access: range.access });
  }
  return out;
}

/** ACL permissions for a key spec's flags, as ACLSelectorCheckKey reads them. */
function accessOf(flags: readonly string[]): number {
  let access = 0;
  if (flags.includes("access")) access |= KEY_READ;
  if (flags.includes("insert") || flags.includes("delete") || flags.includes("update")) {
    access |= KEY_WRITE;
  }
  return access;
}

function compileSpec([flags, begin, find]: RawKeySpec): CompiledSpec {
  return {
    access: accessOf(flags),
    begin: begin[0] === "index"
      ? { index: begin[1] as number }
      : begin[0] === "keyword"
      ? { keyword: (begin[1] as string).toLowerCase(), startfrom: begin[2] as number }
      : null,
    find: find[0] === "range"
      ? {
        kind: "range",
        lastkey: find[1] as number,
        keystep: find[2] as number,
        limit: find[3] as number,
      }
      : find[0] === "keynum"
      ? {
        kind: "keynum",
        keynumidx: find[1] as number,
        firstkey: find[2] as number,
        keystep: find[3] as number,
      }
      : null,
  };
}

/** Redis's getKeysUsingKeySpecs; null where a spec does not fit (an "invalid spec"). */
function fromSpecs(specs: readonly CompiledSpec[], argv: readonly string[]): KeyUse[] | null {
  const argc = argv.length;
  const out: KeyUse[] = [];
  for (const spec of specs) {
    if (spec.begin === null || spec.find === null) return null;
    let first = 0;
    if ("index" in spec.begin) {
      first = spec.begin.index;
    } else {
      const { keyword, startfrom } = spec.begin;
      const start = startfrom > 0 ? startfrom : argc + startfrom;
      const end = startfrom > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (argv[i].length === keyword.length && argv[i].toLowerCase() === keyword) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue;
    }
    let last: number;
    let step: number;
    const find = spec.find;
    if (find.kind === "range") {
      step = find.keystep;
      if (find.lastkey >= 0) last = first + find.lastkey;
      else if (find.limit === 0) last = argc + find.lastkey;
      else last = first + (Math.trunc((argc - first) / find.limit) + find.lastkey);
    } else {
      step = find.keystep;
      if (find.keynumidx >= argc || first + find.keynumidx >= argc) return null;
      const text = argv[first + find.keynumidx];
      if (!/^(0|-?[1-9][0-9]{0,18})$/.test(text)) return null;
      const numkeys = Number(text);
      if (numkeys < 0) return null;
      first += find.firstkey;
      last = first + numkeys - 1;
    }
    if (last >= argc || last < first || first >= argc) return null;
    for (let i = first; i <= last; i += step) out.push({ pos: i, access: spec.access });
  }
  return out;
}

const RO_ACCESS = KEY_READ;
const RW_UPDATE = KEY_READ | KEY_WRITE;
const OW_UPDATE = KEY_WRITE;

/** The getkeys procedures Redis uses where the specs cannot say (db.c). */
const SPECIAL: Record<string, KeyFinder> = {
  // setGetKeys: GET makes SET read the key too.
  set(argv) {
    for (let i = 3; i < argv.length; i++) {
      if (argv[i].length === 3 && argv[i].toLowerCase() === "get") {
        return [{ pos: 1, access: RW_UPDATE }];
      }
    }
    return [{ pos: 1, access: OW_UPDATE }];
  },
  // bitfieldGetKeys: only GETs (and OVERFLOW) make it a read.
  bitfield(argv) {
    let readonly = true;
    for (let i = 2; i < argv.length; i++) {
      const rem = argv.length - i - 1;
      const arg = argv[i].toLowerCase();
      if (arg === "get" && rem >= 2) i += 2;
      else if ((arg === "set" || arg === "incrby") && rem >= 3) {
        readonly = false;
        break;
      } else if (arg === "overflow" && rem >= 1) i += 1;
      else {
        readonly = false;
        break;
      }
    }
    return [{ pos: 1, access: readonly ? RO_ACCESS : RW_UPDATE }];
  },
  // sortGetKeys: the sorted key, and the last STORE's destination.
  sort(argv) {
    const out: KeyUse[] = [{ pos: 1, access: RO_ACCESS }];
    let store: KeyUse | null = null;
    for (let i = 2; i < argv.length; i++) {
      const arg = argv[i].toLowerCase();
      if (arg === "limit") i += 2;
      else if (arg === "get" || arg === "by") i += 1;
      else if (arg === "store" && i + 1 < argv.length) store = { pos: i + 1, access: OW_UPDATE };
    }
    if (store !== null) out.push(store);
    return out;
  },
  sort_ro: () => [{ pos: 1, access: RO_ACCESS }],
};
