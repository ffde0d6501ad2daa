/**
 * The HELP subcommands (CLIENT HELP, CONFIG HELP, ...): every one is `<parent> HELP` with
 * no arguments, replying with its lines as an array of simple strings, as in Redis. Only
 * the lines and the ACL categories differ, so one factory declares them all.
 */

import { command, type CommandSpec } from "./command.ts";
import type { CommandContext } from "./context.ts";

/** Writes a HELP reply: an array of simple strings, as every Redis HELP subcommand. */
export function writeHelp(ctx: CommandContext, lines: readonly string[]): void {
  ctx.reply.array(lines.length);
  for (const line of lines) ctx.reply.simple(line);
}

/**
 * `<PARENT> HELP` replying with `lines`; `categories` as Redis lists them (the
 * connection-related parents add "connection").
 */
export function helpCommand(
  parent: string,
  lines: readonly string[],
  categories: readonly string[] = ["slow"],
): CommandSpec<undefined> {
  return command({
    name: `${parent}|help`,
    arity: 2,
    flags: ["loading", "stale"],
    categories,
    parse: () => undefined,
    execute: (_, ctx) => writeHelp(ctx, lines),
  });
}
