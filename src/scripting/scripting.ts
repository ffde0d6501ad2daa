/**
 * The server's scripting service: EVAL scripts and function libraries (each in its own Lua
 * state), and the fake client their `redis.call`s run as. Commands reach it through
 * `ctx.server.scripting` (commands/scripting.ts parses and replies; this runs).
 *
 * Each `redis.call` goes through the same steps as a client's command, in the order of
 * Redis's scriptCall: command lookup and arity (with the script wording of the errors), the
 * `noscript` flag, read-only scripts, the caller's WebSocket command policy, then the
 * maxmemory guard and the command itself (the pipeline's `call`), so WRONGTYPE, OOM and the
 * keyspace-change hook (WATCH, notifications, blocked clients) apply as for any client. The
 * fake client starts each script in the caller's database and protocol `redis.setresp`
 * chose. Scripts run synchronously on the event loop: no other client's command runs while
 * one runs.
 */

import { resolveCommand } from "../commands/pipeline.ts";
import { lookupCommand } from "../commands/registry.ts";
import { CommandError } from "../errors.ts";
import type { CommandContext } from "../commands/context.ts";
import { type CommandSpec, wrongArgCount } from "../commands/command.ts";
import { Session } from "../session.ts";
import type { Server } from "../server.ts";
import { noPermission } from "../security/policy.ts";
import { recordDenial, scriptNoPermission } from "../commands/acl.ts";
import { ACL_OK, type AclUser } from "../acl/user.ts";
import { EvalScripts, type ScriptFlags } from "./eval_scripts.ts";
import { FunctionLibraries, type LuaFunctionDef } from "./function_libraries.ts";
import type { Reply } from "./reply.ts";
import { ReplyCapture } from "./reply_capture.ts";
import type { ScriptHost } from "./script_vm.ts";
import { REDIS_VERSION } from "../config.ts";
import { NO_TRANSPORT } from "../transport/internal_transport.ts";

/** Lua heap limit of each of the two Lua states. */
export const LUA_MEMORY_LIMIT = 256 * 1024 * 1024;

const WRITE_IN_RO = "ERR Write commands are not allowed from read-only scripts.";
const WRITE_FLAG_RO = "ERR Can not execute a script with write flag using *_ro command.";
const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

const LOG_LEVELS = ["debug", "verbose", "notice", "warning"] as const;

export class Scripting {
  readonly evalScripts: EvalScripts;
  readonly functions: FunctionLibraries;
  #fakeClient: Session | null = null;
  /** The fake client's replies, as values (reply_capture.ts). */
  readonly #capture = new ReplyCapture();

  constructor(readonly server: Server) {
    const options = {
      memoryLimit: LUA_MEMORY_LIMIT,
      timeLimit: () => server.config.busyReplyThreshold,
      log: (level: number, message: string) => server.log(LOG_LEVELS[level], message),
      version: REDIS_VERSION,
    };
    this.evalScripts = new EvalScripts(options);
    this.functions = new FunctionLibraries(options);
  }

  get running(): boolean {
    return this.evalScripts.running || this.functions.running;
  }

  /** The client scripts' commands run as (Redis's script client). */
  get #client(): Session {
    if (this.#fakeClient === null) {
      this.#fakeClient = new Session(this.server, NO_TRANSPORT, 0);
      this.#fakeClient.grantAccess();
      // A script never waits: a blocking command times out at once (CLIENT_DENY_BLOCKING).
      this.#fakeClient.denyBlocking = true;
      this.#fakeClient.reply = this.#capture;
    }
    return this.#fakeClient;
  }

  /** EVAL / EVAL_RO: compiles and caches the body if new, then runs it. */
  eval(ctx: CommandContext, body: string, keys: string[], args: string[], ro: boolean): Reply {
    const { sha, script } = this.evalScripts.forBody(body);
    return this.#runEval(ctx, sha, script, keys, args, ro);
  }

  /** EVALSHA / EVALSHA_RO. */
  evalsha(ctx: CommandContext, sha: string, keys: string[], args: string[], ro: boolean): Reply {
    const script = this.evalScripts.get(sha);
    if (script === undefined) throw new CommandError(NOSCRIPT);
    return this.#runEval(ctx, sha.toLowerCase(), script, keys, args, ro);
  }

  #runEval(
    ctx: CommandContext,
    sha: string,
    script: { flags: ScriptFlags; ref: number; body: string },
    keys: string[],
    args: string[],
    ro: boolean,
  ): Reply {
    if (ro && script.flags.shebang && !script.flags.noWrites) {
      throw new CommandError(WRITE_FLAG_RO);
    }
    const host = this.#host(ctx, ro || script.flags.noWrites);
    return this.evalScripts.run(sha, script, keys, args, host);
  }

  /** FCALL / FCALL_RO. */
  fcall(ctx: CommandContext, name: string, keys: string[], args: string[], ro: boolean): Reply {
    const def: LuaFunctionDef | undefined = this.functions.functions.get(name);
    if (def === undefined) throw new CommandError("ERR Function not found");
    if (ro && !def.flags.noWrites) throw new CommandError(WRITE_FLAG_RO);
    const host = this.#host(ctx, ro || def.flags.noWrites);
    return this.functions.call(def, keys, args, host);
  }

  /** The host of the script about to run: one object, reused (scripts never nest). */
  #host(ctx: CommandContext, readOnly: boolean): ScriptHost {
    const client = this.#client;
    client.dbIndex = ctx.client.dbIndex;
    // The script's commands run as the caller's ACL user, checked as its own would be.
    const caller = ctx.client;
    client.grantAccess(caller.user as AclUser);
    const host = this.#fakeHost ??= new FakeClientHost(this.server, client, this.#capture);
    host.caller = caller;
    host.readOnly = readOnly;
    return host;
  }

  #fakeHost: FakeClientHost | null = null;

  /** SCRIPT FLUSH. */
  flushScripts(): void {
    this.evalScripts.flush();
  }
}

/**
 * A script's `redis.call`s, run as the fake client would (Redis's scriptCall): every check
 * in Redis's order, then the pipeline's `call`; the reply as a value (ReplyCapture).
 */
class FakeClientHost implements ScriptHost {
  /** The client whose EVAL / FCALL runs the script. */
  caller!: CommandContext["client"];
  /** EVAL_RO, FCALL_RO or a `no-writes` script. */
  readOnly = false;

  constructor(
    readonly server: Server,
    readonly client: Session,
    readonly capture: ReplyCapture,
  ) {}

  call(argv: string[], resp: 2 | 3): Reply {
    const { server, client, caller } = this;
    // A script calls a few commands again and again: their names come back as the same
    // strings (lua_runtime.ts pins them), so the last resolutions are kept by name.
    const name = argv[0];
    const slot = (name.length + name.charCodeAt(0)) & (RESOLVED_SLOTS - 1);
    let known = this.#resolved[slot];
    if (known === undefined || known.name !== name) {
      const resolved = this.#resolve(argv);
      if (!("spec" in resolved)) return resolved;
      known = resolved;
      if (resolved.spec.subcommands === undefined) this.#resolved[slot] = resolved;
    } else {
      if (wrongArgCount(known.spec.arity, argv.length)) return WRONG_ARGS;
    }
    const spec = known.spec;
    if (known.noscript) return err("ERR This Redis command is not allowed from script");
    const user = caller.user;
    if (!user.unrestricted) {
      const denied = user.check(spec, argv);
      if (denied.code !== ACL_OK) {
        recordDenial(caller, server.acl, denied.code, denied.pos, spec, argv, "lua");
        return err(scriptNoPermission(denied.code));
      }
    }
    if (this.readOnly && known.write) return err(WRITE_IN_RO);
    const policy = server.wsPolicy;
    if (policy !== null && caller.transport.kind === "ws" && !policy.allows(spec)) {
      return err(noPermission(spec));
    }
    client.protocol = resp;
    const oom = server.memory.active ? server.memory.admit(spec, false) : null;
    if (oom !== null) client.reply.error(oom);
    else server.pipeline.call(spec, argv, client);
    return this.capture.take();
  }

  readonly #resolved: (Resolved | undefined)[] = new Array(RESOLVED_SLOTS);

  /** The command `argv` names, checked as resolveCommand does; else the script's error. */
  #resolve(argv: string[]): Resolved | { kind: "error"; value: string } {
    let spec: CommandSpec;
    try {
      spec = resolveCommand(argv);
    } catch (e: unknown) {
      if (!(e instanceof CommandError)) throw e;
      if (e.message.startsWith("ERR wrong number of arguments")) return WRONG_ARGS;
      if (e.message.startsWith("ERR unknown subcommand")) return err(e.message);
      return err("ERR Unknown Redis command called from script");
    }
    return {
      name: argv[0],
      spec,
      noscript: spec.flags.includes("noscript"),
      write: spec.flags.includes("write"),
    };
  }

  permits(argv: string[]): boolean | null {
    const { server, caller } = this;
    let spec = lookupCommand(argv[0]);
    if (spec === undefined) return null;
    if (spec.subcommands !== undefined && argv.length >= 2) {
      spec = spec.subcommands.get(argv[1].toLowerCase());
      if (spec === undefined) return null;
    }
    if (!caller.user.unrestricted && caller.user.check(spec, argv).code !== ACL_OK) {
      return false;
    }
    const policy = server.wsPolicy;
    return caller.transport.kind !== "ws" || policy === null || policy.allows(spec);
  }
}

function err(value: string): { kind: "error"; value: string } {
  return { kind: "error", value };
}

/** A command name a script called, resolved (its spec has no subcommands when kept). */
interface Resolved {
  readonly name: string;
  readonly spec: CommandSpec;
  readonly noscript: boolean;
  readonly write: boolean;
}

const RESOLVED_SLOTS = 8;
const WRONG_ARGS = err("ERR Wrong number of args calling Redis command from script");
