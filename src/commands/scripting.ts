/**
 * Scripting commands: EVAL EVALSHA EVAL_RO EVALSHA_RO, SCRIPT (LOAD EXISTS FLUSH KILL HELP),
 * FUNCTION (LOAD LIST DELETE FLUSH STATS KILL DUMP RESTORE HELP), FCALL FCALL_RO. This file
 * parses arguments and writes replies with Redis 7.0's texts; running scripts is the
 * server's scripting service (scripting/scripting.ts, reached as `ctx.server.scripting`).
 *
 * SCRIPT KILL and FUNCTION KILL always answer NOTBUSY: a script runs to its end (or to the
 * time limit, busy-reply-threshold) before any other command is read, so there is never a
 * running script for another client to kill (README, "Scripting").
 */

import { parseInteger } from "./args.ts";
import { command, type CommandFlag, commandGroup } from "./command.ts";
import { CommandError, NOT_INTEGER } from "./errors.ts";
import { helpCommand } from "./help.ts";
import type { CommandContext } from "./context.ts";
import { type Reply, writeReply } from "../scripting/reply.ts";

interface ScriptCall {
  target: string;
  keys: string[];
  args: string[];
}

/** `<target> numkeys key... arg...`, with Redis's errors for numkeys. */
function parseScriptCall(argv: readonly string[], fcall: boolean): ScriptCall {
  const n = parseInteger(argv[2]);
  if (n === null) {
    throw new CommandError(fcall ? "ERR Bad number of keys provided" : NOT_INTEGER);
  }
  if (n > argv.length - 3) {
    throw new CommandError("ERR Number of keys can't be greater than number of args");
  }
  if (n < 0) throw new CommandError("ERR Number of keys can't be negative");
  const numkeys = Number(n);
  return {
    target: argv[1],
    keys: argv.slice(3, 3 + numkeys),
    args: argv.slice(3 + numkeys),
  };
}

function reply(ctx: CommandContext, r: Reply): void {
  writeReply(ctx.reply, r);
}

const EVAL_FLAGS: CommandFlag[] = [
  "noscript",
  "stale",
  "skip_monitor",
  "no_mandatory_keys",
  "movablekeys",
];
const EVAL_RO_FLAGS: CommandFlag[] = ["readonly", ...EVAL_FLAGS];

function evalCommand(name: string, ro: boolean, sha: boolean) {
  return command({
    name,
    arity: -3,
    flags: ro ? EVAL_RO_FLAGS : EVAL_FLAGS,
    categories: ["slow", "scripting"],
    parse: (a) => parseScriptCall(a.argv, false),
    execute(c, ctx) {
      const s = ctx.server.scripting;
      reply(
        ctx,
        sha
          ? s.evalsha(ctx, c.target, c.keys, c.args, ro)
          : s.eval(ctx, c.target, c.keys, c.args, ro),
      );
    },
  });
}

function fcallCommand(name: string, ro: boolean) {
  return command({
    name,
    arity: -3,
    flags: ro ? EVAL_RO_FLAGS : EVAL_FLAGS,
    categories: ["slow", "scripting"],
    parse: (a) => parseScriptCall(a.argv, true),
    execute(c, ctx) {
      reply(ctx, ctx.server.scripting.fcall(ctx, c.target, c.keys, c.args, ro));
    },
  });
}

/** `FLUSH [ASYNC|SYNC]` argument check shared by SCRIPT FLUSH and FUNCTION FLUSH. */
function flushMode(argv: readonly string[], error: string): void {
  if (argv.length === 2) return;
  const mode = argv[2].toLowerCase();
  if (argv.length > 3 || (mode !== "async" && mode !== "sync")) throw new CommandError(error);
}

const NOTBUSY = "NOTBUSY No scripts in execution right now.";

const scriptLoad = command({
  name: "script|load",
  arity: 3,
  flags: ["noscript", "stale"],
  categories: ["slow", "scripting"],
  parse: (a) => a.next(),
  execute(body, ctx) {
    ctx.reply.bulk(ctx.server.scripting.evalScripts.load(body));
  },
});

const scriptExists = command({
  name: "script|exists",
  arity: -3,
  flags: ["noscript", "stale"],
  categories: ["slow", "scripting"],
  parse: (a) => a.rest(),
  execute(shas, ctx) {
    const scripts = ctx.server.scripting.evalScripts;
    ctx.reply.array(shas.length);
    for (const sha of shas) ctx.reply.integer(scripts.has(sha) ? 1 : 0);
  },
});

const scriptFlush = command({
  name: "script|flush",
  arity: -2,
  flags: ["noscript"],
  categories: ["slow", "scripting"],
  parse: (a) => flushMode(a.argv, "ERR SCRIPT FLUSH only support SYNC|ASYNC option"),
  execute(_, ctx) {
    ctx.server.scripting.flushScripts();
    ctx.reply.ok();
  },
});

const scriptKill = command({
  name: "script|kill",
  arity: 2,
  flags: ["noscript", "allow_busy"],
  categories: ["slow", "scripting"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.reply.error(NOTBUSY);
  },
});

const SCRIPT_HELP = [
  "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
  "HELP",
  "    Prints this help.",
];

const functionLoad = command({
  name: "function|load",
  arity: -3,
  flags: ["write", "denyoom", "noscript"],
  categories: ["write", "slow", "scripting"],
  parse(a) {
    const argv = a.argv;
    let replace = false;
    let pos = 2;
    while (pos < argv.length - 1) {
      const arg = argv[pos++];
      if (arg.toLowerCase() === "replace") {
        replace = true;
        continue;
      }
      throw new CommandError(`ERR Unknown option given: ${arg}`);
    }
    if (pos >= argv.length) throw new CommandError("ERR Function code is missing");
    return { replace, code: argv[pos] };
  },
  execute({ replace, code }, ctx) {
    ctx.reply.bulk(ctx.server.scripting.functions.load(code, replace));
  },
});

const functionList = command({
  name: "function|list",
  arity: -2,
  flags: ["noscript"],
  categories: ["slow", "scripting"],
  tips: ["nondeterministic_output_order"],
  parse(a) {
    const argv = a.argv;
    let withCode = false;
    let pattern: string | null = null;
    for (let i = 2; i < argv.length; i++) {
      const arg = argv[i].toLowerCase();
      if (!withCode && arg === "withcode") {
        withCode = true;
        continue;
      }
      if (pattern === null && arg === "libraryname") {
        if (i >= argv.length - 1) throw new CommandError("ERR library name argument was not given");
        pattern = argv[++i];
        continue;
      }
      throw new CommandError(`ERR Unknown argument ${argv[i]}`);
    }
    return { withCode, pattern };
  },
  execute({ withCode, pattern }, ctx) {
    reply(ctx, ctx.server.scripting.functions.list(pattern, withCode));
  },
});

const functionDelete = command({
  name: "function|delete",
  arity: 3,
  flags: ["write", "noscript"],
  categories: ["write", "slow", "scripting"],
  parse: (a) => a.next(),
  execute(name, ctx) {
    ctx.server.scripting.functions.delete(name);
    ctx.reply.ok();
  },
});

const functionFlush = command({
  name: "function|flush",
  arity: -2,
  flags: ["write", "noscript"],
  categories: ["write", "slow", "scripting"],
  parse: (a) => flushMode(a.argv, "ERR FUNCTION FLUSH only supports SYNC|ASYNC option"),
  execute(_, ctx) {
    ctx.server.scripting.functions.flush();
    ctx.reply.ok();
  },
});

const functionStats = command({
  name: "function|stats",
  arity: 2,
  flags: ["noscript", "allow_busy"],
  categories: ["slow", "scripting"],
  tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
  parse: () => undefined,
  execute(_, ctx) {
    const f = ctx.server.scripting.functions;
    const k = (s: string): Reply => s;
    reply(ctx, {
      kind: "map",
      value: [
        [k("running_script"), null],
        [k("engines"), {
          kind: "map",
          value: [[k("LUA"), {
            kind: "map",
            value: [
              [k("libraries_count"), f.libraries.size],
              [k("functions_count"), f.functions.size],
            ],
          }]],
        }],
      ],
    });
  },
});

const functionKill = command({
  name: "function|kill",
  arity: 2,
  flags: ["noscript", "allow_busy"],
  categories: ["slow", "scripting"],
  tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.reply.error(NOTBUSY);
  },
});

const functionDump = command({
  name: "function|dump",
  arity: 2,
  flags: ["noscript"],
  categories: ["slow", "scripting"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.reply.bulk(ctx.server.scripting.functions.dump());
  },
});

const functionRestore = command({
  name: "function|restore",
  arity: -3,
  flags: ["write", "denyoom", "noscript"],
  categories: ["write", "slow", "scripting"],
  parse(a) {
    const argv = a.argv;
    let policy: "flush" | "append" | "replace" = "append";
    if (argv.length > 4) throw new CommandError("ERR syntax error");
    if (argv.length === 4) {
      const p = argv[3].toLowerCase();
      if (p !== "flush" && p !== "append" && p !== "replace") {
        throw new CommandError(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
        );
      }
      policy = p;
    }
    return { payload: argv[2], policy };
  },
  execute({ payload, policy }, ctx) {
    ctx.server.scripting.functions.restore(payload, policy);
    ctx.reply.ok();
  },
});

const FUNCTION_HELP = [
  "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
  "HELP",
  "    Prints this help.",
];

export const scriptingCommands = [
  evalCommand("eval", false, false),
  evalCommand("evalsha", false, true),
  evalCommand("eval_ro", true, false),
  evalCommand("evalsha_ro", true, true),
  fcallCommand("fcall", false),
  fcallCommand("fcall_ro", true),
  commandGroup("script", [
    scriptLoad,
    scriptExists,
    scriptFlush,
    scriptKill,
    helpCommand("script", SCRIPT_HELP, ["slow", "scripting"]),
  ]),
  commandGroup("function", [
    functionLoad,
    functionList,
    functionDelete,
    functionFlush,
    functionStats,
    functionKill,
    functionDump,
    functionRestore,
    helpCommand("function", FUNCTION_HELP, ["slow", "scripting"]),
  ]),
];
