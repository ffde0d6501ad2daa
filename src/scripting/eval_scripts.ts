/**
 * EVAL's scripts: the cache of compiled bodies by SHA1 (EVAL, EVALSHA, SCRIPT LOAD / EXISTS /
 * FLUSH), shebang flags (`#!lua flags=no-writes,allow-oom`), and running a script with KEYS
 * and ARGV as globals. Every body EVAL sees stays cached until SCRIPT FLUSH, as in Redis 7.0.
 */

import { CommandError } from "../commands/errors.ts";
import { type ScriptHost, ScriptVm, type ScriptVmOptions, sha1hex } from "./script_vm.ts";
import type { Reply } from "./reply.ts";

/** Script flags from a shebang or register_function (Redis's SCRIPT_FLAG_*). */
export interface ScriptFlags {
  /** Declared with a shebang: flags decide, not the commands the script calls. */
  shebang: boolean;
  noWrites: boolean;
  allowOom: boolean;
  allowStale: boolean;
  noCluster: boolean;
  allowCrossSlot: boolean;
}

export const LEGACY_FLAGS: ScriptFlags = {
  shebang: false,
  noWrites: false,
  allowOom: false,
  allowStale: false,
  noCluster: false,
  allowCrossSlot: false,
};

const FLAG_NAMES: Record<string, keyof ScriptFlags> = {
  "no-writes": "noWrites",
  "allow-oom": "allowOom",
  "allow-stale": "allowStale",
  "no-cluster": "noCluster",
  "allow-cross-slot-keys": "allowCrossSlot",
};

/** Parses flag names (shebang `flags=a,b` or register_function's table); null if unknown. */
export function parseFlags(names: readonly string[]): ScriptFlags | string {
  const flags = { ...LEGACY_FLAGS, shebang: true };
  for (const name of names) {
    const key = FLAG_NAMES[name];
    if (key === undefined) return name;
    (flags as Record<string, boolean>)[key] = true;
  }
  return flags;
}

/** The flag names of `flags`, for FUNCTION LIST. */
export function flagNames(flags: ScriptFlags): string[] {
  return Object.entries(FLAG_NAMES).filter(([, key]) => flags[key]).map(([name]) => name);
}

interface CachedScript {
  ref: number;
  flags: ScriptFlags;
  body: string;
}

/**
 * Reads an EVAL body's shebang. Returns the flags and the body to compile: the shebang line
 * becomes a comment, so line numbers in errors stay those of the text the user sent.
 */
function evalShebang(body: string): { flags: ScriptFlags; code: string } {
  if (!body.startsWith("#!")) return { flags: LEGACY_FLAGS, code: body };
  const eol = body.indexOf("\n");
  const line = eol < 0 ? body : body.slice(0, eol);
  const parts = line.split(" ").filter((p) => p !== "");
  if (parts[0] !== "#!lua") {
    throw new CommandError(`ERR Unexpected engine in script shebang: ${parts[0]}`);
  }
  let flags: ScriptFlags = { ...LEGACY_FLAGS, shebang: true };
  for (const part of parts.slice(1)) {
    if (!part.startsWith("flags=")) {
      throw new CommandError(`ERR Unknown lua shebang option: ${part}`);
    }
    const names = part.slice(6).split(",").filter((n) => n !== "");
    const parsed = parseFlags(names);
    if (typeof parsed === "string") {
      throw new CommandError(`ERR Unexpected flag in script shebang: ${parsed}`);
    }
    flags = parsed;
  }
  return { flags, code: "--" + body.slice(2) };
}

export class EvalScripts {
  #vm: ScriptVm | null = null;
  readonly #cache = new Map<string, CachedScript>();

  constructor(readonly options: ScriptVmOptions) {}

  get vm(): ScriptVm {
    return this.#vm ??= new ScriptVm(this.options);
  }

  /** Number of cached scripts (INFO number_of_cached_scripts). */
  get size(): number {
    return this.#cache.size;
  }

  /** Bytes of the scripts' bodies (INFO used_memory_scripts_eval). */
  get bodyBytes(): number {
    let n = 0;
    for (const s of this.#cache.values()) n += s.body.length;
    return n;
  }

  /** Bytes the EVAL Lua heap uses. */
  get luaMemory(): number {
    return this.#vm?.vm.memoryUsed ?? 0;
  }

  get running(): boolean {
    return this.#vm?.running ?? false;
  }

  has(sha: string): boolean {
    return this.#cache.has(sha.toLowerCase());
  }

  /** Compiles and caches `body` (SCRIPT LOAD, EVAL); returns its SHA1. Throws Redis's error. */
  load(body: string): string {
    const sha = sha1hex(body);
    if (this.#cache.has(sha)) return sha;
    this.#compile(sha, body);
    return sha;
  }

  #compile(sha: string, body: string): CachedScript {
    const { flags, code } = evalShebang(body);
    const ref = this.vm.compile(code, "@user_script");
    if (typeof ref === "string") {
      throw new CommandError(`ERR Error compiling script (new function): ${lua51Syntax(ref)}`);
    }
    const script = { ref, flags, body };
    this.#cache.set(sha, script);
    return script;
  }

  /** The cached script for `sha` (any case), or undefined. */
  get(sha: string): CachedScript | undefined {
    return this.#cache.get(sha) ?? this.#cache.get(sha.toLowerCase());
  }

  /** The cached script for `body`, compiling it first if new. */
  forBody(body: string): { sha: string; script: CachedScript } {
    const sha = sha1hex(body);
    return { sha, script: this.#cache.get(sha) ?? this.#compile(sha, body) };
  }

  /** Runs a cached script with KEYS and ARGV. */
  run(sha: string, script: CachedScript, keys: string[], args: string[], host: ScriptHost): Reply {
    const vm = this.vm;
    vm.setKeysAndArgv(keys, args);
    return vm.call(script.ref, sha, host);
  }

  /** SCRIPT FLUSH: forgets every script and starts a fresh Lua state, as Redis does. */
  flush(): void {
    this.#cache.clear();
    this.#vm?.close();
    this.#vm = null;
  }
}

/** Lua 5.1's wording of a few syntax errors 5.4 words differently. */
export function lua51Syntax(msg: string): string {
  // 5.4 says "syntax error" where a statement is neither a call nor an assignment; 5.1
  // expected the assignment's '='.
  return msg.replace(/ near <eof>$/, " near '<eof>'").replace(
    /: syntax error near /,
    ": '=' expected near ",
  );
}
