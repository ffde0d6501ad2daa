/** MEMORY USAGE/HELP: a key's size in respd's memory model (store/memory.ts). */

import { command, commandGroup } from "./command.ts";
import { helpCommand } from "./help.ts";
import { CommandError, SYNTAX_ERROR } from "./errors.ts";
import { keyBytes } from "../store/memory.ts";

/**
 * MEMORY USAGE key [SAMPLES count]: the key's bytes in respd's memory model
 * (store/memory.ts), the figure --maxmemory counts. SAMPLES is checked as Redis does; the
 * model samples containers with its own fixed count.
 */
const memoryUsage = command({
  name: "memory|usage",
  arity: -3,
  flags: ["readonly"],
  categories: ["read", "slow"],
  keys: [2, 2, 1],
  keySpecFlags: ["RO"],
  parse(a) {
    const key = a.next();
    while (a.hasMore()) {
      if (a.nextOption() !== "SAMPLES" || !a.hasMore()) throw new CommandError(SYNTAX_ERROR);
      if (a.int() < 0) throw new CommandError(SYNTAX_ERROR);
    }
    return key;
  },
  execute(key, ctx) {
    if (ctx.db.peek(key) === undefined) return ctx.reply.null(); // not an access, as in Redis
    ctx.reply.integer(keyBytes(ctx.db, key));
  },
});

/** MEMORY HELP */
const memoryHelp = helpCommand("memory", [
  "MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
  "HELP",
  "    Prints this help.",
]);

export const memoryCommands = [commandGroup("memory", [memoryUsage, memoryHelp])];
