/**
 * An ACL user and its selectors, as Redis 7.0's acl.c models them: rules are applied one
 * at a time (`AclUser.apply`, Redis's ACLSetUser, and `Selector.apply`, ACLSetSelector),
 * a user is described back in the rule language (ACL LIST, ACL SAVE) and as GETUSER's map,
 * and a selector decides whether a command may run (`Selector.check`).
 *
 * A user has a root selector (the rules outside parentheses) and any number of extra
 * selectors `(...)`; a command runs when one of them allows its name, every key it names
 * (with the read/write access the key spec says, command_keys.ts) and every channel.
 *
 * Commands are tracked as a set of command specs (Redis: a bitmap of command ids), plus
 * the "future commands" bit only `+@all` / `allcommands` set, which decides whether a
 * description starts from `+@all` or `-@all`. Rule errors carry Redis's texts (its errno
 * cases in ACLSetUserStringError).
 */

import { createHash } from "node:crypto";
import type { CommandSpec } from "../commands/command.ts";
import { allCommands, lookupCommand } from "../commands/command_table.ts";
import { stringToBytes } from "../protocol/latin1.ts";
import { globMatch } from "../store/glob.ts";
import {
  KEY_READ,
  KEY_WRITE,
  type KeyPlan,
  keyPlan,
  type KeyUse,
  rangeLast,
} from "./command_keys.ts";

/** Redis 7.0's ACL categories, in its order (ACL CAT). */
export const ACL_CATEGORIES: readonly string[] = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

/** Why a check failed; the numbers are Redis's, which picks the highest to report. */
export const ACL_OK = 0;
export const DENIED_CMD = 1;
export const DENIED_KEY = 2;
export const DENIED_AUTH = 3;
export const DENIED_CHANNEL = 4;

/** A rule Redis would refuse, with the reason ACLSetUserStringError gives. */
export class AclRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AclRuleError";
  }
}

const UNKNOWN_COMMAND = "Unknown command or category name in ACL";
const SYNTAX = "Syntax error";
const AFTER_ALLKEYS = "Adding a pattern after the * pattern (or the 'allkeys' flag) is not " +
  "valid and does not have any effect. Try 'resetkeys' to start with an empty list of patterns";
const AFTER_ALLCHANNELS = "Adding a pattern after the * pattern (or the 'allchannels' flag) is " +
  "not valid and does not have any effect. Try 'resetchannels' to start with an empty list " +
  "of channels";
const NO_SUCH_PASSWORD = "The password you are trying to remove from the user does not exist";
const BAD_HASH = "The password hash must be exactly 64 characters and contain only lowercase " +
  "hexadecimal characters";
const FIRSTARG_OF_SUB = "Allowing first-arg of a subcommand is not supported";

/** SHA-256 of a byte string, as lowercase hex (how passwords are kept). */
export function hashPassword(byteString: string): string {
  return createHash("sha256").update(stringToBytes(byteString)).digest("hex");
}

function isHash(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}

/** Whether a name or pattern has a space or NUL (Redis's ACLStringHasSpaces). */
export function hasSpaces(s: string): boolean {
  return /[\s\0\v]/.test(s);
}

/** ACL's view of a command name: the command table by full name (`config|get`). */
function aclLookup(name: string): CommandSpec | undefined {
  const parts = name.split("|");
  if (parts.length > 2) return undefined;
  const base = lookupCommand(parts[0]);
  if (base === undefined || parts.length === 1) return base;
  return base.subcommands?.get(parts[1].toLowerCase());
}

function isSub(spec: CommandSpec): boolean {
  return spec.name.includes("|");
}

/** Calls `f` on every command and subcommand (a parent before its subcommands). */
function forEachCommand(f: (spec: CommandSpec) => void): void {
  for (const cmd of allCommands) {
    f(cmd);
    for (const sub of cmd.subcommands?.values() ?? []) f(sub);
  }
}

/** A key pattern and the access it grants (KEY_READ | KEY_WRITE). */
export interface KeyPattern {
  pattern: string;
  access: number;
  /** `user:*`: the pattern is this prefix and one final `*` (matched with startsWith). */
  prefix: string | null;
  /** The pattern has no special character: it matches itself only. */
  literal: boolean;
}

const GLOB_SPECIAL = /[*?[\\]/;

function keyPattern(pattern: string, access: number): KeyPattern {
  const body = pattern.slice(0, -1);
  const prefix = pattern.endsWith("*") && !GLOB_SPECIAL.test(body) ? body : null;
  return { pattern, access, prefix, literal: !GLOB_SPECIAL.test(pattern) };
}

/** What the check needs of a command, worked out once per command. */
interface CommandAcl {
  noAuth: boolean;
  keys: KeyPlan | null;
  /** Channel arguments: 0 none, 1 the first (PUBLISH), 2 all (SUBSCRIBE), 3 all, literally. */
  channels: 0 | 1 | 2 | 3;
}

const commandAcls = new Map<CommandSpec, CommandAcl>();

function commandAcl(spec: CommandSpec): CommandAcl {
  let info = commandAcls.get(spec);
  if (info === undefined) {
    const n = spec.name;
    info = {
      noAuth: spec.flags.includes("no_auth"),
      keys: keyPlan(spec),
      channels: n === "publish" || n === "spublish"
        ? 1
        : n === "subscribe" || n === "ssubscribe"
        ? 2
        : n === "psubscribe"
        ? 3
        : 0,
    };
    commandAcls.set(spec, info);
  }
  return info;
}

const OK_RESULT: CheckResult = Object.freeze({ code: ACL_OK, pos: 0 });

function patternText(p: KeyPattern): string {
  const prefix = p.access === (KEY_READ | KEY_WRITE) ? "~" : p.access === KEY_READ ? "%R~" : "%W~";
  return prefix + p.pattern;
}

/** One set of permissions: commands, key patterns, channel patterns. */
export class Selector {
  allKeys = false;
  allChannels = false;
  allCommands = false;
  /** The bit only +@all sets: a description then starts from +@all. */
  future = false;
  allowed = new Set<CommandSpec>();
  /** `+select|0`: first arguments allowed for an otherwise denied command. */
  firstArgs: Map<CommandSpec, string[]> | null = null;
  keys: KeyPattern[] = [];
  channels: string[] = [];

  constructor(readonly root: boolean) {}

  copy(): Selector {
    const s = new Selector(this.root);
    s.allKeys = this.allKeys;
    s.allChannels = this.allChannels;
    s.allCommands = this.allCommands;
    s.future = this.future;
    s.allowed = new Set(this.allowed);
    if (this.firstArgs !== null) {
      s.firstArgs = new Map([...this.firstArgs].map(([k, v]) => [k, [...v]]));
    }
    s.keys = this.keys.map((k) => ({ ...k }));
    s.channels = [...this.channels];
    return s;
  }

  #setBit(spec: CommandSpec, allow: boolean): void {
    if (allow) this.allowed.add(spec);
    else {
      this.allowed.delete(spec);
      this.allCommands = false;
    }
  }

  /** ACLChangeSelectorPerm: a command, and a container's subcommands with it. */
  changePerm(spec: CommandSpec, allow: boolean): void {
    this.#setBit(spec, allow);
    this.firstArgs?.delete(spec);
    for (const sub of spec.subcommands?.values() ?? []) this.#setBit(sub, allow);
  }

  #setCategory(category: string, allow: boolean): void {
    forEachCommand((spec) => {
      if (spec.categories.includes(category)) this.changePerm(spec, allow);
    });
  }

  /** Applies one selector rule (ACLSetSelector); throws `AclRuleError`. */
  apply(op: string): void {
    const lower = op.toLowerCase();
    if (lower === "allkeys" || op === "~*") {
      this.allKeys = true;
      this.keys = [];
    } else if (lower === "resetkeys") {
      this.allKeys = false;
      this.keys = [];
    } else if (lower === "allchannels" || op === "&*") {
      this.allChannels = true;
      this.channels = [];
    } else if (lower === "resetchannels") {
      this.allChannels = false;
      this.channels = [];
    } else if (lower === "allcommands" || lower === "+@all") {
      this.allowed = new Set();
      forEachCommand((spec) => this.allowed.add(spec));
      this.allCommands = true;
      this.future = true;
      this.firstArgs = null;
    } else if (lower === "nocommands" || lower === "-@all") {
      this.allowed = new Set();
      this.allCommands = false;
      this.future = false;
      this.firstArgs = null;
    } else if (op[0] === "~" || op[0] === "%") {
      this.#addKeyPattern(op);
    } else if (op[0] === "&") {
      if (this.allChannels) throw new AclRuleError(AFTER_ALLCHANNELS);
      const pattern = op.slice(1);
      if (hasSpaces(pattern)) throw new AclRuleError(SYNTAX);
      if (!this.channels.includes(pattern)) this.channels.push(pattern);
      this.allChannels = false;
    } else if (op[0] === "+" && op[1] !== "@") {
      this.#allowCommand(op.slice(1));
    } else if (op[0] === "-" && op[1] !== "@") {
      const spec = aclLookup(op.slice(1));
      if (spec === undefined) throw new AclRuleError(UNKNOWN_COMMAND);
      this.changePerm(spec, false);
    } else if ((op[0] === "+" || op[0] === "-") && op[1] === "@") {
      const category = op.slice(2).toLowerCase();
      if (!ACL_CATEGORIES.includes(category)) throw new AclRuleError(UNKNOWN_COMMAND);
      this.#setCategory(category, op[0] === "+");
    } else {
      throw new AclRuleError(SYNTAX);
    }
  }

  #addKeyPattern(op: string): void {
    if (this.allKeys) throw new AclRuleError(AFTER_ALLKEYS);
    let access = 0;
    let offset = 1;
    if (op[0] === "%") {
      for (; offset < op.length; offset++) {
        const c = op[offset].toUpperCase();
        if (c === "R" && !(access & KEY_READ)) access |= KEY_READ;
        else if (c === "W" && !(access & KEY_WRITE)) access |= KEY_WRITE;
        else if (op[offset] === "~") {
          offset++;
          break;
        } else throw new AclRuleError(SYNTAX);
      }
    } else access = KEY_READ | KEY_WRITE;
    const pattern = op.slice(offset);
    if (hasSpaces(pattern)) throw new AclRuleError(SYNTAX);
    const existing = this.keys.find((k) => k.pattern === pattern);
    if (existing === undefined) this.keys.push(keyPattern(pattern, access));
    else existing.access |= access;
    this.allKeys = false;
  }

  #allowCommand(name: string): void {
    const bar = name.lastIndexOf("|");
    if (bar < 0) {
      const spec = aclLookup(name);
      if (spec === undefined) throw new AclRuleError(UNKNOWN_COMMAND);
      return this.changePerm(spec, true);
    }
    const spec = aclLookup(name.slice(0, bar));
    const first = name.slice(bar + 1);
    if (spec === undefined) throw new AclRuleError(UNKNOWN_COMMAND);
    if (isSub(spec)) throw new AclRuleError(FIRSTARG_OF_SUB);
    if (first.length === 0) throw new AclRuleError(SYNTAX);
    if (spec.subcommands !== undefined) {
      const sub = aclLookup(name);
      if (sub === undefined) throw new AclRuleError(UNKNOWN_COMMAND);
      return this.changePerm(sub, true);
    }
    this.firstArgs ??= new Map();
    const list = this.firstArgs.get(spec) ?? [];
    if (!list.some((a) => a.toLowerCase() === first.toLowerCase())) list.push(first);
    this.firstArgs.set(spec, list);
  }

  /**
   * Whether this selector may run `spec` with `argv` (ACLSelectorCheckCmd); `keys` keeps
   * the keys found for the next selector (null: only one selector looks).
   */
  check(
    spec: CommandSpec,
    argv: readonly string[],
    info: CommandAcl = commandAcl(spec),
    keys: KeyCache | null = null,
  ): CheckResult {
    if (!this.allCommands && !info.noAuth && !this.allowed.has(spec)) {
      const allowedArgs = argv.length < 2 ? undefined : this.firstArgs?.get(spec);
      if (allowedArgs === undefined) return { code: DENIED_CMD, pos: 0 };
      const arg = argv[isSub(spec) ? 2 : 1]?.toLowerCase();
      if (!allowedArgs.some((a) => a.toLowerCase() === arg)) return { code: DENIED_CMD, pos: 0 };
    }
    const plan = info.keys;
    if (!this.allKeys && plan !== null) {
      const range = plan.range;
      if (range !== null) {
        // The common case, walked in place: one key spec, an index and a range.
        const last = rangeLast(range, argv.length);
        for (let i = range.first; last >= 0 && i <= last; i += range.keystep) {
          if (!this.keyAllowed(argv[i], range.access)) return { code: DENIED_KEY, pos: i };
        }
      } else {
        for (const use of keys?.get(plan, argv) ?? plan.find(argv)) {
          if (!this.keyAllowed(argv[use.pos], use.access)) {
            return { code: DENIED_KEY, pos: use.pos };
          }
        }
      }
    }
    if (!this.allChannels && info.channels !== 0) {
      if (info.channels === 1) {
        if (!this.channelAllowed(argv[1], false)) return { code: DENIED_CHANNEL, pos: 1 };
      } else {
        const literal = info.channels === 3;
        for (let i = 1; i < argv.length; i++) {
          if (!this.channelAllowed(argv[i], literal)) return { code: DENIED_CHANNEL, pos: i };
        }
      }
    }
    return OK_RESULT;
  }

  /** ACLSelectorCheckKey. */
  keyAllowed(key: string, access: number): boolean {
    if (this.allKeys) return true;
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const p = keys[i];
      if ((p.access & access) !== access) continue;
      const prefix = p.prefix;
      const match = prefix !== null
        ? key.startsWith(prefix)
        : p.literal
        ? key === p.pattern
        : globMatch(p.pattern, key);
      if (match) return true;
    }
    return false;
  }

  /** A channel (or, `literal`, a PSUBSCRIBE pattern compared as text) against the list. */
  channelAllowed(channel: string, literal: boolean): boolean {
    if (this.allChannels) return true;
    return channelInList(this.channels, channel, literal);
  }

  /** The rules that rebuild this selector (ACLDescribeSelector). */
  describe(): string {
    let res = "";
    if (this.allKeys) res += "~* ";
    else for (const k of this.keys) res += patternText(k) + " ";
    if (this.allChannels) res += "&* ";
    else {
      res += "resetchannels ";
      for (const c of this.channels) res += `&${c} `;
    }
    return res + this.describeCommands();
  }

  /**
   * The command rules (ACLDescribeSelectorCommandRules): +@all or -@all, then the
   * categories that fit best, then single commands until the set is exact.
   */
  describeCommands(): string {
    const additive = !this.future;
    const rules: string[] = [additive ? "-@all" : "+@all"];
    const fake = new Selector(false);
    fake.apply(rules[0]);
    const temp = new Selector(false);
    temp.allowed = new Set(this.allowed);
    const applied = new Set<string>();
    for (;;) {
      let best: string | null = null;
      let mindiff = Number.MAX_SAFE_INTEGER;
      let maxsame = 0;
      for (const cat of ACL_CATEGORIES) {
        if (applied.has(cat)) continue;
        let on = 0;
        let off = 0;
        forEachCommand((spec) => {
          if (!spec.categories.includes(cat)) return;
          if (temp.allowed.has(spec)) on++;
          else off++;
        });
        const diff = additive ? off : on;
        const same = additive ? on : off;
        if (same > diff && (diff < mindiff || (diff === mindiff && same > maxsame))) {
          best = cat;
          mindiff = diff;
          maxsame = same;
        }
      }
      if (best === null) break;
      const op = (additive ? "+@" : "-@") + best;
      fake.apply(op);
      temp.apply((additive ? "-@" : "+@") + best);
      rules.push(op);
      applied.add(best);
    }
    for (const cmd of allCommands) this.#describeSingle(cmd, fake, rules);
    return rules.join(" ");
  }

  #describeSingle(spec: CommandSpec, fake: Selector, rules: string[]): void {
    const userbit = this.allowed.has(spec);
    if (userbit !== fake.allowed.has(spec)) {
      rules.push((userbit ? "+" : "-") + spec.name);
      fake.changePerm(spec, userbit);
    }
    for (const sub of spec.subcommands?.values() ?? []) this.#describeSingle(sub, fake, rules);
    const args = this.firstArgs?.get(spec);
    if (!userbit && args !== undefined) {
      for (const a of args) rules.push(`+${spec.name}|${a}`);
    }
  }

  /** GETUSER's `keys` field. */
  keysText(): string {
    return this.allKeys ? "~*" : this.keys.map(patternText).join(" ");
  }

  /** GETUSER's `channels` field. */
  channelsText(): string {
    return this.allChannels ? "&*" : this.channels.map((c) => `&${c}`).join(" ");
  }
}

/** ACLCheckChannelAgainstList. */
export function channelInList(list: readonly string[], channel: string, literal: boolean): boolean {
  for (const p of list) {
    if (literal ? p === channel : globMatch(p, channel)) return true;
  }
  return false;
}

/** The outcome of a check: ACL_OK or a DENIED_* code, and the argument it is about. */
export interface CheckResult {
  code: number;
  pos: number;
}

/** The keys of one command, found once however many selectors look (aclKeyResultCache). */
export class KeyCache {
  #uses: KeyUse[] | null = null;

  get(plan: KeyPlan, argv: readonly string[]): KeyUse[] {
    return this.#uses ??= plan.find(argv);
  }
}

/** An ACL user. Its identity (the object) stays while SETUSER and ACL LOAD change it. */
export class AclUser {
  enabled = false;
  nopass = false;
  /** "sanitize-payload" / "skip-sanitize-payload", or neither. */
  sanitize: "sanitize" | "skip" | null = null;
  /** SHA-256 hex of each password. */
  passwords: string[] = [];
  selectors: Selector[] = [new Selector(true)];
  /** Some selector allows every command, key and channel: checks are skipped. */
  unrestricted = false;

  constructor(readonly name: string) {}

  get rootSelector(): Selector {
    return this.selectors[0];
  }

  /** A detached copy with the same rules (SETUSER stages its changes on one). */
  copy(name = this.name): AclUser {
    const u = new AclUser(name);
    u.copyFrom(this);
    return u;
  }

  /** Takes `other`'s rules (ACLCopyUser); this user keeps its name and identity. */
  copyFrom(other: AclUser): void {
    this.enabled = other.enabled;
    this.nopass = other.nopass;
    this.sanitize = other.sanitize;
    this.passwords = [...other.passwords];
    this.selectors = other.selectors.map((s) => s.copy());
    this.#refresh();
  }

  #refresh(): void {
    this.unrestricted = this.selectors.some((s) => s.allCommands && s.allKeys && s.allChannels);
  }

  /** Applies one rule (ACLSetUser); throws `AclRuleError`. */
  apply(op: string): void {
    try {
      this.#apply(op);
    } finally {
      this.#refresh();
    }
  }

  #apply(op: string): void {
    if (op.length === 0) return;
    const lower = op.toLowerCase();
    if (lower === "on") this.enabled = true;
    else if (lower === "off") this.enabled = false;
    else if (lower === "skip-sanitize-payload") this.sanitize = "skip";
    else if (lower === "sanitize-payload") this.sanitize = "sanitize";
    else if (lower === "nopass") {
      this.nopass = true;
      this.passwords = [];
    } else if (lower === "resetpass") {
      this.nopass = false;
      this.passwords = [];
    } else if (op[0] === ">" || op[0] === "#") {
      let hash: string;
      if (op[0] === ">") hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isHash(hash)) throw new AclRuleError(BAD_HASH);
      }
      if (!this.passwords.includes(hash)) this.passwords.push(hash);
      this.nopass = false;
    } else if (op[0] === "<" || op[0] === "!") {
      let hash: string;
      if (op[0] === "<") hash = hashPassword(op.slice(1));
      else {
        hash = op.slice(1);
        if (!isHash(hash)) throw new AclRuleError(BAD_HASH);
      }
      const i = this.passwords.indexOf(hash);
      if (i < 0) throw new AclRuleError(NO_SUCH_PASSWORD);
      this.passwords.splice(i, 1);
    } else if (op[0] === "(" && op[op.length - 1] === ")") {
      const selector = new Selector(false);
      for (const rule of splitRules(op.slice(1, -1))) selector.apply(rule);
      this.selectors.push(selector);
    } else if (lower === "clearselectors") {
      this.selectors = [this.rootSelector];
    } else if (lower === "reset") {
      for (const rule of ["resetpass", "resetkeys", "resetchannels", "off"]) this.#apply(rule);
      this.sanitize = "sanitize";
      this.selectors = [this.rootSelector];
      this.#apply("-@all");
    } else {
      this.rootSelector.apply(op);
    }
  }

  /** Whether `password` (a byte string) logs in as this user (ACLCheckUserCredentials). */
  passwordMatches(password: string): boolean {
    if (this.nopass) return true;
    const hashed = hashPassword(password);
    let ok = false;
    // Every hash is compared, so the time does not tell which one matched.
    for (const p of this.passwords) ok = timingSafeEqualHex(p, hashed) || ok;
    return ok;
  }

  /** The user's rules in the ACL file's form, after `user <name> ` (ACLDescribeUser). */
  describe(): string {
    let res = this.flags().map((f) => f + " ").join("");
    for (const p of this.passwords) res += `#${p} `;
    for (const s of this.selectors) res += s.root ? s.describe() : ` (${s.describe()})`;
    return res;
  }

  /** GETUSER's `flags`, in Redis's order. */
  flags(): string[] {
    const out = [this.enabled ? "on" : "off"];
    if (this.nopass) out.push("nopass");
    if (this.sanitize === "skip") out.push("skip-sanitize-payload");
    if (this.sanitize === "sanitize") out.push("sanitize-payload");
    return out;
  }

  /**
   * Whether the user may run `spec` with `argv`: ACL_OK, or the reason and argument index
   * Redis reports (no selector allows the command: the command; else the last key or
   * channel no selector could match).
   */
  check(spec: CommandSpec, argv: readonly string[]): CheckResult {
    const info = commandAcl(spec);
    const selectors = this.selectors;
    if (selectors.length === 1) return selectors[0].check(spec, argv, info);
    let relevant = DENIED_CMD;
    let lastPos = 0;
    const keys = new KeyCache();
    for (const s of selectors) {
      const r = s.check(spec, argv, info, keys);
      if (r.code === ACL_OK) return r;
      if (r.code > relevant || (r.code === relevant && r.pos > lastPos)) {
        relevant = r.code;
        lastPos = r.pos;
      }
    }
    return { code: relevant, pos: lastPos };
  }

  /**
   * Whether a selector that may run this command grants every key with `access`
   * (ACLUserCheckCmdWithUnrestrictedKeyAccess: SORT's BY and GET patterns need it).
   */
  hasFullKeyAccess(spec: CommandSpec, argv: readonly string[], access = KEY_READ): boolean {
    if (this.unrestricted) return true;
    const keys = new KeyCache();
    const info = commandAcl(spec);
    return this.selectors.some((s) =>
      s.check(spec, argv, info, keys).code === ACL_OK &&
      (s.allKeys || s.keys.some((k) => (k.access & access) === access && k.pattern === "*"))
    );
  }

  /** Whether some selector grants `channel` (PSUBSCRIBE patterns literally). */
  channelAllowed(channel: string, literal: boolean): boolean {
    return this.selectors.some((s) => s.channelAllowed(channel, literal));
  }
}

function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** The rules inside a selector's parentheses, split as sdssplitargs splits them. */
export function splitRules(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    let word = "";
    while (i < text.length && !/\s/.test(text[i])) {
      const q = text[i];
      if (q === '"' || q === "'") {
        const end = text.indexOf(q, i + 1);
        if (end < 0) throw new AclRuleError(SYNTAX);
        word += text.slice(i + 1, end);
        i = end + 1;
      } else word += text[i++];
    }
    out.push(word);
  }
  return out;
}
