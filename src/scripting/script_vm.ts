/**
 * A Lua state set up as Redis sets up its scripting VM: the sandbox (sandbox_lua.ts), the
 * `redis` API, cjson / cmsgpack / struct / bit, and Redis's conversion rules both ways between command
 * replies and Lua values (script_lua.c in Redis 7.0). It knows nothing of the server: every
 * `redis.call` goes to the `ScriptHost` of the running script, which runs the command
 * through respd's one pipeline. EVAL scripts and FUNCTION libraries each get one of these
 * (Redis also keeps two Lua states).
 *
 * Long scripts: a count hook checks the clock every 100,000 VM instructions and, past the
 * time limit, stops the script with an error no `pcall` can catch (see README, "Scripting").
 * The limit counts from the hook's first call (a script's first 100,000 instructions are
 * not timed: most scripts end before, and never read the clock).
 *
 * Garbage: Lua's own incremental collector runs as scripts allocate. Redis also forces a
 * collector step (50 KB worth) every 50 scripts; measured here that step cost ~8% of a
 * one-call EVALSHA (it walks the whole heap, the cached scripts included) for no gain the
 * collector does not make anyway, so respd leaves it out.
 */

import { createHash } from "node:crypto";
import {
  LUA_ERRMEM,
  LUA_OK,
  type LuaCommandFunction,
  type LuaFunction,
  LuaVm,
  SCALAR_BIGINT,
  SCALAR_FLOAT,
  SCALAR_INTEGER,
  SCALAR_STRING,
  T_BOOLEAN,
  T_NIL,
  T_NUMBER,
  T_STRING,
  T_TABLE,
} from "./lua_runtime.ts";
import { SANDBOX_LUA } from "./sandbox_lua.ts";
import { formatG, type Reply } from "./reply.ts";
import { jsonDecode } from "./json_decode.ts";
import { msgpackPack, msgpackUnpack } from "./msgpack.ts";
import { StructError, structPack, structSize, structUnpack } from "./lua_struct.ts";

/** What a running script may ask of the server. */
export interface ScriptHost {
  /**
   * Runs `argv` as the script's fake client would, with every check Redis's scriptCall makes
   * (unknown command, arity, noscript, read-only scripts, OOM). Replies as the command would
   * in protocol `resp`; refusals come back as `{ kind: "error" }` with Redis's full text.
   */
  call(argv: string[], resp: 2 | 3): Reply;
  /**
   * redis.acl_check_cmd: whether the caller may run `argv` (its WebSocket command policy);
   * null when no such command exists.
   */
  permits(argv: string[]): boolean | null;
}

/** One script execution's state. */
interface Run {
  host: ScriptHost;
  resp: 2 | 3;
  /** The name in error texts: the script's SHA1, or the function's name. */
  funcname: string;
  /**
   * Date.now() at the count hook's first call in this script, -1 before: the clock is read
   * only by scripts that run 100,000 instructions (a reading costs ~0.15 µs here, ~8% of
   * a one-call script), so the time limit counts from there.
   */
  started: number;
  /** The time limit in ms when the script started (0: none). */
  limit: number;
  killed: boolean;
}

/** Settings the VM reads at each run. */
export interface ScriptVmOptions {
  /** Lua heap limit in bytes. */
  memoryLimit: number;
  /** Milliseconds after which a script is stopped (0: never). */
  timeLimit: () => number;
  /** redis.log: level 0–3 (debug … warning) and the text. */
  log: (level: number, message: string) => void;
  /** Redis's numeric version for redis.REDIS_VERSION_NUM, e.g. 0x07000f. */
  version: string;
}

const HOOK_INSTRUCTIONS = 100_000;

/** SHA1 hex of a byte string (script names, redis.sha1hex). */
export function sha1hex(s: string): string {
  return createHash("sha1").update(s, "latin1").digest("hex");
}

/** The error Redis raises when a script exceeds the time limit. */
export const SCRIPT_TIMEOUT_TEXT =
  "Script killed: it ran longer than busy-reply-threshold (see CONFIG GET busy-reply-threshold)";

export class ScriptVm {
  readonly vm: LuaVm;
  #run: Run | null = null;
  #errorHandlerRef: number;
  #realGlobalsRef: number;
  #gcRef: number;
  #jsonNullRef: number;

  constructor(readonly options: ScriptVmOptions, extraApi?: (vm: ScriptVm) => void) {
    const vm = new LuaVm(options.memoryLimit);
    this.vm = vm;
    vm.exec(SANDBOX_LUA, "=sandbox");
    // The count hook stays installed: installing it per script would cost two calls.
    vm.installCountHook(HOOK_INSTRUCTIONS);
    vm.pushGlobals();
    vm.pushValue(-1);
    this.#realGlobalsRef = vm.ref();
    vm.rawGetField(-1, "collectgarbage");
    this.#gcRef = vm.ref();
    vm.rawGetField(-1, "__redis__err__handler");
    this.#errorHandlerRef = vm.ref();

    this.#registerRedisApi();
    extraApi?.(this);
    this.#registerLibraries();

    // Protect globals: the proxy becomes what every chunk loaded from now on sees.
    vm.rawGetField(-1, "__respd_protect");
    if (vm.pcall(0, 1, 0) !== LUA_OK) throw new Error(`Lua setup: ${vm.toString(-1)}`);
    vm.replaceGlobals();
    vm.pop(1);
    // The JSON null placeholder, kept for decode.
    vm.pushGlobals();
    vm.rawGetField(-1, "cjson");
    vm.pop(1);
    this.#jsonNullRef = this.#jsonNullRefFromSetup;
    vm.pop(1);
  }

  #jsonNullRefFromSetup = 0;

  get running(): boolean {
    return this.#run !== null;
  }

  // ---------------------------------------------------------------- the redis API

  /** Adds `fn` as field `name` of the table on top of the stack. */
  setFunction(name: string, fn: LuaFunction): void {
    this.vm.pushFunction((L) => this.#guard(L, fn, null));
    this.vm.rawSetField(-2, name);
  }

  /**
   * Runs a JS implementation of a Lua function. JS exceptions must not cross the wasm frames
   * (the Lua state would be left half-updated), so they become Lua errors here.
   */
  #guard(L: number, fn: LuaCommandFunction, argv: string[] | null): number {
    let result: number;
    try {
      result = fn(L, argv);
    } catch (e: unknown) {
      if (e instanceof LuaRaise) return this.vm.error(L);
      if (isWasmUnwind(e)) throw e;
      this.vm.pushString(`respd: ${e instanceof Error ? e.message : String(e)}`, L);
      return this.vm.error(L);
    }
    return result;
  }

  #registerRedisApi(): void {
    const vm = this.vm;
    vm.newTable();
    // The arguments of these two are read with the call (LuaVm.pushCommandFunction).
    vm.pushCommandFunction((L, argv) => this.#guard(L, this.#call, argv));
    vm.rawSetField(-2, "call");
    vm.pushCommandFunction((L, argv) => this.#guard(L, this.#pcall, argv));
    vm.rawSetField(-2, "pcall");
    this.setFunction("error_reply", (L) => {
      if (vm.top(L) !== 1 || vm.type(-1, L) !== T_STRING) {
        this.pushError("wrong number or type of arguments", L);
        return 1;
      }
      const err = vm.toString(-1, L)!;
      this.pushErrorBuffer(err.startsWith("-") ? err : "-" + err, L);
      return 1;
    });
    this.setFunction("status_reply", (L) => {
      if (vm.top(L) !== 1 || vm.type(-1, L) !== T_STRING) {
        this.pushError("wrong number or type of arguments", L);
        return 1;
      }
      vm.newTable(0, 1, L);
      vm.pushValue(-2, L);
      vm.rawSetField(-2, "ok", L);
      return 1;
    });
    this.setFunction("sha1hex", (L) => {
      if (vm.top(L) !== 1) this.raise("wrong number of arguments", L);
      vm.pushString(sha1hex(vm.toString(1, L) ?? ""), L);
      return 1;
    });
    this.setFunction("log", (L) => {
      const argc = vm.top(L);
      if (argc < 2) this.raise("redis.log() requires two arguments or more.", L);
      if (vm.type(1, L) !== T_NUMBER && !(vm.type(1, L) === T_STRING && vm.isNumeric(1, L))) {
        this.raise("First argument must be a number (log level).", L);
      }
      const level = Math.trunc(vm.toNumber(1, L));
      if (level < 0 || level > 3) this.raise("Invalid debug level.", L);
      const parts: string[] = [];
      for (let i = 2; i <= argc; i++) {
        const t = vm.type(i, L);
        if (t === T_STRING || t === T_NUMBER) parts.push(vm.toString(i, L)!);
      }
      this.options.log(level, parts.join(" "));
      return 0;
    });
    this.setFunction("setresp", (L) => {
      const run = this.#requireRun("redis.setresp", L);
      if (vm.top(L) !== 1) this.raise("redis.setresp() requires one argument.", L);
      const resp = Math.trunc(vm.toNumber(-1, L));
      if (resp !== 2 && resp !== 3) this.raise("RESP version must be 2 or 3.", L);
      run.resp = resp as 2 | 3;
      return 0;
    });
    this.setFunction("set_repl", (L) => {
      this.#requireRun("redis.set_repl", L);
      if (vm.top(L) !== 1) this.raise("redis.set_repl() requires two arguments.", L);
      const flags = Math.trunc(vm.toNumber(-1, L));
      if ((flags & ~3) !== 0) {
        this.raise(
          "Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
          L,
        );
      }
      return 0;
    });
    this.setFunction("acl_check_cmd", (L) => this.#aclCheck(L));
    this.setFunction("replicate_commands", (L) => {
      vm.pushBoolean(true, L);
      return 1;
    });
    this.setFunction("breakpoint", (L) => {
      vm.pushBoolean(false, L);
      return 1;
    });
    this.setFunction("debug", () => 0);
    const numbers: [string, number][] = [
      ["LOG_DEBUG", 0],
      ["LOG_VERBOSE", 1],
      ["LOG_NOTICE", 2],
      ["LOG_WARNING", 3],
      ["REPL_NONE", 0],
      ["REPL_AOF", 1],
      ["REPL_SLAVE", 2],
      ["REPL_REPLICA", 2],
      ["REPL_ALL", 3],
    ];
    for (const [name, value] of numbers) {
      vm.pushInteger(value);
      vm.rawSetField(-2, name);
    }
    const [major, minor, patch] = this.options.version.split(".").map(Number);
    vm.pushInteger((major << 16) | (minor << 8) | patch);
    vm.rawSetField(-2, "REDIS_VERSION_NUM");
    vm.pushString(this.options.version);
    vm.rawSetField(-2, "REDIS_VERSION");
    vm.pushGlobals();
    vm.insert(-2);
    vm.rawSetField(-2, "redis");
    vm.pop(1);
  }

  #registerLibraries(): void {
    const vm = this.vm;
    vm.pushGlobals();
    // cjson
    vm.newTable();
    vm.pushLightNull();
    vm.pushValue(-1);
    this.#jsonNullRefFromSetup = vm.ref();
    vm.rawSetField(-2, "null");
    vm.rawGetField(-2, "__respd_cjson_encode");
    vm.pushRef(this.#jsonNullRefFromSetup);
    if (vm.pcall(1, 1, 0) !== LUA_OK) throw new Error(`Lua setup: ${vm.toString(-1)}`);
    vm.rawSetField(-2, "encode");
    this.setFunction("decode", (L) => {
      if (vm.top(L) !== 1) this.raiseRaw("bad argument #1 to 'decode' (expected 1 argument)", L);
      const text = vm.toString(1, L);
      if (text === null) {
        this.raiseRaw(
          "bad argument #1 to 'decode' (string expected, got " + vm.typeName(1, L) + ")",
          L,
        );
      }
      const value = jsonDecode(text!);
      if (typeof value === "object" && value !== null && "error" in value) {
        this.raiseRaw(value.error as string, L);
      }
      this.#pushJson(value, L, 0);
      return 1;
    });
    this.setFunction("encode_keep_buffer", () => 0);
    vm.rawSetField(-2, "cjson");
    // cmsgpack
    vm.newTable();
    this.setFunction("pack", (L) => {
      const argc = vm.top(L);
      if (argc === 0) this.raiseRaw("MessagePack pack needs input.", L);
      const out: number[] = [];
      for (let i = 1; i <= argc; i++) msgpackPack(vm, L, i, out, 0);
      vm.pushString(String.fromCharCode.apply(null, out), L);
      return 1;
    });
    this.setFunction("unpack", (L) => {
      const s = vm.toString(1, L);
      if (s === null) {
        this.raiseRaw(
          "bad argument #1 to 'unpack' (string expected, got " + vm.typeName(1, L) + ")",
          L,
        );
      }
      const r = msgpackUnpack(vm, L, s!, 0, -1);
      if (typeof r === "string") this.raiseRaw(r, L);
      return r as number;
    });
    vm.rawSetField(-2, "cmsgpack");
    // struct
    vm.newTable();
    const structFn = (fn: (L: number) => number) => (L: number) => {
      try {
        return fn(L);
      } catch (e: unknown) {
        if (e instanceof StructError) this.raiseRaw(e.message, L);
        throw e;
      }
    };
    this.setFunction("pack", structFn((L) => (vm.pushString(structPack(vm, L), L), 1)));
    this.setFunction("unpack", structFn((L) => structUnpack(vm, L)));
    this.setFunction("size", structFn((L) => (vm.pushInteger(structSize(vm, L), L), 1)));
    vm.rawSetField(-2, "struct");
    vm.pop(1);
  }

  #pushJson(value: unknown, L: number, depth: number): void {
    const vm = this.vm;
    if (!vm.checkStack(3, L)) this.raiseRaw("Found too many nested data structures", L);
    if (value === null) return vm.pushRef(this.#jsonNullRef, L);
    switch (typeof value) {
      case "string":
        return vm.pushString(value, L);
      case "number":
        if (Number.isSafeInteger(value) && !Object.is(value, -0)) return vm.pushInteger(value, L);
        return vm.pushNumber(value, L);
      case "boolean":
        return vm.pushBoolean(value, L);
    }
    if (depth >= 1000) this.raiseRaw("Found too many nested data structures (1001)", L);
    if (Array.isArray(value)) {
      vm.newTable(value.length, 0, L);
      for (let i = 0; i < value.length; i++) {
        this.#pushJson(value[i], L, depth + 1);
        vm.rawSetIndex(-2, i + 1, L);
      }
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    vm.newTable(0, entries.length, L);
    for (const [k, v] of entries) {
      vm.pushString(k, L);
      this.#pushJson(v, L, depth + 1);
      vm.rawSet(-3, L);
    }
  }

  // ---------------------------------------------------------------- errors

  /**
   * Pushes Redis's error table `{err = "CODE msg"}` (luaPushErrorBuff): "-CODE msg" keeps its
   * code, anything else gets ERR.
   */
  pushErrorBuffer(text: string, L = this.vm.L): void {
    let code = "ERR";
    let msg = text;
    if (text.startsWith("-")) {
      const sp = text.indexOf(" ");
      if (sp < 0) msg = text.slice(1);
      else {
        code = text.slice(1, sp);
        msg = text.slice(sp + 1);
      }
    }
    msg = msg.replace(/^[\r\n]+|[\r\n]+$/g, "");
    this.vm.newTable(0, 1, L);
    this.vm.pushString(`${code} ${msg}`, L);
    this.vm.rawSetField(-2, "err", L);
  }

  pushError(text: string, L = this.vm.L): void {
    this.pushErrorBuffer(text, L);
  }

  /** Raises Redis's error table for `text` (luaPushError + luaError). */
  raise(text: string, L: number): never {
    this.pushError(text, L);
    throw new LuaRaise();
  }

  /** Raises a plain Lua error string with the caller's position (luaL_error). */
  raiseRaw(text: string, L: number): never {
    this.vm.pushString(this.vm.where(1, L) + text, L);
    throw new LuaRaise();
  }

  #requireRun(what: string, L: number): Run {
    if (this.#run === null) this.raise(`${what} can only be called inside a script invocation`, L);
    return this.#run;
  }

  // ---------------------------------------------------------------- redis.call

  readonly #call = (L: number, argv: string[] | null) => this.#redisCall(L, argv, true);
  readonly #pcall = (L: number, argv: string[] | null) => this.#redisCall(L, argv, false);

  /** `read`: the arguments when all strings (read with the call), else null. */
  #redisCall(L: number, read: string[] | null, raise: boolean): number {
    const vm = this.vm;
    const run = this.#requireRun("redis.call/pcall", L);
    const argv = read ?? this.#argv(L);
    if (argv === null) {
      if (raise) throw new LuaRaise();
      return 1;
    }
    const reply = run.host.call(argv, run.resp);
    if (isError(reply)) {
      this.pushErrorBuffer("-" + reply.value, L);
      vm.pushBoolean(true, L);
      vm.rawSetField(-2, "ignore_error_stats_update", L);
      if (raise) throw new LuaRaise();
      return 1;
    }
    // The usual replies are pushed by the trampoline after this returns: no crossing.
    if (typeof reply === "string") return vm.deferPushString(reply, L);
    if (typeof reply === "number") return vm.deferPushInteger(reply, L);
    if (
      reply !== null && !Array.isArray(reply) && typeof reply === "object" &&
      reply.kind === "status"
    ) {
      return vm.deferPushStatus(reply.value, L);
    }
    this.pushReply(reply, L);
    return 1;
  }

  /** redis.acl_check_cmd(command, ...): whether the caller may run it. */
  #aclCheck(L: number): number {
    const run = this.#requireRun("redis.acl_check_cmd", L);
    const argv = this.#argv(L);
    if (argv === null) throw new LuaRaise();
    const allowed = run.host.permits(argv);
    if (allowed === null) this.raise("Invalid command passed to redis.acl_check_cmd()", L);
    this.vm.pushBoolean(allowed, L);
    return 1;
  }

  /**
   * The arguments on the stack as a command (luaArgsToRedisArgv), the stack emptied; null
   * with Redis's error table pushed when there are none or one is not a string or number.
   */
  #argv(L: number): string[] | null {
    const vm = this.vm;
    const argc = vm.top(L);
    if (argc === 0) {
      this.pushError("Please specify at least one argument for this redis lib call", L);
      return null;
    }
    const argv: string[] = new Array(argc);
    for (let i = 1; i <= argc; i++) {
      const t = vm.type(i, L);
      if (t === T_STRING) argv[i - 1] = vm.toString(i, L)!;
      else if (t === T_NUMBER) {
        if (vm.isInteger(i, L)) {
          const n = vm.toInteger(i, L);
          argv[i - 1] = n > -100000000000000000n && n < 100000000000000000n
            ? String(n)
            : formatG(Number(n), 17);
        } else argv[i - 1] = formatG(vm.toNumber(i, L), 17);
      } else {
        vm.setTop(0, L);
        this.pushError("Lua redis lib command arguments must be strings or integers", L);
        return null;
      }
    }
    vm.setTop(0, L);
    return argv;
  }

  /** Pushes a command's reply as Lua sees it (redisProtocolToLuaType). */
  pushReply(r: Reply, L: number): void {
    const vm = this.vm;
    // A scalar takes one slot, and a C function always has LUA_MINSTACK (20) free: only
    // containers, which nest, ask for room.
    if (typeof r === "string") return vm.pushString(r, L);
    if (typeof r === "number" || typeof r === "bigint") return vm.pushInteger(r, L);
    if (r === null) {
      if (this.#run?.resp === 3) return vm.pushNil(L);
      return vm.pushBoolean(false, L);
    }
    if (!vm.checkStack(4, L)) this.raiseRaw("reached lua stack limit", L);
    if (Array.isArray(r)) {
      vm.newTable(r.length, 0, L);
      for (let i = 0; i < r.length; i++) {
        this.pushReply(r[i], L);
        vm.rawSetIndex(-2, i + 1, L);
      }
      return;
    }
    switch (r.kind) {
      case "status":
        return vm.pushStatus(r.value, L);
      case "error":
        this.pushErrorBuffer("-" + r.value, L);
        vm.pushBoolean(true, L);
        vm.rawSetField(-2, "ignore_error_stats_update", L);
        return;
      case "nullarray":
        return vm.pushBoolean(false, L);
      case "boolean":
        return vm.pushBoolean(r.value, L);
      case "double":
        vm.newTable(0, 1, L);
        vm.pushNumber(r.value, L);
        vm.rawSetField(-2, "double", L);
        return;
      case "bignum":
        vm.newTable(0, 1, L);
        vm.pushString(r.value, L);
        vm.rawSetField(-2, "big_number", L);
        return;
      case "verbatim":
        vm.newTable(0, 1, L);
        vm.newTable(0, 2, L);
        vm.pushString(r.value, L);
        vm.rawSetField(-2, "string", L);
        vm.pushString(r.format, L);
        vm.rawSetField(-2, "format", L);
        vm.rawSetField(-2, "verbatim_string", L);
        return;
      case "map":
        vm.newTable(0, 1, L);
        vm.newTable(0, r.value.length, L);
        for (const [k, v] of r.value) {
          this.pushReply(k, L);
          this.pushReply(v, L);
          vm.rawSet(-3, L);
        }
        vm.rawSetField(-2, "map", L);
        return;
      case "set":
        vm.newTable(0, 1, L);
        vm.newTable(0, r.value.length, L);
        for (const item of r.value) {
          this.pushReply(item, L);
          vm.pushBoolean(true, L);
          vm.rawSet(-3, L);
        }
        vm.rawSetField(-2, "set", L);
        return;
    }
  }

  // ---------------------------------------------------------------- Lua → reply

  /** Converts and pops the value on top of the stack (luaReplyToRedisReply). */
  toReply(resp: 2 | 3, depth = 0): Reply {
    const vm = this.vm;
    // Strings and numbers are read with their type, in one crossing.
    const t = vm.scalar();
    let out: Reply;
    switch (t) {
      case SCALAR_STRING:
        out = vm.scalarString();
        break;
      case SCALAR_INTEGER:
        out = vm.scalarNumber();
        break;
      case SCALAR_BIGINT:
        out = vm.scalarBigInt();
        break;
      case SCALAR_FLOAT:
        out = truncate(vm.scalarNumber());
        break;
      case T_BOOLEAN:
        if (resp === 2) out = vm.toBoolean(-1) ? 1 : null;
        else out = { kind: "boolean", value: vm.toBoolean(-1) };
        break;
      case T_TABLE:
        if (!vm.checkStack(4)) {
          vm.pop(1);
          return { kind: "error", value: "ERR reached lua stack limit" };
        }
        return this.#tableToReply(resp, depth);
      default:
        out = null;
    }
    vm.pop(1);
    return out;
  }

  #tableToReply(resp: 2 | 3, depth: number): Reply {
    const vm = this.vm;
    if (vm.rawGetField(-1, "err") === T_STRING) {
      vm.pop(1);
      const info = this.#errorInfo();
      vm.pop(1);
      return { kind: "error", value: (info.msg ?? "").replace(/[\r\n]/g, " ") };
    }
    vm.pop(1);
    if (vm.rawGetField(-1, "ok") === T_STRING) {
      const s = vm.toString(-1)!;
      vm.pop(2);
      return { kind: "status", value: s.replace(/[\r\n]/g, " ") };
    }
    vm.pop(1);
    if (vm.rawGetField(-1, "double") === T_NUMBER) {
      const x = vm.toNumber(-1);
      vm.pop(2);
      return { kind: "double", value: x };
    }
    vm.pop(1);
    if (vm.rawGetField(-1, "big_number") === T_STRING) {
      const s = vm.toString(-1)!;
      vm.pop(2);
      return { kind: "bignum", value: s.replace(/[\r\n]/g, " ") };
    }
    vm.pop(1);
    if (vm.rawGetField(-1, "verbatim_string") === T_TABLE) {
      if (vm.rawGetField(-1, "format") === T_STRING) {
        const format = vm.toString(-1)!;
        if (vm.rawGetField(-2, "string") === T_STRING) {
          const s = vm.toString(-1)!;
          vm.pop(4);
          return { kind: "verbatim", format: format.slice(0, 3), value: s };
        }
        vm.pop(1);
      }
      vm.pop(1);
    }
    vm.pop(1);
    if (vm.rawGetField(-1, "map") === T_TABLE) {
      const pairs: [Reply, Reply][] = [];
      vm.pushNil();
      while (vm.next(-2)) {
        vm.pushValue(-2);
        const k = this.toReply(resp, depth + 1);
        const v = this.toReply(resp, depth + 1);
        pairs.push([k, v]);
      }
      vm.pop(2);
      return { kind: "map", value: pairs };
    }
    vm.pop(1);
    if (vm.rawGetField(-1, "set") === T_TABLE) {
      const items: Reply[] = [];
      vm.pushNil();
      while (vm.next(-2)) {
        vm.pop(1);
        vm.pushValue(-1);
        items.push(this.toReply(resp, depth + 1));
      }
      vm.pop(2);
      return { kind: "set", value: items };
    }
    vm.pop(1);
    const items: Reply[] = [];
    for (let j = 1;; j++) {
      if (vm.rawGetIndex(-1, j) === T_NIL) {
        vm.pop(1);
        break;
      }
      items.push(this.toReply(resp, depth + 1));
    }
    vm.pop(1);
    return items;
  }

  /** luaExtractErrorInformation on the table on top (left in place). */
  #errorInfo(): { msg: string | null; source: string | null; line: string | null } {
    const vm = this.vm;
    const field = (name: string): string | null => {
      const t = vm.rawGetField(-1, name);
      const s = t === T_STRING || t === T_NUMBER ? vm.toString(-1) : null;
      vm.pop(1);
      return s;
    };
    return { msg: field("err"), source: field("source"), line: field("line") };
  }

  // ---------------------------------------------------------------- running

  /** Compiles `body`; returns the registry reference of the function, or the Lua error text. */
  compile(body: string, chunkName: string): number | string {
    const vm = this.vm;
    if (vm.load(body, chunkName) !== LUA_OK) {
      const msg = vm.toString(-1) ?? "unknown error";
      vm.pop(1);
      return msg;
    }
    return vm.ref();
  }

  /** Sets KEYS and ARGV in the real globals table, bypassing the read-only proxy. */
  setKeysAndArgv(keys: readonly string[], args: readonly string[]): void {
    if (this.vm.setKeysAndArgv(this.#realGlobalsRef, keys, args)) return;
    this.setGlobalArray("KEYS", keys);
    this.setGlobalArray("ARGV", args);
  }

  /** Sets a global in the real globals table (KEYS, ARGV), bypassing the read-only proxy. */
  setGlobalArray(name: string, items: readonly string[]): void {
    const vm = this.vm;
    vm.pushRef(this.#realGlobalsRef);
    this.pushArray(items);
    vm.rawSetField(-2, name);
    vm.pop(1);
  }

  pushArray(items: readonly string[]): void {
    const vm = this.vm;
    vm.newTable(items.length, 0);
    for (let i = 0; i < items.length; i++) {
      vm.pushString(items[i]);
      vm.rawSetIndex(-2, i + 1);
    }
  }

  /**
   * Calls the function at `ref` with `args` pushed by `pushArgs` (its count returned; none
   * without it) and returns the reply for a caller speaking `callerResp`, errors formatted
   * as Redis does.
   */
  call(
    ref: number,
    funcname: string,
    host: ScriptHost,
    pushArgs?: () => number,
  ): Reply {
    const vm = this.vm;
    const run: Run = {
      host,
      resp: 2,
      funcname,
      started: -1,
      limit: this.options.timeLimit(),
      killed: false,
    };
    this.#run = run;
    LuaVm.setHookHandler(this.#hookHandler);
    const base = vm.top();
    try {
      let rc: number;
      if (pushArgs === undefined) rc = vm.runRef(this.#errorHandlerRef, ref);
      else {
        vm.pushRef(this.#errorHandlerRef);
        vm.pushRef(ref);
        rc = vm.pcall(pushArgs(), 1, base + 1);
      }
      let reply: Reply;
      if (rc !== LUA_OK) reply = this.#errorReply(rc, run);
      else reply = this.toReply(run.resp);
      return reply;
    } finally {
      vm.setTop(base);
      this.#run = null;
      if (run.killed) vm.installCountHook(HOOK_INSTRUCTIONS);
    }
  }

  #errorReply(rc: number, run: Run): Reply {
    const vm = this.vm;
    if (vm.type(-1) !== T_TABLE) {
      const msg = rc === LUA_ERRMEM
        ? "not enough memory"
        : (vm.toString(-1) ?? "execution failure");
      vm.pop(1);
      return {
        kind: "error",
        value: `ERR Error running script ${run.funcname}, ${msg.slice(0, 100)}`.trimEnd(),
      };
    }
    const info = this.#errorInfo();
    vm.pop(1);
    let text = info.msg ?? "";
    if (info.line !== null && info.source !== null) {
      text += ` script: ${run.funcname}, on ${info.source}:${info.line}.`;
    }
    return { kind: "error", value: text.replace(/[\r\n]/g, " ") };
  }

  /** Every 100,000 instructions: past the time limit, stops the script. */
  readonly #hookHandler = (L: number): void => {
    const run = this.#run;
    if (run === null || run.limit <= 0) return;
    if (run.started < 0) {
      run.started = Date.now();
      return;
    }
    if (!run.killed && Date.now() - run.started < run.limit) return;
    run.killed = true;
    // From now on the hook fires at every instruction, so a pcall cannot swallow the stop.
    this.vm.installCountHook(1, L);
    this.pushError(SCRIPT_TIMEOUT_TEXT, L);
    this.vm.error(L);
  };

  /** Frees everything the state holds and starts over is done by making a new ScriptVm. */
  close(): void {
    this.vm.close();
  }

  /** Runs a full garbage collection (after SCRIPT FLUSH, FUNCTION FLUSH). */
  collect(): void {
    const vm = this.vm;
    vm.pushRef(this.#gcRef);
    vm.pushString("collect");
    vm.pcall(1, 0, 0);
  }
}

/** Thrown by JS API functions to raise the Lua value they pushed. */
class LuaRaise {}

/** Emscripten's longjmp (a Lua error raised further down) travels as a JS exception. */
function isWasmUnwind(e: unknown): boolean {
  return !(e instanceof Error) || e.constructor.name === "EmscriptenEH" ||
    (e as { name?: string }).name === "EmscriptenSjLj";
}

function isError(r: Reply): r is { kind: "error"; value: string } {
  return r !== null && typeof r === "object" && !Array.isArray(r) && r.kind === "error";
}

/** C's `(long long)x` on x86: truncation, and the int64 minimum for NaN or out of range. */
function truncate(x: number): number | bigint {
  if (Number.isNaN(x) || x >= 9223372036854775808 || x < -9223372036854775808) {
    return -9223372036854775808n;
  }
  const t = Math.trunc(x);
  return Number.isSafeInteger(t) ? (Object.is(t, -0) ? 0 : t) : BigInt(t);
}
