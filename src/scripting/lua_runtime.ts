/**
 * The Lua VM respd runs scripts in: Lua 5.4 compiled to WebAssembly, from the npm package
 * `wasmoon`, driven through its raw C API (the emscripten exports) rather than wasmoon's
 * JS-object bridge, so that strings stay byte strings and a `redis.call` costs a few wasm
 * calls.
 *
 * Why wasmoon and not fengari (Lua 5.3 in plain JS): measured on this machine (see
 * BENCHMARKS.md, "Scripting"), a script doing one `redis.call` costs ~0.9 µs in wasmoon against
 * ~2.5 µs in fengari, five calls ~1.7 µs against ~6 µs, a 3M-iteration loop 30 ms against
 * 148 ms, and compiling a small script ~21 µs against ~120 µs. wasmoon also gives a bounded
 * heap (our allocator refuses past the limit: Lua's "not enough memory") and count hooks, so
 * a runaway loop can be stopped. Redis embeds Lua 5.1; README lists the differences.
 *
 * The wasm module is loaded once per process (top-level await) and every `LuaVm` is one `lua_State`
 * in it. A small wasm module of our own (lua_glue.wat) sits next to it for the hot paths: Lua's
 * bounded allocator, a redis.call's arguments, KEYS/ARGV, starting a script, reading its result;
 * its calls into the VM stay inside WebAssembly. Everything here is byte strings in, byte strings
 * out: JS strings whose chars are bytes (protocol/latin1.ts), as everywhere else in respd.
 */

import { MAX_CACHED_LENGTH, recentString } from "../protocol/recent_strings.ts";
import { LUA_GLUE_HEX } from "./lua_glue_wasm.ts";

// deno-lint-ignore no-explicit-any
type Raw = any;

/**
 * The wasm instance's own exports, caught while wasmoon instantiates its module: emscripten
 * wraps each export in a checking function (~90 ns per call measured, against ~35 ns for
 * the export itself), and a script makes some forty of these calls.
 */
const caught: { instance: WebAssembly.Instance | null } = { instance: null };
const wasm = WebAssembly as Raw;
const { instantiate, instantiateStreaming } = wasm;
wasm.instantiate = async (...args: unknown[]) => {
  const result = await instantiate(...args);
  caught.instance = result.instance ?? result;
  return result;
};
wasm.instantiateStreaming = async (...args: unknown[]) => {
  const result = await instantiateStreaming(...args);
  caught.instance = result.instance;
  return result;
};
let M: Raw;
try {
  const { LuaFactory } = await import("wasmoon");
  /** The emscripten module: the heap views, `addFunction`, the wrapped exports. */
  M = (await new LuaFactory().getLuaModule()).module;
} finally {
  wasm.instantiate = instantiate;
  wasm.instantiateStreaming = instantiateStreaming;
}

/** Lua's C API, `lua_gettop` and so on: the raw exports, or emscripten's wrappers. */
const X: Raw = {};
for (const key of Object.keys(M)) {
  if (!/^_(lua|luaL|malloc$|free$|realloc$)/.test(key)) continue;
  const name = key.slice(1);
  const raw = (caught.instance?.exports as Raw)?.[name];
  X[name] = typeof raw === "function" ? raw : M[key];
}

export const LUA_REGISTRYINDEX = -1000000 - 1000;
const LUA_RIDX_GLOBALS = 2n;
export const LUA_MULTRET = -1;

/** What `LuaVm.scalar` found (besides the Lua types it returns as they are). */
export const SCALAR_FLOAT = 3;
export const SCALAR_STRING = 4;
export const SCALAR_INTEGER = 9;
export const SCALAR_BIGINT = 10;

export const LUA_OK = 0;
export const LUA_YIELD = 1;
export const LUA_ERRRUN = 2;
export const LUA_ERRSYNTAX = 3;
export const LUA_ERRMEM = 4;

export const T_NIL = 0;
export const T_BOOLEAN = 1;
export const T_LIGHTUSERDATA = 2;
export const T_NUMBER = 3;
export const T_STRING = 4;
export const T_TABLE = 5;
export const T_FUNCTION = 6;

const LUA_MASKCOUNT = 8;

/** `lua_upvalueindex(i)`. */
export function upvalueIndex(i: number): number {
  return LUA_REGISTRYINDEX - i;
}

/**
 * A JS function Lua can call: gets the calling thread's state, returns its result count
 * (or the code a `LuaVm.deferPush*` returned: the value is pushed after it returns).
 */
export type LuaFunction = (L: number) => number;

/**
 * A JS function Lua calls with a command (redis.call): its arguments, when all strings
 * (at most 64), come read and the stack emptied; else null, the stack as Lua left it.
 */
export type LuaCommandFunction = (L: number, argv: string[] | null) => number;

/** Registry references as the BigInts lua_rawgeti takes, made once (scripts use low refs). */
const REF_BIGINTS: bigint[] = Array.from({ length: 4096 }, (_, i) => BigInt(i));

/** Scratch memory in the wasm heap for short strings and out-parameters. */
const SCRATCH_SIZE = 4096;
const scratch: number = X.malloc(SCRATCH_SIZE);
const lenPtr: number = X.malloc(8);

/**
 * One pointer per JS function, made at module load: emscripten's function table only
 * grows, so VMs never add entries. A closure's first upvalue says which function runs.
 */
const functions: ((L: number, argc: number) => number)[] = [];

/**
 * The heaps' accounting, in the wasm memory: heap `ud` has its bytes in use at
 * `heapSlots + ud * 8` and its limit 4 bytes further (u32 each, as lua_glue.wat reads them).
 */
const MAX_HEAPS = 256;
const heapSlots: number = X.malloc(MAX_HEAPS * 8);
const freeHeaps: number[] = Array.from({ length: MAX_HEAPS }, (_, i) => MAX_HEAPS - 1 - i);

/** Room for a redis.call's arguments as (pointer, length, pin code) (glue `args`). */
const ARGS_CAPACITY = 64;
const argsOut: number = X.malloc(ARGS_CAPACITY * 12);
/**
 * The strings glue `args` pinned (see lua_glue.wat): per slot, the pointer of the Lua
 * string last pinned there (in wasm memory, for `args`) and that string as JS read it. The
 * slots are shared by every state; each state's pin table keeps its strings alive, and a
 * state's close clears them all (its strings' memory is then freed and may be reused).
 */
const PIN_SLOTS = 1024;
const pins: number = X.malloc(PIN_SLOTS * 4);
M.HEAPU32.fill(0, pins >> 2, (pins >> 2) + PIN_SLOTS);
const pinned: string[] = new Array<string>(PIN_SLOTS).fill("");
/** Room for KEYS and ARGV: their (pointer, length) pairs, then their bytes (glue `setArgs`). */
const SCRIPT_ARGS_SIZE = 8192;
const scriptArgs: number = X.malloc(SCRIPT_ARGS_SIZE);
/** "KEYSARGV": the two globals' names, for `setArgs`; "ok" for status replies. */
const argNames: number = X.malloc(8);
for (let i = 0; i < 8; i++) M.HEAPU8[argNames + i] = "KEYSARGV".charCodeAt(i);
const okName: number = X.malloc(2);
M.HEAPU8[okName] = 111; // o
M.HEAPU8[okName + 1] = 107; // k

/**
 * The block shared with the trampolines (lua_glue.wat's `out`): at 0 the address of
 * `argsOut`; a value a JS function leaves for the trampoline to push (`$finish`): a double
 * at 8, a string's (pointer, length) at 16; "ok" at 24.
 */
const out: number = X.malloc(32);
M.HEAPU32[out >> 2] = argsOut;
M.HEAPU8[out + 24] = 111; // o
M.HEAPU8[out + 25] = 107; // k
/** Result codes of a JS function that leaves its one result to the trampoline. */
const PUSH_INTEGER = -1;
const PUSH_STRING = -2;
const PUSH_STATUS = -3;

/** lua_glue.wat, bound to this VM's memory and exports. */
const glue = (() => {
  const exports = caught.instance?.exports as Raw;
  if (exports?.memory === undefined) throw new Error("Lua: wasmoon's wasm exports not found");
  const bytes = new Uint8Array(LUA_GLUE_HEX.length / 2);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] = parseInt(LUA_GLUE_HEX.slice(i * 2, i * 2 + 2), 16);
  }
  const lua: Record<string, unknown> = { memory: exports.memory, heaps: heapSlots, out, pins };
  for (
    const name of [
      "realloc",
      "free",
      "lua_gettop",
      "lua_settop",
      "lua_pushvalue",
      "lua_type",
      "lua_tolstring",
      "lua_pushlstring",
      "lua_rawgeti",
      "lua_createtable",
      "lua_rawset",
      "lua_rawseti",
      "lua_pcallk",
      "lua_pushinteger",
      "lua_isinteger",
      "lua_tointegerx",
      "lua_tonumberx",
    ]
  ) lua[name] = exports[name];
  const js = {
    dispatch: (L: number, id: number, argc: number): number => functions[id](L, argc),
  };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { lua, js } as Raw);
  return instance.exports as Raw;
})();

/**
 * The C function every JS function is a closure of (glue `trampoline`): its first upvalue,
 * a float, is the index in `functions`.
 */
const trampoline: number = M.addFunction(glue.trampoline, "ii");
/** The same, reading the function's string arguments first (glue `callTrampoline`). */
const callTrampoline: number = M.addFunction(glue.callTrampoline, "ii");

/** Where glue `scalar` leaves the value it read: a double or i64 at 0, a string at 8. */
const scalarOut: number = X.malloc(16);

/** Lua's allocator (bounded per heap), a wasm function: Lua's allocations stay in wasm. */
const allocator: number = M.addFunction(glue.alloc, "iiiii");

let hookHandler: ((L: number) => void) | null = null;
const hook: number = M.addFunction((L: number, _ar: number): void => {
  hookHandler?.(L);
}, "vii");

/** The bytes of a Lua string at `ptr` as a byte string. */
function readBytes(ptr: number, len: number): string {
  const h: Uint8Array = M.HEAPU8;
  if (len === 0) return "";
  // Command names and keys a script sends again and again come back as the same string
  // object, whose hash V8 has cached (protocol/recent_strings.ts): cheaper lookups.
  if (len < MAX_CACHED_LENGTH) return recentString(h, ptr, len);
  const parts: string[] = [];
  for (let i = 0; i < len; i += 8192) {
    parts.push(
      String.fromCharCode.apply(
        null,
        h.subarray(ptr + i, ptr + Math.min(len, i + 8192)) as unknown as number[],
      ),
    );
  }
  return parts.join("");
}

/**
 * The `n` string arguments glue `args` read (lua_glue.wat), by their pin codes: a pinned
 * string is the one JS read before, a newly pinned one is read and kept for its slot, a long
 * one (never pinned) is read.
 */
function readArgs(n: number): string[] {
  const words: Uint32Array = M.HEAPU32;
  const argv: string[] = new Array(n);
  for (let i = 0, w = argsOut >> 2; i < n; i++, w += 3) {
    const pin = words[w + 2] | 0;
    if (pin > 0) argv[i] = pinned[pin - 1];
    else if (pin < 0) argv[i] = pinned[-pin - 1] = readBytes(words[w], words[w + 1]);
    else argv[i] = readBytes(words[w], words[w + 1]);
  }
  return argv;
}

/** One Lua state with a bounded heap, and the API subset respd's scripting uses. */
export class LuaVm {
  readonly L: number;
  /** This state's heap slot (the allocator's user data). */
  readonly #heap: number;
  #closed = false;
  /** The registry reference of this state's pin table (pushCommandFunction); 0: none yet. */
  #pinsRef = 0;

  constructor(maxMemory: number) {
    const heap = freeHeaps.pop();
    if (heap === undefined) throw new Error("Lua: too many states");
    this.#heap = heap;
    M.HEAPU32[(heapSlots >> 2) + heap * 2] = 0;
    this.memoryLimit = maxMemory;
    this.L = X.lua_newstate(allocator, heap);
    if (this.L === 0) {
      freeHeaps.push(heap);
      throw new Error("Lua: cannot create a state");
    }
    X.luaL_openlibs(this.L);
  }

  /** Bytes the Lua heap holds now (what `used_memory_lua` reports). */
  get memoryUsed(): number {
    return this.#closed ? 0 : M.HEAPU32[(heapSlots >> 2) + this.#heap * 2];
  }

  /** The heap's limit; at most 2 GiB, so that `used + growth` cannot wrap in u32. */
  set memoryLimit(bytes: number) {
    M.HEAPU32[(heapSlots >> 2) + this.#heap * 2 + 1] = Math.max(0, Math.min(bytes, 2 ** 31));
  }

  get memoryLimit(): number {
    return M.HEAPU32[(heapSlots >> 2) + this.#heap * 2 + 1];
  }

  close(): void {
    if (this.#closed) return;
    X.lua_close(this.L);
    this.#closed = true;
    // Its pinned strings are freed: no slot may name their memory any more.
    M.HEAPU32.fill(0, pins >> 2, (pins >> 2) + PIN_SLOTS);
    pinned.fill("");
    freeHeaps.push(this.#heap);
  }

  // ---- stack ----
  top(L = this.L): number {
    return X.lua_gettop(L);
  }
  setTop(idx: number, L = this.L): void {
    X.lua_settop(L, idx);
  }
  pop(n: number, L = this.L): void {
    X.lua_settop(L, -n - 1);
  }
  pushValue(idx: number, L = this.L): void {
    X.lua_pushvalue(L, idx);
  }
  insert(idx: number, L = this.L): void {
    X.lua_rotate(L, idx, 1);
  }
  remove(idx: number, L = this.L): void {
    X.lua_rotate(L, idx, -1);
    X.lua_settop(L, -2);
  }
  checkStack(n: number, L = this.L): boolean {
    return X.lua_checkstack(L, n) !== 0;
  }

  // ---- push ----
  pushNil(L = this.L): void {
    X.lua_pushnil(L);
  }
  pushBoolean(b: boolean, L = this.L): void {
    X.lua_pushboolean(L, b ? 1 : 0);
  }
  pushNumber(x: number, L = this.L): void {
    X.lua_pushnumber(L, x);
  }
  pushInteger(n: number | bigint, L = this.L): void {
    // A safe integer crosses as a double (converted in wasm): no BigInt to make.
    if (typeof n === "number" && Number.isSafeInteger(n)) glue.pushInteger(L, n);
    else X.lua_pushinteger(L, typeof n === "bigint" ? n : BigInt(n));
  }
  /** Pushes the NULL light userdata (cjson.null). */
  pushLightNull(L = this.L): void {
    X.lua_pushlightuserdata(L, 0);
  }
  /** Pushes byte string `s`. */
  pushString(s: string, L = this.L): void {
    const n = s.length;
    if (n < SCRATCH_SIZE) {
      const h: Uint8Array = M.HEAPU8;
      for (let i = 0; i < n; i++) h[scratch + i] = s.charCodeAt(i);
      X.lua_pushlstring(L, scratch, n);
      return;
    }
    const p = X.malloc(n);
    if (p === 0) throw new Error("Lua: out of wasm memory");
    const h: Uint8Array = M.HEAPU8;
    for (let i = 0; i < n; i++) h[p + i] = s.charCodeAt(i);
    X.lua_pushlstring(L, p, n);
    X.free(p);
  }

  /**
   * Leaves integer `n` for the trampoline to push when the JS function returns the code
   * this returns (the function's result); pushes it now and returns 1 when it is not a
   * safe integer.
   */
  deferPushInteger(n: number | bigint, L: number): number {
    if (typeof n !== "number" || !Number.isSafeInteger(n)) {
      this.pushInteger(n, L);
      return 1;
    }
    (M.HEAPF64 as Float64Array)[(out + 8) >> 3] = n;
    return PUSH_INTEGER;
  }

  /** As `deferPushInteger`, for byte string `s`. */
  deferPushString(s: string, L: number): number {
    if (!this.#deferString(s)) {
      this.pushString(s, L);
      return 1;
    }
    return PUSH_STRING;
  }

  /** As `deferPushInteger`, for the status reply {ok = s}. */
  deferPushStatus(s: string, L: number): number {
    if (!this.#deferString(s)) {
      this.pushStatus(s, L);
      return 1;
    }
    return PUSH_STATUS;
  }

  /** Copies `s` to scratch for the trampoline; false when it does not fit. */
  #deferString(s: string): boolean {
    const n = s.length;
    if (n >= SCRATCH_SIZE) return false;
    const h: Uint8Array = M.HEAPU8;
    for (let i = 0; i < n; i++) h[scratch + i] = s.charCodeAt(i);
    const words: Uint32Array = M.HEAPU32;
    words[(out + 16) >> 2] = scratch;
    words[(out + 20) >> 2] = n;
    return true;
  }

  /** Pushes the table {ok = s} (a status reply), `s` a byte string. */
  pushStatus(s: string, L = this.L): void {
    const n = s.length;
    if (n >= SCRATCH_SIZE) {
      this.newTable(0, 1, L);
      this.pushString(s, L);
      this.rawSetField(-2, "ok", L);
      return;
    }
    const h: Uint8Array = M.HEAPU8;
    for (let i = 0; i < n; i++) h[scratch + i] = s.charCodeAt(i);
    glue.pushField(L, okName, 2, scratch, n);
  }
  /** Pushes a JS function as a Lua C closure. */
  pushFunction(fn: LuaFunction, L = this.L): void {
    functions.push(fn);
    X.lua_pushnumber(L, functions.length - 1);
    X.lua_pushcclosure(L, trampoline, 1);
  }

  /**
   * Pushes a JS function taking a command as a Lua C closure: its arguments are read in the
   * crossing that calls it (glue `callTrampoline`).
   */
  pushCommandFunction(fn: LuaCommandFunction, L = this.L): void {
    // Read at once, whatever the function does then: the pins `args` made need their strings.
    functions.push((L, argc) => fn(L, argc > 0 ? readArgs(argc) : null));
    X.lua_pushnumber(L, functions.length - 1);
    // The pin table (lua_glue.wat's `args`), one per state, sized to never grow.
    if (this.#pinsRef === 0) {
      X.lua_createtable(L, PIN_SLOTS, 0);
      for (let i = 1; i <= PIN_SLOTS; i++) {
        X.lua_pushboolean(L, 0);
        X.lua_rawseti(L, -2, BigInt(i));
      }
      this.#pinsRef = this.ref(L);
    }
    this.pushRef(this.#pinsRef, L);
    X.lua_pushcclosure(L, callTrampoline, 2);
  }

  newTable(narr = 0, nrec = 0, L = this.L): void {
    X.lua_createtable(L, narr, nrec);
  }

  // ---- read ----
  type(idx: number, L = this.L): number {
    return X.lua_type(L, idx);
  }
  isInteger(idx: number, L = this.L): boolean {
    return X.lua_isinteger(L, idx) !== 0;
  }
  /** Whether the value is a string or a number (Lua's `lua_isstring`). */
  isString(idx: number, L = this.L): boolean {
    return X.lua_isstring(L, idx) !== 0;
  }
  toBoolean(idx: number, L = this.L): boolean {
    return X.lua_toboolean(L, idx) !== 0;
  }
  toNumber(idx: number, L = this.L): number {
    return X.lua_tonumberx(L, idx, 0);
  }
  toInteger(idx: number, L = this.L): bigint {
    return X.lua_tointegerx(L, idx, 0);
  }
  /** The byte string at `idx` (numbers are converted in place, as `lua_tolstring`); null if neither. */
  toString(idx: number, L = this.L): string | null {
    const p = X.lua_tolstring(L, idx, lenPtr);
    if (p === 0) return null;
    return readBytes(p, M.HEAPU32[lenPtr >> 2]);
  }
  /** Whether a string converts to a number (`lua_isnumber`). */
  isNumeric(idx: number, L = this.L): boolean {
    return X.lua_isnumber(L, idx) !== 0;
  }
  /** Lua's name for the type at `idx` ("no value" for none). */
  typeName(idx: number, L = this.L): string {
    const names = [
      "nil",
      "boolean",
      "userdata",
      "number",
      "string",
      "table",
      "function",
      "userdata",
      "thread",
    ];
    const t = X.lua_type(L, idx);
    return t < 0 ? "no value" : names[t];
  }
  /** "chunk:line: " of the function `level` levels up (luaL_where). */
  where(level: number, L = this.L): string {
    X.luaL_where(L, level);
    const s = this.toString(-1, L) ?? "";
    X.lua_settop(L, -2);
    return s;
  }
  rawLength(idx: number, L = this.L): number {
    return Number(X.lua_rawlen(L, idx));
  }

  // ---- tables ----
  /** `t[name]` with t at `idx`, raw; pushes the value and returns its type. */
  rawGetField(idx: number, name: string, L = this.L): number {
    const abs = X.lua_absindex(L, idx);
    this.pushString(name, L);
    return X.lua_rawget(L, abs);
  }
  rawGetIndex(idx: number, i: number, L = this.L): number {
    return X.lua_rawgeti(L, idx, BigInt(i));
  }
  /** `t[k] = v` raw, with t at `idx` and k, v on top. */
  rawSet(idx: number, L = this.L): void {
    X.lua_rawset(L, idx);
  }
  /** `t[i] = top`, raw. */
  rawSetIndex(idx: number, i: number, L = this.L): void {
    X.lua_rawseti(L, idx, BigInt(i));
  }
  /** `t.name = top` raw, with t at `idx`. */
  rawSetField(idx: number, name: string, L = this.L): void {
    const abs = X.lua_absindex(L, idx);
    this.pushString(name, L);
    X.lua_rotate(L, -2, 1);
    X.lua_rawset(L, abs);
  }
  next(idx: number, L = this.L): boolean {
    return X.lua_next(L, idx) !== 0;
  }
  setMetatable(idx: number, L = this.L): void {
    X.lua_setmetatable(L, idx);
  }

  // ---- registry ----
  /** Pops the top value into the registry; returns its reference. */
  ref(L = this.L): number {
    return X.luaL_ref(L, LUA_REGISTRYINDEX);
  }
  unref(ref: number, L = this.L): void {
    X.luaL_unref(L, LUA_REGISTRYINDEX, ref);
  }
  pushRef(ref: number, L = this.L): void {
    X.lua_rawgeti(L, LUA_REGISTRYINDEX, ref < REF_BIGINTS.length ? REF_BIGINTS[ref] : BigInt(ref));
  }
  pushGlobals(L = this.L): void {
    X.lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  }
  /** Pops the top value and makes it the table `load` gives new chunks as their globals. */
  replaceGlobals(L = this.L): void {
    X.lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  }

  // ---- code ----
  /** Compiles `code` as chunk `chunkName`; pushes the function or the error message. */
  load(code: string, chunkName: string, L = this.L): number {
    const n = code.length;
    const buf = X.malloc(n + chunkName.length + 2);
    const h: Uint8Array = M.HEAPU8;
    for (let i = 0; i < n; i++) h[buf + i] = code.charCodeAt(i);
    const name = buf + n + 1;
    for (let i = 0; i < chunkName.length; i++) h[name + i] = chunkName.charCodeAt(i);
    h[name + chunkName.length] = 0;
    h[scratch] = 116; // "t": text chunks only, as Redis refuses precompiled bytecode
    h[scratch + 1] = 0;
    const rc = X.luaL_loadbufferx(L, buf, n, name, scratch);
    X.free(buf);
    return rc;
  }
  pcall(nargs: number, nresults: number, handler: number, L = this.L): number {
    return X.lua_pcallk(L, nargs, nresults, handler, 0, 0);
  }
  /** Raises the value on top as a Lua error (does not return: unwinds to the pcall). */
  error(L = this.L): number {
    return X.lua_error(L);
  }

  // ---- glue (lua_glue.wat): several API calls in one crossing ----
  /**
   * Sets KEYS and ARGV (arrays of `keys`, `args`) in the table at registry[`tableRef`].
   * False, nothing done, when they do not fit the glue's buffer (the caller sets them itself).
   */
  setKeysAndArgv(tableRef: number, keys: readonly string[], args: readonly string[]): boolean {
    const count = keys.length + args.length;
    let at = scriptArgs + count * 8;
    const end = scriptArgs + SCRIPT_ARGS_SIZE;
    if (at > end) return false;
    const h: Uint8Array = M.HEAPU8;
    const words: Uint32Array = M.HEAPU32;
    let w = scriptArgs >> 2;
    for (let list = 0; list < 2; list++) {
      const items = list === 0 ? keys : args;
      for (let i = 0; i < items.length; i++) {
        const s = items[i];
        const n = s.length;
        if (at + n > end) return false;
        for (let j = 0; j < n; j++) h[at + j] = s.charCodeAt(j);
        words[w++] = at;
        words[w++] = n;
        at += n;
      }
    }
    glue.setArgs(this.L, tableRef, argNames, scriptArgs, keys.length, args.length);
    return true;
  }

  /**
   * Pushes registry[`handlerRef`] and registry[`fnRef`] and calls the function without
   * arguments for one result (`lua_pcall(L, 0, 1, handler)`); returns the status.
   */
  runRef(handlerRef: number, fnRef: number): number {
    return glue.run(this.L, handlerRef, fnRef);
  }

  /**
   * Reads the value on top in one crossing when it is a string or a number (glue
   * `scalar`). Returns SCALAR_STRING, SCALAR_INTEGER, SCALAR_BIGINT or SCALAR_FLOAT, then
   * read with `scalarString` / `scalarNumber` / `scalarBigInt`; or the value's Lua type.
   */
  scalar(L = this.L): number {
    return glue.scalar(L, scalarOut);
  }
  scalarString(): string {
    const words: Uint32Array = M.HEAPU32;
    return readBytes(words[(scalarOut >> 2) + 2], words[(scalarOut >> 2) + 3]);
  }
  scalarNumber(): number {
    return (M.HEAPF64 as Float64Array)[scalarOut >> 3];
  }
  scalarBigInt(): bigint {
    const words: Uint32Array = M.HEAPU32;
    const low = BigInt(words[scalarOut >> 2]);
    return BigInt.asIntN(64, (BigInt(words[(scalarOut >> 2) + 1]) << 32n) | low);
  }

  // ---- hooks ----
  /**
   * Calls the hook handler every `count` VM instructions of thread `L` (and of the
   * coroutines it creates). The handler is process-wide (`setHookHandler`): one script
   * runs at a time.
   */
  installCountHook(count: number, L = this.L): void {
    X.lua_sethook(L, hook, LUA_MASKCOUNT, count);
  }

  /** The function count hooks call, for whichever state runs now. */
  static setHookHandler(fn: ((L: number) => void) | null): void {
    hookHandler = fn;
  }

  /** Runs `code` (trusted setup code) and raises a JS error if it fails. */
  exec(code: string, chunkName = "=setup"): void {
    if (this.load(code, chunkName) !== LUA_OK || this.pcall(0, 0, 0) !== LUA_OK) {
      const msg = this.toString(-1);
      this.pop(1);
      throw new Error(`Lua setup failed: ${msg}`);
    }
  }
}
