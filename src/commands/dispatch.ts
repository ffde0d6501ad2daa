/**
 * From an argument list to a reply: finds the command (and subcommand), checks arity,
 * parses and executes it. Command errors become `-` replies here and nowhere else.
 */

import { Args } from "./args.ts";
import type { CommandSpec } from "./command.ts";
import { CommandError, unknownCommand, unknownSubcommand, wrongArity } from "./errors.ts";
import { lookupCommand } from "./registry.ts";
import type { CommandContext } from "./context.ts";

/** The spec `argv` names, with its subcommand resolved; throws the error Redis gives. */
export function resolveCommand(argv: readonly string[]): CommandSpec {
  const spec = lookupCommand(argv[0]);
  if (spec === undefined) throw unknownCommand(argv);
  if (spec.subcommands === undefined) {
    if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) {
      throw wrongArity(spec.name);
    }
    return spec;
  }
  if (argv.length < 2) {
    if (spec.arity === -1) return spec; // a container that also runs alone (COMMAND)
    throw wrongArity(spec.name);
  }
  const sub = spec.subcommands.get(argv[1].toLowerCase());
  if (sub === undefined) throw unknownSubcommand(argv[1], spec.name);
  if ((sub.arity > 0 && argv.length !== sub.arity) || argv.length < -sub.arity) {
    throw wrongArity(sub.name);
  }
  return sub;
}

/** Parses and runs `spec` for `argv`, writing its reply or its error to `ctx.reply`. */
export function runCommand(spec: CommandSpec, argv: readonly string[], ctx: CommandContext): void {
  try {
    const cmd = spec.parse(new Args(argv, spec.name.includes("|") ? 2 : 1));
    spec.execute(cmd, ctx);
  } catch (e: unknown) {
    if (e instanceof CommandError) ctx.reply.error(e.message);
    else throw e;
  }
}
