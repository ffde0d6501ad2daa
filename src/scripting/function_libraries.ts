/**
 * Redis functions: libraries loaded with FUNCTION LOAD (`#!lua name=lib` then code that calls
 * `redis.register_function`), kept in their own Lua state as Redis does, called with FCALL /
 * FCALL_RO, listed, deleted, flushed, dumped and restored.
 *
 * While a library's code runs at load time its globals hold only the loading API (`redis`
 * with register_function, log, setresp and the version); its functions, when called, see the
 * same globals as EVAL scripts minus KEYS/ARGV. Each library gets its own environment table
 * whose fallback is switched from the first to the second once the load succeeded.
 *
 * DUMP/RESTORE use Redis's RDB payload layout (one FUNCTION2 opcode and string per library,
 * RDB version, CRC64), built and read by persistence/function_payload.ts: byte for byte
 * Redis's own (LZF compression included), so payloads move both ways.
 */

import { CommandError } from "../commands/errors.ts";
import { LUA_OK, T_FUNCTION, T_STRING, T_TABLE } from "./lua_runtime.ts";
import { type ScriptHost, ScriptVm, type ScriptVmOptions } from "./script_vm.ts";
import {
  flagNames,
  LEGACY_FLAGS,
  lua51Syntax,
  parseFlags,
  type ScriptFlags,
} from "./eval_scripts.ts";
import type { Reply } from "./reply.ts";
import { globMatch } from "../store/glob.ts";
import { createFunctionsPayload, readFunctionsPayload } from "../persistence/function_payload.ts";
import { latin1Bytes, latin1String } from "../persistence/rdb_bytes.ts";

export interface LuaFunctionDef {
  name: string;
  ref: number;
  flags: ScriptFlags;
  description: string | null;
  library: Library;
}

export interface Library {
  name: string;
  code: string;
  functions: Map<string, LuaFunctionDef>;
  /** Registry reference of the library's environment metatable. */
  envMetaRef: number;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
const BAD_LIBRARY_NAME =
  "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";
/** Redis 7.0 words a bad function name as a bad library name (function_lua.c). */
const BAD_FUNCTION_NAME =
  "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

const ENV_LUA = String.raw`
__respd_library_env = function(load_api)
  local function missing(_, name)
    error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
  end
  local function readonly() error("Attempt to modify a readonly table", 2) end
  local load_env = setmetatable({}, {__index = missing, __newindex = readonly, __metatable = false})
  rawset(load_env, "redis", load_api)
  if getmetatable(load_api) == nil then
    setmetatable(load_api, {__index = missing, __newindex = readonly, __metatable = false})
  end
  local mt = {__index = load_env, __newindex = readonly, __metatable = false}
  return setmetatable({}, mt), mt
end
`;

/** One library being loaded: what register_function collected. */
interface Loading {
  functions: Map<string, Omit<LuaFunctionDef, "library">>;
}

export class FunctionLibraries {
  #vm: ScriptVm | null = null;
  #envFactoryRef = 0;
  #loadApiRef = 0;
  #loading: Loading | null = null;
  readonly libraries = new Map<string, Library>();
  readonly functions = new Map<string, LuaFunctionDef>();

  constructor(readonly options: ScriptVmOptions) {}

  get vm(): ScriptVm {
    if (this.#vm !== null) return this.#vm;
    const sv = new ScriptVm(this.options, (s) => this.#setup(s));
    this.#vm = sv;
    return sv;
  }

  get running(): boolean {
    return this.#vm?.running ?? false;
  }

  /** Bytes of the libraries' code (INFO used_memory_functions). */
  get codeBytes(): number {
    let n = 0;
    for (const lib of this.libraries.values()) n += lib.code.length;
    return n;
  }

  get luaMemory(): number {
    return this.#vm?.vm.memoryUsed ?? 0;
  }

  /** Adds the load-time API and the environment factory (before globals are protected). */
  #setup(s: ScriptVm): void {
    const vm = s.vm;
    vm.exec(ENV_LUA, "=functions");
    vm.pushGlobals();
    vm.rawGetField(-1, "__respd_library_env");
    this.#envFactoryRef = vm.ref();
    vm.pushNil();
    vm.rawSetField(-2, "__respd_library_env");
    vm.pop(1);
    vm.newTable();
    s.setFunction("register_function", (L) => this.#registerFunction(s, L));
    vm.pushGlobals();
    vm.rawGetField(-1, "redis");
    vm.remove(-2);
    for (const name of ["log", "setresp", "REDIS_VERSION", "REDIS_VERSION_NUM"]) {
      vm.rawGetField(-1, name);
      vm.rawSetField(-3, name);
    }
    for (const name of ["LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE", "LOG_WARNING"]) {
      vm.rawGetField(-1, name);
      vm.rawSetField(-3, name);
    }
    vm.pop(1);
    this.#loadApiRef = vm.ref();
  }

  #registerFunction(s: ScriptVm, L: number): number {
    const vm = s.vm;
    const loading = this.#loading;
    if (loading === null) {
      s.raise("redis.register_function can only be called on FUNCTION LOAD command", L);
    }
    const argc = vm.top(L);
    let name: string | null = null;
    let callback = 0;
    let flags: ScriptFlags = LEGACY_FLAGS;
    let description: string | null = null;
    if (argc === 1) {
      if (vm.type(1, L) !== T_TABLE) {
        s.raise(
          "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
          L,
        );
      }
      vm.pushNil(L);
      while (vm.next(1, L)) {
        if (vm.type(-2, L) !== T_STRING) {
          s.raise("named argument key given to redis.register_function is not a string", L);
        }
        const key = vm.toString(-2, L);
        if (key === "function_name") {
          if (vm.type(-1, L) !== T_STRING) {
            s.raise("function_name argument given to redis.register_function must be a string", L);
          }
          name = vm.toString(-1, L);
        } else if (key === "description") {
          if (vm.type(-1, L) !== T_STRING) {
            s.raise("description argument given to redis.register_function must be a string", L);
          }
          description = vm.toString(-1, L);
        } else if (key === "callback") {
          if (vm.type(-1, L) !== T_FUNCTION) {
            s.raise("callback argument given to redis.register_function must be a function", L);
          }
          vm.pushValue(-1, L);
          callback = vm.ref(L);
        } else if (key === "flags") {
          if (vm.type(-1, L) !== T_TABLE) {
            s.raise(
              "flags argument to redis.register_function must be a table representing function flags",
              L,
            );
          }
          const names: string[] = [];
          for (let i = 1;; i++) {
            const t = vm.rawGetIndex(-1, i, L);
            if (t !== T_STRING) {
              vm.pop(1, L);
              if (t === 0) break;
              s.raise("unknown flag given", L);
            }
            names.push(vm.toString(-1, L)!);
            vm.pop(1, L);
          }
          const parsed = parseFlags(names);
          if (typeof parsed === "string") s.raise("unknown flag given", L);
          flags = parsed;
        } else {
          s.raise("unknown argument given to redis.register_function", L);
        }
        vm.pop(1, L);
      }
      if (name === null) s.raise("redis.register_function must get a function name argument", L);
      if (callback === 0) s.raise("redis.register_function must get a callback argument", L);
    } else if (argc === 2) {
      if (vm.type(1, L) !== T_STRING) {
        s.raise("first argument to redis.register_function must be a string", L);
      }
      if (vm.type(2, L) !== T_FUNCTION) {
        s.raise("second argument to redis.register_function must be a function", L);
      }
      name = vm.toString(1, L);
      vm.pushValue(2, L);
      callback = vm.ref(L);
    } else {
      s.raise("wrong number of arguments to redis.register_function", L);
    }
    if (!NAME_RE.test(name!)) s.raise(BAD_FUNCTION_NAME, L);
    if (loading.functions.has(name!)) s.raise("Function already exists in the library", L);
    loading.functions.set(name!, { name: name!, ref: callback, flags, description });
    return 0;
  }

  /** FUNCTION LOAD [REPLACE] code: returns the library's name; throws Redis's errors. */
  load(code: string, replace: boolean): string {
    const { name, body } = parseLibraryHeader(code);
    const existing = this.libraries.get(name);
    if (existing !== undefined && !replace) {
      throw new CommandError(`ERR Library '${name}' already exists`);
    }
    const s = this.vm;
    const vm = s.vm;
    // The chunk's globals: a fresh environment (see the module comment).
    vm.pushRef(this.#envFactoryRef);
    vm.pushRef(this.#loadApiRef);
    if (vm.pcall(1, 2, 0) !== LUA_OK) throw new Error(`functions env: ${vm.toString(-1)}`);
    const metaRef = vm.ref();
    vm.pushGlobals();
    vm.insert(-2);
    vm.replaceGlobals();
    const ref = s.compile(body, "@user_function");
    vm.replaceGlobals();
    if (typeof ref === "string") {
      vm.unref(metaRef);
      throw new CommandError(`ERR Error compiling function: ${lua51Syntax(ref)}`);
    }
    const loading: Loading = { functions: new Map() };
    this.#loading = loading;
    let reply: Reply;
    try {
      reply = s.call(ref, name, NO_CALLS);
    } finally {
      this.#loading = null;
      vm.unref(ref);
    }
    const drop = () => {
      for (const f of loading.functions.values()) vm.unref(f.ref);
      vm.unref(metaRef);
    };
    if (isError(reply)) {
      drop();
      const msg = reply.value.replace(/ script: .*$/, "");
      throw new CommandError(`ERR Error registering functions: ${msg}`);
    }
    if (loading.functions.size === 0) {
      drop();
      throw new CommandError("ERR No functions registered");
    }
    for (const fname of loading.functions.keys()) {
      const other = this.functions.get(fname);
      if (other !== undefined && other.library.name !== name) {
        drop();
        throw new CommandError(`ERR Function ${fname} already exists`);
      }
    }
    // Its functions now see the runtime globals.
    vm.pushRef(metaRef);
    vm.pushGlobals();
    vm.rawSetField(-2, "__index");
    vm.pop(1);
    if (existing !== undefined) this.#remove(existing);
    const lib: Library = { name, code, functions: new Map(), envMetaRef: metaRef };
    for (const f of loading.functions.values()) {
      const def = { ...f, library: lib };
      lib.functions.set(f.name, def);
      this.functions.set(f.name, def);
    }
    this.libraries.set(name, lib);
    return name;
  }

  #remove(lib: Library): void {
    const vm = this.vm.vm;
    for (const f of lib.functions.values()) {
      this.functions.delete(f.name);
      vm.unref(f.ref);
    }
    vm.unref(lib.envMetaRef);
    this.libraries.delete(lib.name);
  }

  /** FUNCTION DELETE name. */
  delete(name: string): void {
    const lib = this.libraries.get(name);
    if (lib === undefined) throw new CommandError("ERR Library not found");
    this.#remove(lib);
  }

  /** FUNCTION FLUSH: every library, and a fresh Lua state. */
  flush(): void {
    this.libraries.clear();
    this.functions.clear();
    this.#vm?.close();
    this.#vm = null;
  }

  /** Runs function `def` with its keys and args tables. */
  call(def: LuaFunctionDef, keys: string[], args: string[], host: ScriptHost): Reply {
    const s = this.vm;
    return s.call(def.ref, def.name, host, () => {
      s.pushArray(keys);
      s.pushArray(args);
      return 2;
    });
  }

  /** FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]. */
  list(pattern: string | null, withCode: boolean): Reply {
    const out: Reply[] = [];
    for (const lib of this.libraries.values()) {
      if (pattern !== null && !globMatch(pattern, lib.name)) continue;
      const fns: Reply[] = [];
      for (const f of lib.functions.values()) {
        fns.push({
          kind: "map",
          value: [
            ["name", f.name],
            ["description", f.description],
            ["flags", {
              kind: "set",
              value: flagNames(f.flags).map((n) => ({ kind: "status", value: n })),
            }],
          ],
        });
      }
      const entry: [Reply, Reply][] = [
        ["library_name", lib.name],
        ["engine", "LUA"],
        ["functions", fns],
      ];
      if (withCode) entry.push(["library_code", lib.code]);
      out.push({ kind: "map", value: entry });
    }
    return out;
  }

  /** FUNCTION DUMP: Redis's payload (persistence/function_payload.ts). */
  dump(): string {
    const codes = [...this.libraries.values()].map((lib) => lib.code);
    return latin1String(createFunctionsPayload(codes));
  }

  /** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
  restore(payload: string, policy: "flush" | "append" | "replace"): void {
    const codes = parseDump(payload);
    if (policy === "append") {
      // Check every library first: nothing is loaded when one conflicts.
      for (const code of codes) {
        const { name } = parseLibraryHeader(code);
        if (this.libraries.has(name)) throw new CommandError(`ERR Library ${name} already exists`);
      }
    }
    if (policy === "flush") this.flush();
    const before = new Map(this.libraries);
    try {
      for (const code of codes) this.load(code, policy !== "append");
    } catch (e) {
      // Put back what was there: reload the libraries that existed before.
      for (const lib of [...this.libraries.values()]) {
        if (before.get(lib.name) !== lib) this.#remove(lib);
      }
      for (const lib of before.values()) {
        if (!this.libraries.has(lib.name)) this.load(lib.code, true);
      }
      throw e;
    }
  }
}

/** The host used while a library loads: redis.call is not in its globals anyway. */
const NO_CALLS: ScriptHost = {
  call: () => ({ kind: "error", value: "ERR redis.call is not allowed while loading a library" }),
  permits: () => null,
};

function isError(r: Reply): r is { kind: "error"; value: string } {
  return r !== null && typeof r === "object" && !Array.isArray(r) && r.kind === "error";
}

/** Reads `#!lua name=lib` and returns the name and the code to compile. */
export function parseLibraryHeader(code: string): { name: string; body: string } {
  if (!code.startsWith("#!")) throw new CommandError("ERR Missing library metadata");
  const eol = code.indexOf("\n");
  const line = eol < 0 ? code : code.slice(0, eol);
  const parts = line.slice(2).split(" ").filter((p) => p !== "");
  const engine = parts[0] ?? "";
  if (engine.toLowerCase() !== "lua") {
    throw new CommandError(`ERR Engine '${engine}' not found`);
  }
  let name: string | null = null;
  for (const part of parts.slice(1)) {
    if (part.startsWith("name=")) name = part.slice(5);
    else throw new CommandError(`ERR Invalid metadata value given: ${part}`);
  }
  if (name === null) throw new CommandError("ERR Library name was not given");
  if (!NAME_RE.test(name)) throw new CommandError(BAD_LIBRARY_NAME);
  return { name, body: "--" + code.slice(2) };
}

const BAD_PAYLOAD = "ERR DUMP payload version or checksum are wrong";

/** The library codes in a FUNCTION DUMP payload; throws Redis's errors. */
function parseDump(p: string): string[] {
  const codes = readFunctionsPayload(latin1Bytes(p));
  if (codes === "checksum") throw new CommandError(BAD_PAYLOAD);
  if (codes === "format") throw new CommandError("ERR given payload is not a valid function dump");
  return codes;
}
