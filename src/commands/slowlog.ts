/**
 * SLOWLOG GET/LEN/RESET/HELP: the slow log (stats/slowlog.ts) as Redis 7.0.15 answers it.
 * Each entry is [id, unix time, µs, [args...], "ip:port", client name], newest first.
 */

import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError } from "./errors.ts";
import { parseInteger } from "./args.ts";

const COUNT_ERROR = "ERR count should be greater than or equal to -1";
const FLAGS = ["admin", "loading", "stale"] as const;
const CATEGORIES = ["admin", "slow", "dangerous"];

/** SLOWLOG GET [count] (10 by default, -1 for all) */
const slowlogGet = command({
  name: "slowlog|get",
  arity: -2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["request_policy:all_nodes", "nondeterministic_output"],
  parse(a) {
    if (a.remaining > 1) {
      throw new CommandError(
        `ERR unknown subcommand or wrong number of arguments for '${a.argv[1]}'. Try SLOWLOG HELP.`,
      );
    }
    if (!a.hasMore()) return 10;
    const n = parseInteger(a.next());
    if (n === null || n < -1) throw new CommandError(COUNT_ERROR);
    return Number(n);
  },
  execute(count, ctx) {
    const entries = ctx.server.introspection.slowlog.get(count);
    const reply = ctx.reply;
    reply.array(entries.length);
    for (const e of entries) {
      reply.array(6);
      reply.integer(e.id);
      reply.integer(e.time);
      reply.integer(e.usec);
      reply.array(e.args.length);
      for (const arg of e.args) reply.bulk(arg);
      reply.bulk(e.addr);
      reply.bulk(e.name);
    }
  },
});

/** SLOWLOG LEN */
const slowlogLen = command({
  name: "slowlog|len",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
  parse: () => undefined,
  execute: (_, ctx) => ctx.reply.integer(ctx.server.introspection.slowlog.length),
});

/** SLOWLOG RESET */
const slowlogReset = command({
  name: "slowlog|reset",
  arity: 2,
  flags: FLAGS,
  categories: CATEGORIES,
  tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
  parse: () => undefined,
  execute(_, ctx) {
    ctx.server.introspection.slowlog.reset();
    ctx.reply.ok();
  },
});

const slowlogHelp = helpCommand("slowlog", [
  "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "GET [<count>]",
  "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
  "    Entries are made of:",
  "    id, timestamp, time in microseconds, arguments array, client IP and port,",
  "    client name",
  "LEN",
  "    Return the length of the slowlog.",
  "RESET",
  "    Reset the slowlog.",
  "HELP",
  "    Prints this help.",
]);

export const slowlogCommands = [
  commandGroup("slowlog", [slowlogGet, slowlogLen, slowlogReset, slowlogHelp], [
    "slow",
  ]),
];
